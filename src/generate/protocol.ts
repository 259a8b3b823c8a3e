import type { LatentRef } from './mask-id.js';

/**
 * Requests to the generator process. `checkpointId` asks for a particular checkpoint (to draw a mask
 * again from its id); without it the newest checkpoint is used.
 */
export type GenerateRequest =
  | { id: number; kind: 'masks'; refs: LatentRef[]; outPx: number; checkpointId?: string }
  | {
      id: number;
      kind: 'morph';
      from: LatentRef;
      to: LatentRef;
      frames: number;
      frameMs: number;
      outPx: number;
      checkpointId?: string;
    };

export type GenerateFailure = 'no-checkpoint' | 'checkpoint-gone' | 'bad-request' | 'internal';

export type GenerateResponse =
  | {
      id: number;
      ok: true;
      checkpointId: string;
      step: number;
      masks?: Array<{ id: string; ref: LatentRef; png: Uint8Array }>;
      animation?: Uint8Array;
    }
  | { id: number; ok: false; code: GenerateFailure; message: string };
