/**
 * One predictFn call of `evaluate()`, as `mlflow.genai.evaluate` makes it: the call is one trace,
 * captured in-process for the scorers and exported to the store like any other trace.
 *
 * - A predictFn that traces itself (`trace()`, `withSpan()`, the client API…) keeps its own trace:
 *   the first trace it starts is the row's trace, tagged with the run id.
 * - An untraced predictFn (no span started during the call) gets a root span named after the
 *   function, covering the call, with the inputs, the outputs or the error: what MLflow's
 *   `mlflow.trace(predict_fn)` wrapping produces.
 */
import type { FeedbackError } from "../../protocol/scoring";
import { toFeedbackError } from "../scoring/feedback";
import { ScorerTrace } from "../scoring/scorerTrace";
import { client } from "../tracing/client";
import { nowNs } from "../tracing/clock";
import { isTracingActive } from "../tracing/pipeline";
import { RowCapture } from "./capture";
import { traceDetailFromSpans } from "./traceDetail";

/** `error.type` when predictFn exceeds `timeoutMs`. */
export const PREDICT_TIMEOUT_ERROR_TYPE = "PredictTimeoutError";
/** How long to wait for a root span that is still open when predictFn has returned. */
const ROOT_END_WAIT_MS = 5_000;

export interface PredictOutcome {
  outputs: unknown;
  error: FeedbackError | null;
  trace: ScorerTrace | null;
  traceId: string | null;
}

/** Settles like `promise`, or rejects with a PredictTimeoutError after `timeoutMs` (null: no limit). */
async function withTimeout<T>(promise: Promise<T>, timeoutMs: number | null): Promise<T> {
  if (timeoutMs === null) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`predictFn did not finish within ${timeoutMs} ms`);
      error.name = PREDICT_TIMEOUT_ERROR_TYPE;
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function functionName(fn: (...args: never[]) => unknown): string {
  const name = typeof fn.name === "string" ? fn.name.replace(/^bound /, "") : "";
  return name === "" ? "predict_fn" : name;
}

export async function predictRow<I, O>(
  predictFn: (inputs: I) => O | Promise<O>,
  inputs: I,
  tags: Readonly<Record<string, string>>,
  timeoutMs: number | null,
): Promise<PredictOutcome> {
  const capture = new RowCapture(tags);
  const startNs = nowNs();
  let outputs: unknown;
  let thrown: { error: unknown } | null = null;
  try {
    // An async wrapper so that a synchronous throw becomes a rejection too.
    outputs = await withTimeout(capture.run(async () => predictFn(inputs)), timeoutMs);
  } catch (error) {
    thrown = { error };
  }
  const endNs = nowNs();
  try {
    if (capture.roots.length === 0 && isTracingActive()) {
      capture.run(() => {
        const root = client.startTrace({ name: functionName(predictFn), inputs, startTimeNs: startNs });
        if (thrown !== null) root.recordException(thrown.error);
        root.end(thrown === null ? { outputs, endTimeNs: endNs } : { endTimeNs: endNs });
      });
    }
    const timedOut = thrown !== null && thrown.error instanceof Error && thrown.error.name === PREDICT_TIMEOUT_ERROR_TYPE;
    if (!timedOut) await capture.waitForRoots(ROOT_END_WAIT_MS);
    const detail = traceDetailFromSpans(capture.spansOfFirstTrace());
    const firstRoot = capture.roots[0];
    return {
      outputs: thrown === null ? outputs : undefined,
      error: thrown === null ? null : toFeedbackError(thrown.error),
      trace: detail === null ? null : new ScorerTrace(detail),
      traceId: firstRoot === undefined ? null : firstRoot.traceId,
    };
  } finally {
    capture.close();
  }
}
