// The container's health check: healthy while the trainer keeps models/status.json fresh. The trainer
// rewrites it every few seconds, training or paused; it goes stale when the trainer is down for good
// (repeated crashes, a divergence it could not recover from) or the whole process hangs.
// Exit 0 healthy, 1 unhealthy, with one line saying why (Docker keeps it in `docker inspect`).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const STALE_AFTER_MS = 15 * 60 * 1000;
const file = join(resolve(process.env.NIGHTMASK_MODELS_DIR || 'models'), 'status.json');

let status;
try {
  status = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`unhealthy: cannot read ${file} (${err.code ?? err.message}); has the trainer started?`);
  process.exit(1);
}
const ageMs = Date.now() - Date.parse(status.updatedAt);
if (!(ageMs < STALE_AFTER_MS)) {
  console.log(`unhealthy: ${file} was last updated ${status.updatedAt}, over 15 minutes ago`);
  process.exit(1);
}
console.log(
  `healthy: step ${status.step} on ${status.backend} (${status.device}), ${Math.round(ageMs / 1000)} s ago`,
);
