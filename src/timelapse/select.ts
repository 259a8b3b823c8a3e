/**
 * Which of `count` items (oldest first) to keep so that at most `wanted` remain, spread evenly and
 * always with the first and the last. Returns indices in increasing order.
 *
 * Grids are written one per sampling interval, so an even spread over the list is an even spread over
 * the run's training time, which is how people watch it grow.
 */
export function pickEvenly(count: number, wanted: number): number[] {
  if (count <= 0 || wanted <= 0) return [];
  if (wanted === 1) return [count - 1];
  if (count <= wanted) return Array.from({ length: count }, (_, i) => i);
  // With wanted <= count the stride is at least 1, so no two rounded indices coincide.
  const stride = (count - 1) / (wanted - 1);
  return Array.from({ length: wanted }, (_, i) => Math.round(i * stride));
}
