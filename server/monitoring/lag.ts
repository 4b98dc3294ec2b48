/**
 * Monitoring lag (trace completion → assessment stored), kept for the last few minutes: p50 / p95.
 * The newest `maxSamples` are kept in a ring (adding one is O(1), allocation-free); percentiles
 * are computed when asked, over the samples inside the window.
 */
export class LagTracker {
  private readonly at: Float64Array;
  private readonly lags: Float64Array;
  private next = 0;
  private size = 0;

  constructor(
    private readonly windowMs = 10 * 60_000,
    maxSamples = 20_000,
  ) {
    this.at = new Float64Array(maxSamples);
    this.lags = new Float64Array(maxSamples);
  }

  add(lagMs: number, at = Date.now()): void {
    this.at[this.next] = at;
    this.lags[this.next] = Math.max(0, lagMs);
    this.next = (this.next + 1) % this.at.length;
    this.size = Math.min(this.size + 1, this.at.length);
  }

  /** Nearest-rank percentiles over the window, or null without samples. */
  percentiles(now = Date.now()): { p50: number | null; p95: number | null } {
    const inWindow: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.next - 1 - k + this.at.length) % this.at.length;
      if (now - (this.at[i] as number) <= this.windowMs) inWindow.push(this.lags[i] as number);
    }
    if (inWindow.length === 0) return { p50: null, p95: null };
    const sorted = inWindow.sort((a, b) => a - b);
    const pick = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
    return { p50: pick(0.5), p95: pick(0.95) };
  }
}
