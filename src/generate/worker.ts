/**
 * Entry point of the generator process. Drawing masks runs TF.js kernels that block their thread for
 * up to seconds, so the bot asks this process instead and stays free to acknowledge interactions.
 * It keeps the EMA generator of the newest checkpoint loaded and reloads when a newer one appears.
 */
import { selectBackend } from '../backend/select.js';
import {
  findCheckpointById,
  type LoadedCheckpoint,
  listCheckpoints,
  pinCheckpoint,
  readCheckpoint,
} from '../checkpoint/store.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log/logger.js';
import { MaskPainter } from './generate.js';
import type { GenerateRequest, GenerateResponse } from './protocol.js';

const logger = createLogger().child({ subsystem: 'generator' });
const config = loadConfig();
let latest: MaskPainter | undefined;

class Refusal extends Error {
  constructor(
    readonly code: 'no-checkpoint' | 'checkpoint-gone' | 'bad-request',
    message: string,
  ) {
    super(message);
  }
}

async function newestPainter(): Promise<MaskPainter> {
  const newest = (await listCheckpoints(config.paths.checkpointsDir)).at(-1);
  if (!newest) throw new Refusal('no-checkpoint', 'no checkpoint has been saved yet');
  if (latest?.checkpoint.path === newest.path && latest.checkpoint.manifest.step === newest.step)
    return latest;
  let loaded: LoadedCheckpoint;
  try {
    loaded = await readCheckpoint(newest.path);
  } catch (err) {
    // The trainer may be replacing it this instant, or it is damaged: keep serving the one we have.
    if (latest) return latest;
    throw err;
  }
  latest?.dispose();
  latest = new MaskPainter(loaded);
  logger.info({ checkpoint: latest.checkpointId }, 'generator loaded a new checkpoint');
  return latest;
}

async function painterFor(
  checkpointId: string | undefined,
): Promise<{ painter: MaskPainter; temporary: boolean }> {
  const newest = await newestPainter();
  if (checkpointId === undefined || checkpointId === newest.checkpointId)
    return { painter: newest, temporary: false };
  const loaded = await findCheckpointById(config.paths.checkpointsDir, checkpointId);
  if (!loaded) throw new Refusal('checkpoint-gone', `checkpoint ${checkpointId} is no longer kept`);
  return { painter: new MaskPainter(loaded), temporary: true };
}

async function handle(request: GenerateRequest): Promise<GenerateResponse> {
  const { painter, temporary } = await painterFor(request.checkpointId);
  try {
    await pinCheckpoint(painter.checkpoint.path);
    const base = {
      id: request.id,
      ok: true as const,
      checkpointId: painter.checkpointId,
      step: painter.checkpoint.manifest.step,
    };
    if (request.kind === 'masks') {
      const masks = await painter.masks(request.refs, request.outPx);
      return { ...base, masks: masks.map((m) => ({ id: m.id, ref: m.ref, png: new Uint8Array(m.png) })) };
    }
    const animation = await painter.morph(request.from, request.to, request);
    return { ...base, animation: new Uint8Array(animation) };
  } finally {
    if (temporary) painter.dispose();
  }
}

/** Answers the parent, unless it has gone (a bot that stopped while this process was starting). */
function reply(message: GenerateResponse | { ready: true }): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

// Requests run one at a time: the process has one thread for TF.js anyway, and order is fairness.
let chain = Promise.resolve();
process.on('message', (request: GenerateRequest) => {
  chain = chain.then(async () => {
    let response: GenerateResponse;
    try {
      response = await handle(request);
    } catch (err) {
      const code = err instanceof Refusal ? err.code : 'internal';
      if (code === 'internal')
        logger.error({ err, request: { id: request.id, kind: request.kind } }, 'generation failed');
      response = { id: request.id, ok: false, code, message: (err as Error).message };
    }
    reply(response);
  });
});
process.on('disconnect', () => process.exit(0));

await selectBackend(config.training.backend, logger, 'generating');
reply({ ready: true });
