/**
 * Keeps online monitoring from slowing ingest down when ingest saturates the server's main thread.
 *
 * Monitoring's own main-thread work (admission, dispatch, storing results, the pool's messages)
 * runs on the same thread as ingest. While ingest saturates that thread — spans were committed in
 * the last `busyWindowMs` AND the event loop was busy at least `saturatedElu` of the last
 * `sampleMs` (event-loop utilization) — monitoring may use at most `share` of the thread's time:
 * a token bucket refilled at `share` × elapsed time, drained by the measured duration of each
 * piece of monitoring work. When it is empty, `delayMs()` says how long to wait. When ingest does
 * not saturate the thread (a steady rate, or no ingest at all), monitoring runs unthrottled, so
 * the lag stays low; what waits during a burst is scored right after it.
 */
import { performance, type EventLoopUtilization } from "node:perf_hooks";

export interface ThrottleOptions {
  /** Share of the main thread monitoring may use while ingest saturates it. Default 0.05. */
  share?: number;
  /** Ingest is active this long after a commit. Default 500 ms. */
  busyWindowMs?: number;
  /** Event-loop utilization at or above which the thread counts as saturated. Default 0.8. */
  saturatedElu?: number;
  /** How often utilization is sampled (over the interval since the last sample). Default 250 ms. */
  sampleMs?: number;
  /** Most work (ms) saved up while there is slack. Default 50 ms. */
  burstMs?: number;
}

export class MonitorThrottle {
  private readonly share: number;
  private readonly busyWindowMs: number;
  private readonly saturatedElu: number;
  private readonly sampleMs: number;
  private readonly burstMs: number;
  private lastCommitMs = -Infinity;
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private eluAt = performance.now();
  private utilization = 0;
  private tokens: number;
  private tokensAt = performance.now();

  constructor(opts: ThrottleOptions = {}) {
    this.share = Math.min(1, Math.max(0.01, opts.share ?? 0.05));
    this.busyWindowMs = opts.busyWindowMs ?? 500;
    this.saturatedElu = opts.saturatedElu ?? 0.8;
    this.sampleMs = opts.sampleMs ?? 250;
    this.burstMs = opts.burstMs ?? 50;
    this.tokens = this.burstMs;
  }

  noteCommit(nowMs = Date.now()): void {
    this.lastCommitMs = nowMs;
  }

  /** Ingest is active (spans were committed lately). */
  get ingestActive(): boolean {
    return Date.now() - this.lastCommitMs < this.busyWindowMs;
  }

  /** Ingest is active and the main thread is (nearly) always busy. */
  get saturated(): boolean {
    if (!this.ingestActive) return false;
    const now = performance.now();
    if (now - this.eluAt >= this.sampleMs) {
      const cur = performance.eventLoopUtilization();
      this.utilization = performance.eventLoopUtilization(cur, this.elu).utilization;
      this.elu = cur;
      this.eluAt = now;
    }
    return this.utilization >= this.saturatedElu;
  }

  /** How long monitoring should wait before its next piece of work (0: go ahead). */
  delayMs(): number {
    const now = performance.now();
    if (!this.saturated) {
      this.tokens = this.burstMs;
      this.tokensAt = now;
      return 0;
    }
    this.tokens = Math.min(this.burstMs, this.tokens + this.share * (now - this.tokensAt));
    this.tokensAt = now;
    if (this.tokens > 0) return 0;
    return Math.ceil(-this.tokens / this.share);
  }

  /** Monitoring just used `ms` of the main thread. */
  spent(ms: number): void {
    if (ms > 0) this.tokens -= ms;
  }
}
