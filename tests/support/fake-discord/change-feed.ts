/**
 * Tells waiters that something in the fake changed (a request was answered, a gateway frame
 * went out), so `waitFor` re-checks on events instead of polling on a timer.
 */
export class ChangeFeed {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}

const POLL_INTERVAL_MS = 10;

export interface WaitOptions {
  /** Real milliseconds, not the fake clock's. Defaults to 5000. */
  readonly timeoutMs?: number;
  /** Named in the timeout error, so a failure says what never happened. */
  readonly description?: string;
}

/**
 * Resolves with the first truthy value `probe` returns, checking now, after every change and every
 * few milliseconds.
 * Rejects after `timeoutMs` with an error that names `description`.
 */
export function waitForChange<T>(
  feed: ChangeFeed,
  probe: () => T | undefined | null | false,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise<T>((resolve, reject) => {
    let unsubscribe: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const check = (): boolean => {
      let value: T | undefined | null | false;
      try {
        value = probe();
      } catch (error) {
        finish();
        reject(error);
        return true;
      }
      if (!value) return false;
      finish();
      resolve(value);
      return true;
    };
    const finish = (): void => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
    };

    if (check()) return;
    unsubscribe = feed.subscribe(check);
    // Probes may also read the client's side (a handler ran, a cache filled), which no fake event
    // announces; a slow poll covers those.
    poll = setInterval(check, POLL_INTERVAL_MS);
    timer = setTimeout(() => {
      finish();
      const what = options.description ?? 'the condition';
      reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
}
