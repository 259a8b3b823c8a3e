/** What one encoding attempt uses; the budget loop shrinks it until the file fits. */
export interface EncodePlan {
  readonly frames: number;
  readonly widthPx: number;
  readonly quality: number;
}

/**
 * The ways to make the file smaller, tried in this order: a little lower quality first (the eye
 * hardly sees 80 -> 60 on a small animated grid), then fewer frames, then smaller frames, then the
 * same again down to the last floors. Each lever stops at its floor.
 */
const LEVERS: ReadonlyArray<{ lever: keyof EncodePlan; floor: number }> = [
  { lever: 'quality', floor: 60 },
  { lever: 'frames', floor: 16 },
  { lever: 'widthPx', floor: 256 },
  { lever: 'quality', floor: 40 },
  { lever: 'frames', floor: 8 },
  { lever: 'widthPx', floor: 128 },
];

/**
 * The next, smaller plan after an attempt came out `overBy` times too large (> 1), or undefined when
 * every lever is at its floor. Aims 10% under the budget, since sizes do not scale exactly.
 */
export function shrinkPlan(plan: EncodePlan, overBy: number): EncodePlan | undefined {
  const ratio = 0.9 / overBy;
  for (const { lever, floor } of LEVERS) {
    const now = plan[lever];
    if (now <= floor) continue;
    switch (lever) {
      case 'quality':
        return { ...plan, quality: floor };
      case 'frames':
        return { ...plan, frames: Math.max(floor, Math.min(now - 1, Math.floor(now * ratio))) };
      case 'widthPx': {
        // Bytes go roughly with the area, so the width shrinks by the square root.
        const width = Math.floor((now * Math.sqrt(ratio)) / 2) * 2;
        return { ...plan, widthPx: Math.max(floor, Math.min(now - 2, width)) };
      }
    }
  }
  return undefined;
}
