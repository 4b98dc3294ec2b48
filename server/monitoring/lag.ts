/** Monitoring lag (trace completion → assessment stored), kept for the last few minutes: p50 / p95. */
export class LagTracker {
  private samples: Array<{ at: number; lagMs: number }> = [];

  constructor(
    private readonly windowMs = 10 * 60_000,
    private readonly maxSamples = 20_000,
  ) {}

  add(lagMs: number, at = Date.now()): void {
    this.samples.push({ at, lagMs: Math.max(0, lagMs) });
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
  }

  /** Nearest-rank percentiles over the window, or null without samples. */
  percentiles(now = Date.now()): { p50: number | null; p95: number | null } {
    this.samples = this.samples.filter((s) => now - s.at <= this.windowMs);
    if (this.samples.length === 0) return { p50: null, p95: null };
    const sorted = this.samples.map((s) => s.lagMs).sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
    return { p50: at(0.5), p95: at(0.95) };
  }
}
