/** One frame on one connection, as the fake saw or sent it. */
export interface GatewayFrameRecord {
  readonly connectionId: number;
  readonly direction: 'received' | 'sent';
  readonly atMs: number;
  readonly op: number;
  readonly t: string | null;
  readonly s: number | null;
  readonly d: unknown;
}

/** One WebSocket connection to the fake gateway. */
export interface GatewayConnectionRecord {
  readonly id: number;
  /** `resume` when the client connected to READY's `resume_gateway_url`. */
  readonly via: 'gateway' | 'resume';
  readonly query: Readonly<Record<string, string>>;
  sessionId: string | null;
  /** What the client did first: IDENTIFY (op 2), RESUME (op 6), or nothing yet. */
  start: 'identify' | 'resume' | null;
  closeCode: number | null;
}
