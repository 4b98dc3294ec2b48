/**
 * A worker keeps at most MAX_LOADED_BUNDLES scorer files loaded, so `runMany` runs scorers from
 * more files than that in passes (each a job of the pool, run side by side), each with at most
 * that many files, and merges their results back into one [trace][scorer] table.
 */
import type { TraceScore } from "../../../protocol/scoring";
import type { JobResult } from "./poolJob";
import type { PoolRunManyOptions, PoolScorer } from "./poolTypes";
import { MAX_LOADED_BUNDLES } from "./workerProtocol";

type Wanted = ReadonlyArray<readonly number[] | null> | undefined;

/** Runs `opts.scorers` in as few passes as the file limit allows (one pass: `run` as is). */
export function inPasses(opts: PoolRunManyOptions, run: (scorers: PoolScorer[], wanted: Wanted) => Promise<JobResult>): Promise<JobResult> {
  const groups = passes(opts.scorers);
  if (groups.length === 1) return run(opts.scorers, opts.wanted);
  return Promise.all(
    groups.map((g) => {
      const local = new Map(g.map((s, i) => [s, i]));
      const wanted = opts.traceIds.map((_, pos) => (opts.wanted?.[pos] ?? g).flatMap((s) => (local.has(s) ? [local.get(s) as number] : [])));
      return run(
        g.map((s) => opts.scorers[s] as PoolScorer),
        wanted,
      );
    }),
  ).then((parts) => {
    const out: JobResult = { results: opts.traceIds.map(() => opts.scorers.map(() => null)), cancelled: false, loadErrors: opts.scorers.map(() => null) };
    parts.forEach((part, k) => {
      const g = groups[k] as number[];
      out.cancelled ||= part.cancelled;
      g.forEach((s, i) => (out.loadErrors[s] = part.loadErrors[i] ?? null));
      part.results.forEach((row, pos) => g.forEach((s, i) => ((out.results[pos] as Array<TraceScore | null>)[s] = row[i] ?? null)));
    });
    return out;
  });
}

/** Scorer indices in passes of at most MAX_LOADED_BUNDLES distinct files each. */
function passes(scorers: readonly PoolScorer[]): number[][] {
  const out: Array<{ keys: Set<string>; members: number[] }> = [];
  scorers.forEach((s, i) => {
    const key = `${s.bundle.filename}\0${s.bundle.sourceHash}`;
    let pass = out.find((p) => p.keys.has(key) || p.keys.size < MAX_LOADED_BUNDLES);
    if (!pass) {
      pass = { keys: new Set(), members: [] };
      out.push(pass);
    }
    pass.keys.add(key);
    pass.members.push(i);
  });
  return out.map((p) => p.members);
}

