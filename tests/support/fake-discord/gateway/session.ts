import type { WebSocket } from 'ws';

/** A dispatch (op 0) as sent: kept per session so a RESUME can replay what was missed. */
export interface DispatchFrame {
  readonly op: 0;
  readonly t: string;
  readonly s: number;
  readonly d: unknown;
}

/**
 * A gateway session: created by IDENTIFY, survives its connection so that RESUME can pick it up,
 * and ends when the bot closes normally (1000/1001) or the fake invalidates it.
 */
export class GatewaySession {
  #seq = 0;
  readonly #frames: DispatchFrame[] = [];
  socket: WebSocket | null = null;
  resumable = true;

  constructor(
    readonly id: string,
    readonly intents: number,
  ) {}

  get seq(): number {
    return this.#seq;
  }

  /** Numbers and keeps a dispatch; the caller sends it if the session has a live socket. */
  record(t: string, d: unknown): DispatchFrame {
    this.#seq += 1;
    const frame: DispatchFrame = { op: 0, t, s: this.#seq, d };
    this.#frames.push(frame);
    return frame;
  }

  /** The dispatches with a sequence number above `seq`, i.e. those a resuming client missed. */
  framesAfter(seq: number): DispatchFrame[] {
    return this.#frames.filter((frame) => frame.s > seq);
  }
}
