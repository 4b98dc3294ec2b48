/**
 * Runs every scorer on one row's arguments, concurrently, with `runScorer`: the same normalization
 * and error capture as the ScoreLens server's worker (a throw, a rejection or a bad return value
 * becomes an error Feedback; other scorers are unaffected).
 */
import { performance } from "node:perf_hooks";
import type { FeedbackResult } from "../../protocol/scoring";
import type { ScorerLike } from "../scoring/brand";
import { thrownToFeedbackResults } from "../scoring/normalize";
import { runScorer } from "../scoring/run";
import type { ScorerArgs } from "../scoring/types";

export interface ScorerOutcome {
  scorer: string;
  feedbacks: FeedbackResult[];
  durationMs: number;
}

/** One outcome per scorer, in scorer order. */
export type RowScores = ScorerOutcome[];

export function scoreRow(scorers: readonly ScorerLike[], args: ScorerArgs, timeoutMs: number | null): Promise<RowScores> {
  return Promise.all(
    scorers.map(async (scorer): Promise<ScorerOutcome> => {
      const started = performance.now();
      let feedbacks: FeedbackResult[];
      try {
        // Each scorer gets its own copy of the arguments object, so one cannot change another's.
        feedbacks = await runScorer(scorer, { ...args }, timeoutMs === null ? {} : { timeoutMs });
      } catch (error) {
        // runScorer catches the scorer's own errors; this is a failure around it (e.g. a getter on the scorer).
        feedbacks = thrownToFeedbackResults(scorer.name, error);
      }
      return { scorer: scorer.name, feedbacks, durationMs: performance.now() - started };
    }),
  );
}
