/**
 * Registry symbols that mark scorers and Feedbacks.
 *
 * They come from `Symbol.for`, so every copy of the SDK loaded in a process recognises them. For
 * example, the server runtime may load its own copy of the SDK, while a user's scorer file imports
 * the copy in the user's `node_modules`. For the same reason the runtime never uses `instanceof`
 * on scorers or Feedbacks.
 */
import type { Aggregation } from "./aggregate";
import type { ScorerArgsShape } from "./types";

/** Set on every scorer (function form: an own property; class form: on `Scorer.prototype`). The value is the protocol version. */
export const SCORER_BRAND: unique symbol = Symbol.for("scorelens.scorer");
/** The method that calls the user's code and returns its raw result, which may be a promise. Used by `runScorer`. */
export const SCORE_RAW: unique symbol = Symbol.for("scorelens.scorer.scoreRaw");
/** Set on `Feedback.prototype`. */
export const FEEDBACK_BRAND: unique symbol = Symbol.for("scorelens.feedback");

/** The scorer protocol version that this SDK writes and reads. */
export const SCORER_PROTOCOL_VERSION = 1;

/**
 * What the runtime needs from a scorer of either form (`scorer(fn)` or a `Scorer` subclass instance),
 * from any copy of the SDK.
 */
export interface ScorerLike {
  readonly name: string;
  /** Declared aggregations, or null for the default (`["mean"]`). */
  readonly aggregations: readonly Aggregation[] | null;
  readonly description: string | null;
  readonly kind: "function" | "class";
  readonly [SCORER_BRAND]: number;
  /** @internal Calls the user's code; returns its raw result (maybe a promise). Use `runScorer` instead. */
  [SCORE_RAW](args: ScorerArgsShape): unknown;
}

/** True for a function scorer or a `Scorer` subclass instance, including ones made by another copy of the SDK. Never throws. */
export function isScorer(value: unknown): value is ScorerLike {
  if (typeof value !== "function" && (typeof value !== "object" || value === null)) return false;
  try {
    const candidate = value as { [SCORER_BRAND]?: unknown; [SCORE_RAW]?: unknown; name?: unknown };
    return candidate[SCORER_BRAND] === SCORER_PROTOCOL_VERSION && typeof candidate[SCORE_RAW] === "function" && typeof candidate.name === "string";
  } catch {
    return false;
  }
}
