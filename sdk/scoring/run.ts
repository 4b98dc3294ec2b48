/**
 * `runScorer`: run a scorer on one set of arguments. It calls the user's code, awaits it, turns a
 * throw or rejection into an error Feedback and normalizes the result (see `normalize.ts`).
 * Direct calls (`await myScorer(args)`, `instance.run(args)`) and the ScoreLens server runtime both
 * use it.
 */
import type { FeedbackResult } from "../../protocol/scoring";
import { log } from "../log";
import { isScorer, SCORE_RAW, type ScorerLike } from "./brand";
import { normalizeScorerReturn, thrownToFeedbackResults } from "./normalize";
import type { ScorerArgsShape } from "./types";

/** `error.type` of the Feedback produced when a scorer exceeds `timeoutMs`. */
export const SCORER_TIMEOUT_ERROR_TYPE = "ScorerTimeoutError";

export interface RunScorerOptions {
  /** The name used for Feedbacks and messages instead of `scorer.name`. For example, the runtime may pass the name that discovery found for `export const x = scorer(() => …)`. */
  name?: string;
  /**
   * Gives up after this many ms and returns an error Feedback of type {@link SCORER_TIMEOUT_ERROR_TYPE}.
   * The scorer's code cannot be cancelled, so it keeps running in the background. Default: no limit.
   */
  timeoutMs?: number;
}

function timeoutAfter(ms: number, name: string): { promise: Promise<never>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`scorer "${name}" did not finish within ${ms} ms`);
      error.name = SCORER_TIMEOUT_ERROR_TYPE;
      reject(error);
    }, ms);
    timer.unref?.();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Runs `scorer` on `args` (default `{}`) and returns its normalized Feedbacks, possibly none.
 * It never rejects because of the scorer's code: a throw (sync or async, Error or not) becomes one
 * Feedback with `value: null` and `error: {type, message, stack}`. It rejects only when `scorer` is
 * not a scorer.
 */
export async function runScorer(scorer: ScorerLike, args?: ScorerArgsShape, options: RunScorerOptions = {}): Promise<FeedbackResult[]> {
  if (!isScorer(scorer)) {
    throw new TypeError("runScorer() expects a scorer made with scorer(fn) or an instance of a Scorer subclass");
  }
  const name = options.name !== undefined && options.name !== "" ? options.name : scorer.name;
  const timeoutMs = options.timeoutMs;
  let returned: unknown;
  const timeout = timeoutMs !== undefined && Number.isFinite(timeoutMs) && timeoutMs >= 0 ? timeoutAfter(timeoutMs, name) : null;
  try {
    // An async wrapper so that a synchronous throw becomes a rejection too.
    const pending = (async () => scorer[SCORE_RAW](args ?? {}))();
    returned = await (timeout === null ? pending : Promise.race([pending, timeout.promise]));
  } catch (error) {
    log.debug(`scorer "${name}" failed`, error);
    return thrownToFeedbackResults(name, error);
  } finally {
    timeout?.cancel();
  }
  return normalizeScorerReturn(name, returned);
}
