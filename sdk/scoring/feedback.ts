/**
 * `Feedback`: one judgement a scorer returns. It mirrors MLflow's `mlflow.entities.Feedback`.
 *
 *   return new Feedback({ value: "yes", rationale: "mentions the refund policy" });
 *   return [new Feedback({ name: "length_ok", value: true }), new Feedback({ name: "tone", value: 4 })];
 *
 * The value may be a boolean, a finite number, a string ("yes"/"no" count as 1/0 in aggregations),
 * or a JSON array or plain object. A Feedback that only reports a failure carries `error` and has the
 * value `null`. Runtime checks on the value happen when the scorer's result is normalized (see
 * `normalize.ts`), so a bad value becomes an error Feedback and is never thrown at the caller.
 */
import type { FeedbackError } from "../../protocol/scoring";
import { toJsonString } from "../tracing/serialize";
import { FEEDBACK_BRAND } from "./brand";

/** Who produced the Feedback (MLflow `AssessmentSourceType`, minus SOURCE_TYPE_UNSPECIFIED). */
export type FeedbackSourceType = "CODE" | "LLM_JUDGE" | "HUMAN";

export interface FeedbackSource {
  type: FeedbackSourceType;
  id: string;
}

/** An error that a Feedback reports, in the same shape as `FeedbackResult.error`. `stack` is optional. */
export interface FeedbackErrorInit {
  type?: string;
  message: string;
  stack?: string | null;
}

export interface FeedbackInit {
  /** The judgement: boolean, finite number, string, or a JSON array/plain object. Required unless `error` is set. */
  value?: unknown;
  rationale?: string | null;
  /** Required when a scorer returns several Feedbacks. A single unnamed Feedback takes the scorer's name. */
  name?: string;
  /** Defaults to `{ type: "CODE", id: <scorer name> }`. `"AI_JUDGE"` (MLflow's deprecated alias) is read as `"LLM_JUDGE"`. */
  source?: { type?: FeedbackSourceType | "AI_JUDGE"; id?: string };
  /** String values are kept. Other values are converted to strings (JSON for objects). `null`/`undefined` entries are dropped. */
  metadata?: Record<string, unknown>;
  /** Marks this Feedback as a failure: an Error, `{ type?, message, stack? }`, or a message. */
  error?: Error | FeedbackErrorInit | string;
}

const SOURCE_TYPES: ReadonlySet<string> = new Set<FeedbackSourceType>(["CODE", "LLM_JUDGE", "HUMAN"]);

/** The error type of anything thrown, as the tracing SDK records it: the Error's name or class, else `typeof`. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name && error.name !== "Error") return error.name;
    const ctorName = (error.constructor as { name?: unknown } | undefined)?.name;
    return typeof ctorName === "string" && ctorName !== "" ? ctorName : error.name || "Error";
  }
  return error === null ? "null" : typeof error;
}

function isErrorLike(value: unknown): value is { name?: unknown; message: string; stack?: unknown } {
  return typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string";
}

/**
 * Turns anything thrown (or passed as `error`) into `{ type, message, stack }`. Never throws.
 * - Errors, including ones from another realm, give their name or class, message and stack.
 * - Strings give `type: "string"` and the string as the message.
 * - Other values give `typeof` as the type and their JSON as the message.
 */
export function toFeedbackError(error: unknown): FeedbackError {
  try {
    if (error instanceof Error) {
      return { type: errorTypeOf(error), message: error.message, stack: typeof error.stack === "string" ? error.stack : null };
    }
    if (typeof error === "string") return { type: "string", message: error, stack: null };
    if (isErrorLike(error)) {
      const record = error as { name?: unknown; type?: unknown; message: string; stack?: unknown };
      const type = typeof record.type === "string" ? record.type : typeof record.name === "string" ? record.name : "Error";
      return { type, message: record.message, stack: typeof record.stack === "string" ? record.stack : null };
    }
    return { type: errorTypeOf(error), message: toJsonString(error, { maxChars: 10_000 }), stack: null };
  } catch {
    return { type: "unknown", message: "<unprintable error>", stack: null };
  }
}

function metadataString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return toJsonString(value, { maxChars: 10_000 });
}

/** A scorer's judgement (MLflow `Feedback`). See the module doc. */
export class Feedback {
  /** `null` until named; an unnamed single Feedback takes the scorer's name when normalized. */
  name: string | null;
  value: unknown;
  rationale: string | null;
  /** `id: null` means "the scorer's name", filled in when normalized. */
  source: { type: FeedbackSourceType; id: string | null };
  metadata: Record<string, string>;
  error: FeedbackError | null;

  constructor(init: FeedbackInit) {
    if (typeof init !== "object" || init === null) throw new TypeError("new Feedback() needs an object: { value, rationale?, name?, … }");
    this.error = init.error === undefined || init.error === null ? null : toFeedbackError(init.error);
    const hasValue = init.value !== undefined && init.value !== null;
    if (!hasValue && this.error === null) {
      throw new TypeError("new Feedback() needs a value or an error (return undefined from the scorer for no assessment)");
    }
    this.value = hasValue ? init.value : null;
    if (init.name !== undefined && init.name !== null && typeof init.name !== "string") {
      throw new TypeError(`Feedback name must be a string, got ${typeof init.name}`);
    }
    this.name = init.name === undefined || init.name === null || init.name === "" ? null : init.name;
    this.rationale = init.rationale === undefined || init.rationale === null ? null : String(init.rationale);

    const sourceInit = init.source ?? {};
    const rawType: string = sourceInit.type ?? "CODE";
    const type = rawType === "AI_JUDGE" ? "LLM_JUDGE" : rawType;
    if (!SOURCE_TYPES.has(type)) throw new TypeError(`Feedback source type must be CODE, LLM_JUDGE or HUMAN, got ${JSON.stringify(rawType)}`);
    this.source = { type: type as FeedbackSourceType, id: sourceInit.id === undefined || sourceInit.id === "" ? null : String(sourceInit.id) };

    const metadata: Record<string, string> = {};
    if (init.metadata !== undefined && init.metadata !== null) {
      for (const [key, value] of Object.entries(init.metadata)) {
        if (value !== undefined && value !== null) metadata[key] = metadataString(value);
      }
    }
    this.metadata = metadata;
  }

  declare readonly [FEEDBACK_BRAND]: number;
}

Object.defineProperty(Feedback.prototype, FEEDBACK_BRAND, { value: 1, enumerable: false, writable: false, configurable: false });

/** True for a Feedback from any copy of the SDK (it checks the registry brand, not `instanceof`). */
export function isFeedback(value: unknown): value is Feedback {
  return typeof value === "object" && value !== null && (value as { [FEEDBACK_BRAND]?: unknown })[FEEDBACK_BRAND] === 1;
}
