/**
 * Dense deterministic sampling (MLflow's online sampler, mlflow/genai/scorers/online/sampler.py).
 *
 * Scorers are sorted by sample rate, highest first (ties by name). For each scorer, a SHA-256 of
 * "<traceId>:<scorerName>" mapped to [0, 1) is compared with the conditional rate
 * rate / previous rate; the first rejection stops the walk. So scorer k is chosen with
 * probability r1 · (r2/r1) · … · (rk/rk-1) = rk, the result is the same on every call, and a
 * trace a lower-rate scorer sees is seen by every higher-rate scorer too. Pure.
 */
import crypto from "node:crypto";

export interface SampledScorer {
  name: string;
  sampleRate: number;
}

/** sha256("<traceId>:<scorerName>") as a number in [0, 1) (its first 52 bits). */
export function hashUnit(traceId: string, scorerName: string): number {
  const digest = crypto.createHash("sha256").update(`${traceId}:${scorerName}`).digest();
  // 52 bits fit a double exactly: 4 bytes, then 20 more bits.
  const hi = digest.readUInt32BE(0);
  const lo = digest.readUInt32BE(4) >>> 12;
  return (hi * 2 ** 20 + lo) / 2 ** 52;
}

/** Highest rate first; ties by name, so the order (and the result) never depends on input order. */
export function byRateDescending<T extends SampledScorer>(scorers: readonly T[]): T[] {
  return [...scorers].sort((a, b) => b.sampleRate - a.sampleRate || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The scorers (of those given, e.g. the ones whose filter matched) that score this trace. */
export function sampleScorers<T extends SampledScorer>(traceId: string, scorers: readonly T[]): T[] {
  const chosen: T[] = [];
  let prevRate = 1;
  for (const s of byRateDescending(scorers)) {
    const rate = Math.min(1, Math.max(0, s.sampleRate));
    if (rate <= 0) break;
    const conditional = prevRate > 0 ? rate / prevRate : 0;
    if (conditional < 1 && hashUnit(traceId, s.name) >= conditional) break;
    chosen.push(s);
    prevRate = rate;
  }
  return chosen;
}
