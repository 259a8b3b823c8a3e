import { createHash } from 'node:crypto';

/**
 * Headers Discord puts on ordinary responses. The fake never limits on its own, so it always
 * reports room left; 429s come only from `failNext`.
 */
export function routeRateLimitHeaders(routeKey: string, nowMs: number): Record<string, string> {
  const resetAfterSeconds = 1;
  return {
    'x-ratelimit-bucket': bucketHash(routeKey),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '4',
    'x-ratelimit-reset': ((nowMs + resetAfterSeconds * 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': resetAfterSeconds.toFixed(3),
  };
}

/** A stable, opaque bucket id per route, like the 32 hex characters Discord sends. */
export function bucketHash(routeKey: string): string {
  return createHash('sha256').update(routeKey).digest('hex').slice(0, 32);
}
