import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type StoreOptions } from '../../../src/store/index.js';

/** A clock tests move by hand. */
export interface FakeClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function fakeClock(startMs: number): FakeClock {
  let now = startMs;
  const clock = (() => now) as FakeClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/** A fresh folder for database files, removed by `cleanup`. */
export function tempDir(): { path: string; file: (name: string) => string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'nightmask-store-'));
  return {
    path,
    file: (name) => join(path, name),
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Opens stores on files in one temp folder and closes them all at the end of a test. */
export function storeFiles() {
  const dir = tempDir();
  const opened: Store[] = [];
  return {
    dir,
    open(name: string, options: StoreOptions = {}): Store {
      const store = openStore(dir.file(name), undefined, options);
      opened.push(store);
      return store;
    },
    cleanup() {
      for (const store of opened) store.close();
      dir.cleanup();
    },
  };
}
