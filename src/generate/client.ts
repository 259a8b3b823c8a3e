import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log/logger.js';
import type { LatentRef } from './mask-id.js';
import type { GenerateFailure, GenerateRequest, GenerateResponse } from './protocol.js';

/** A generation that did not happen, with a code the bot turns into a kind reply. */
export class GenerateError extends Error {
  override readonly name = 'GenerateError';

  constructor(
    readonly code: GenerateFailure | 'timeout' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

type Ok = Extract<GenerateResponse, { ok: true }>;
type Pending = { resolve: (r: Ok) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
type NewRequest =
  | Omit<Extract<GenerateRequest, { kind: 'masks' }>, 'id'>
  | Omit<Extract<GenerateRequest, { kind: 'morph' }>, 'id'>;

function workerEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts'))
    return { path: self.replace(/client\.ts$/, 'worker.ts'), execArgv: ['--import', 'tsx'] };
  return { path: self.replace(/client\.js$/, 'worker.js'), execArgv: [] };
}

/**
 * Talks to the generator process: one request at a time on its side, any number queued here, each with
 * a timeout. A crashed worker is started again on the next request; what was in flight fails cleanly.
 */
export class GeneratorClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly options: { logger: Logger; env?: NodeJS.ProcessEnv; timeoutMs?: number }) {}

  async masks(
    refs: LatentRef[],
    outPx: number,
    checkpointId?: string,
  ): Promise<Ok & { masks: NonNullable<Ok['masks']> }> {
    const r = await this.request({
      kind: 'masks',
      refs,
      outPx,
      ...(checkpointId !== undefined && { checkpointId }),
    });
    if (!r.masks) throw new GenerateError('internal', 'the generator answered without masks');
    return { ...r, masks: r.masks };
  }

  async morph(
    from: LatentRef,
    to: LatentRef,
    options: { frames: number; frameMs: number; outPx: number; checkpointId?: string },
  ): Promise<Ok & { animation: Uint8Array }> {
    const r = await this.request({ kind: 'morph', from, to, ...options });
    if (!r.animation) throw new GenerateError('internal', 'the generator answered without an animation');
    return { ...r, animation: r.animation };
  }

  /** Starts the worker now rather than at the first request, so that the first mask is not slower. */
  warm(): void {
    if (!this.closed) this.ensureChild();
  }

  /** Ends the worker; pending requests fail with 'unavailable'. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }

  private request(body: NewRequest): Promise<Ok> {
    if (this.closed) return Promise.reject(new GenerateError('unavailable', 'the generator is shut down'));
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise<Ok>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new GenerateError('timeout', 'the generator took too long'));
      }, this.options.timeoutMs ?? 120_000);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ ...body, id } as GenerateRequest);
    });
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const entry = workerEntry();
    const child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    child.on('message', (message: GenerateResponse | { ready: true }) => {
      if (!('id' in message)) return;
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.ok) waiting.resolve(message);
      else waiting.reject(new GenerateError(message.code, message.message));
    });
    child.on('exit', (code, signal) => {
      this.child = undefined;
      if (!this.closed)
        this.options.logger.warn(
          { code, signal },
          'generator process exited; it restarts on the next request',
        );
      for (const [id, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new GenerateError('unavailable', 'the generator process stopped'));
        this.pending.delete(id);
      }
    });
    return child;
  }
}
