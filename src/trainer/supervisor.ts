import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log/logger.js';
import type { ChildMessage, ParentMessage, TrainerProgress } from './protocol.js';

export interface SupervisorOptions {
  logger: Logger;
  /** Extra environment for the child (tests point it at temporary folders). */
  env?: NodeJS.ProcessEnv;
  /** First restart delay; doubles per crash up to `maxBackoffMs`, and resets after a healthy minute. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long `stop()` waits for the final checkpoint before killing the child. */
  stopTimeoutMs?: number;
  /** Start new networks instead of resuming (the first child only; restarts resume the new run). */
  fresh?: boolean;
}

export interface SupervisorEvents {
  progress: [TrainerProgress];
  checkpoint: [{ step: number; id: string; path: string }];
  sample: [{ step: number; path: string }];
  exit: [{ code: number | null; signal: NodeJS.Signals | null; restartInMs: number | undefined }];
}

/** The child's entry file: the compiled .js next to this one, or the .ts source under tsx (tests). */
function childEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts'))
    return { path: self.replace(/supervisor\.ts$/, 'child.ts'), execArgv: ['--import', 'tsx'] };
  return { path: self.replace(/supervisor\.js$/, 'child.js'), execArgv: [] };
}

/**
 * Runs the trainer in a child process and keeps it running: a crash is logged and the child is
 * restarted with exponential backoff, while the parent goes on serving from the last checkpoint.
 */
export class TrainerSupervisor extends EventEmitter<SupervisorEvents> {
  private child: ChildProcess | undefined;
  private latest: TrainerProgress | undefined;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private startedAt = 0;
  private lastExit: { code: number | null; signal: NodeJS.Signals | null; at: string } | undefined;
  private gaveUpReason: string | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.logger = options.logger.child({ subsystem: 'supervisor' });
    this.backoffMs = options.backoffMs ?? 1000;
  }

  /** The trainer's latest report, or undefined before the first one. */
  get progress(): TrainerProgress | undefined {
    return this.latest;
  }

  /** The child's process id while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Set when training stopped for a reason a restart cannot fix; the rest of the process goes on. */
  get stoppedBecause(): string | undefined {
    return this.gaveUpReason;
  }

  /** Why the child last exited, for `/train status` while it restarts. */
  get lastExitInfo() {
    return this.lastExit;
  }

  start(): void {
    if (this.child || this.stopping) return;
    const entry = childEntry();
    const args = this.options.fresh && this.startedAt === 0 ? ['--fresh'] : [];
    const child = fork(entry.path, args, {
      execArgv: entry.execArgv,
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.startedAt = Date.now();
    this.logger.info({ childPid: child.pid }, 'trainer process started');

    child.on('message', (message: ChildMessage) => this.onMessage(message));
    child.on('error', (err) => this.logger.error({ err }, 'trainer process error'));
    child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  /** Sends a command; returns false when there is no trainer to receive it (it is restarting). */
  send(message: ParentMessage): boolean {
    if (!this.child?.connected) return false;
    this.child.send(message);
    return true;
  }

  /**
   * Asks the trainer to checkpoint and exit, and waits for it; kills it after the timeout so that
   * shutdown always ends. No restart follows.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    else child.kill('SIGTERM');
    const timeout = setTimeout(() => {
      this.logger.warn('trainer did not stop in time; killing it');
      child.kill('SIGKILL');
    }, this.options.stopTimeoutMs ?? 120_000);
    await exited;
    clearTimeout(timeout);
  }

  private onMessage(message: ChildMessage): void {
    if (message.type === 'progress') {
      this.latest = message.progress;
      this.emit('progress', message.progress);
    } else if (message.type === 'checkpoint') {
      this.emit('checkpoint', { step: message.step, id: message.id, path: message.path });
    } else if (message.type === 'sample') {
      this.emit('sample', { step: message.step, path: message.path });
    } else if (message.type === 'fatal') {
      this.logger.error(
        { reason: message.message, permanent: message.permanent },
        'trainer reported a fatal error',
      );
      if (message.permanent) this.gaveUpReason = message.message;
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.lastExit = { code, signal, at: new Date().toISOString() };
    if (this.stopping || this.gaveUpReason) {
      if (this.gaveUpReason) {
        this.logger.error(
          { reason: this.gaveUpReason },
          'training has stopped and will not restart until this is fixed and nightmask is restarted; ' +
            'masks are still served from the last checkpoint',
        );
      } else {
        this.logger.info({ code, signal }, 'trainer process exited');
      }
      this.emit('exit', { code, signal, restartInMs: undefined });
      return;
    }
    // A child that ran for a healthy while gets a fresh, short backoff.
    if (Date.now() - this.startedAt > 60_000) this.backoffMs = this.options.backoffMs ?? 1000;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5 * 60_000);
    this.logger.error({ code, signal, restartInMs: delay }, 'trainer process died; restarting it');
    this.emit('exit', { code, signal, restartInMs: delay });
    this.restartTimer = setTimeout(() => this.start(), delay);
    // The restart must not keep an otherwise finished process alive.
    this.restartTimer.unref();
  }
}
