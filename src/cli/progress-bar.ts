import type { TrainerProgress } from '../trainer/protocol.js';

/**
 * One status line on stderr: redrawn in place on a terminal, printed every few seconds otherwise
 * (logs and CI), so scripts get a readable record and people get a live bar.
 */
export class ProgressBar {
  private lastPrint = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly goal: { steps?: number; ms?: number; startStep: number; startedAt: number }) {}

  update(p: TrainerProgress, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastPrint < (this.tty ? 200 : 10_000)) return;
    this.lastPrint = now;

    const fraction = this.fraction(p.step, now);
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
    const eta = this.eta(fraction, now);
    const line =
      `${bar} step ${p.step} | ${p.imagesPerSecond.toFixed(2)} img/s | ` +
      `D ${p.discriminatorLoss.toFixed(3)} G ${p.generatorLoss.toFixed(3)}${eta}`;
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}`);
    else process.stderr.write(`${line}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }

  private fraction(step: number, now: number): number {
    const parts: number[] = [];
    if (this.goal.steps) parts.push((step - this.goal.startStep) / this.goal.steps);
    if (this.goal.ms) parts.push((now - this.goal.startedAt) / this.goal.ms);
    return Math.min(1, Math.max(0, ...parts));
  }

  private eta(fraction: number, now: number): string {
    if (fraction <= 0 || fraction >= 1) return '';
    const left = ((now - this.goal.startedAt) / fraction) * (1 - fraction);
    const s = Math.round(left / 1000);
    return ` | ETA ${s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`}`;
  }
}
