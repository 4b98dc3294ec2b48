/**
 * Turns what a scorer returned into `FeedbackResult[]`, following MLflow's rules
 * (`standardize_scorer_value` and the evaluation harness):
 *
 * | Returned | Result |
 * |---|---|
 * | `undefined` / `null` | `[]`: no assessment |
 * | boolean, finite number, string (`"yes"`/`"no"` or any other) | one Feedback named after the scorer |
 * | `Feedback` | one Feedback; an unnamed one takes the scorer's name, a named one keeps its name |
 * | `Feedback[]` with one element | as a single Feedback |
 * | `Feedback[]` with several elements | each keeps its name. Names are required and must be unique; otherwise the result is one error Feedback |
 * | `[]` | `[]`: no assessment (MLflow rejects an empty list; in TypeScript `[]` is a valid `Feedback[]`) |
 * | anything else (object, NaN, ±Infinity, function, bigint, symbol, array of non-Feedbacks…) | one error Feedback named after the scorer, saying what was returned and what is allowed |
 *
 * A Feedback whose value is not JSON (NaN, a function, a Date, a cycle…) becomes an error Feedback
 * with the same name. Error Feedbacks have `value: null` and `error.type` {@link INVALID_RETURN_ERROR_TYPE}.
 * Pure and synchronous. Never throws, even on hostile values such as throwing getters or Proxies.
 */
import type { FeedbackError, FeedbackResult } from "../../protocol/scoring";
import { toJsonString } from "../tracing/serialize";
import { SCORER_BRAND } from "./brand";
import { isFeedback, toFeedbackError, type Feedback, type FeedbackSourceType } from "./feedback";

/** `error.type` of the Feedback produced when a scorer returns something it may not. */
export const INVALID_RETURN_ERROR_TYPE = "InvalidScorerReturn";

const ALLOWED = "return a boolean, number, string, Feedback, Feedback[] or undefined";
const JSON_VALUE_RULE = "a Feedback value must be JSON: boolean, finite number, string, array or plain object";
const MAX_VALUE_DEPTH = 64;
const SOURCE_TYPES: ReadonlySet<string> = new Set<FeedbackSourceType>(["CODE", "LLM_JUDGE", "HUMAN"]);

function codeSource(scorerName: string): FeedbackResult["source"] {
  return { type: "CODE", id: scorerName };
}

function errorResult(scorerName: string, feedbackName: string, error: FeedbackError): FeedbackResult {
  return { name: feedbackName, value: null, rationale: null, error, metadata: {}, source: codeSource(scorerName) };
}

function invalid(scorerName: string, message: string, feedbackName: string = scorerName): FeedbackResult {
  return errorResult(scorerName, feedbackName, { type: INVALID_RETURN_ERROR_TYPE, message, stack: null });
}

/** The Feedback for a scorer that threw (or whose promise rejected): `value: null`, `error: {type, message, stack}`. */
export function thrownToFeedbackResults(scorerName: string, thrown: unknown): FeedbackResult[] {
  return [errorResult(scorerName, scorerName, toFeedbackError(thrown))];
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

function preview(value: unknown): string {
  const text = toJsonString(value, { maxChars: 100_000, maxStringChars: 60, maxArrayItems: 5, maxObjectKeys: 8, maxDepth: 3 });
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function constructorName(value: object): string | null {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return null;
  const ctor = (proto as { constructor?: unknown }).constructor;
  const name = typeof ctor === "function" ? ctor.name : "";
  return name === "" ? "object" : name;
}

/** Describes a value for an error message: `an object ({"a":1})`, `NaN`, `a function (check)`, `a bigint (10n)`… */
export function describeValue(value: unknown): string {
  try {
    switch (typeof value) {
      case "undefined":
        return "undefined";
      case "boolean":
        return `a boolean (${String(value)})`;
      case "string":
        return `a string (${preview(value)})`;
      case "number":
        return Number.isFinite(value) ? `a number (${String(value)})` : String(value);
      case "bigint":
        return `a bigint (${String(value)}n)`;
      case "symbol":
        return `a symbol (${String(value)})`;
      case "function": {
        if ((value as { [SCORER_BRAND]?: unknown })[SCORER_BRAND] !== undefined) return `a scorer (${String((value as { name?: unknown }).name)}), not its result`;
        return value.name ? `a function (${value.name})` : "a function";
      }
      default:
        break;
    }
    if (value === null) return "null";
    if (isFeedback(value)) return "a Feedback";
    if (Array.isArray(value)) return `an array (${preview(value)})`;
    const ctor = constructorName(value as object);
    if (ctor === "Promise") return "a Promise";
    return `${article(ctor ?? "object")} (${preview(value)})`;
  } catch {
    return "an unreadable value";
  }
}

function hintFor(value: unknown): string {
  if (typeof value === "function") return " (did you mean to call it?)";
  if (typeof value === "number") return " (a number must be finite)";
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "value" in value) {
    return " (to return a value with a rationale or a name, return new Feedback({ value, rationale, name }))";
  }
  return "";
}

function identifierPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Where a Feedback value stops being JSON, e.g. `NaN at value.scores[2]`, or null when it is fine. */
function nonJsonProblem(value: unknown, path: string, depth: number, ancestors: Set<object>): string | null {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined": // dropped by JSON, like JSON.stringify does
      return null;
    case "number":
      return Number.isFinite(value) ? null : `${String(value)} at ${path}`;
    case "bigint":
    case "symbol":
    case "function":
      return `${describeValue(value)} at ${path}`;
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth > MAX_VALUE_DEPTH) return `nesting deeper than ${MAX_VALUE_DEPTH} levels at ${path}`;
  if (ancestors.has(object)) return `a circular reference at ${path}`;
  if (Array.isArray(object)) {
    ancestors.add(object);
    for (let index = 0; index < object.length; index++) {
      const problem = nonJsonProblem(object[index], `${path}[${index}]`, depth + 1, ancestors);
      if (problem !== null) return problem;
    }
    ancestors.delete(object);
    return null;
  }
  const ctor = constructorName(object);
  if (ctor !== null) return `${article(ctor)} at ${path}`;
  ancestors.add(object);
  for (const key of Object.keys(object)) {
    const problem = nonJsonProblem((object as Record<string, unknown>)[key], identifierPath(path, key), depth + 1, ancestors);
    if (problem !== null) return problem;
  }
  ancestors.delete(object);
  return null;
}

function readError(raw: unknown): FeedbackError | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === "object" && !(raw instanceof Error)) {
    const record = raw as { type?: unknown; message?: unknown; stack?: unknown };
    if (typeof record.message === "string") {
      return {
        type: typeof record.type === "string" ? record.type : "Error",
        message: record.message,
        stack: typeof record.stack === "string" ? record.stack : null,
      };
    }
  }
  return toFeedbackError(raw);
}

function readMetadata(raw: unknown): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (typeof raw !== "object" || raw === null) return metadata;
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    metadata[key] = typeof value === "string" ? value : typeof value === "object" ? toJsonString(value, { maxChars: 10_000 }) : String(value);
  }
  return metadata;
}

function readSource(raw: unknown, scorerName: string): FeedbackResult["source"] {
  const source = (typeof raw === "object" && raw !== null ? raw : {}) as { type?: unknown; id?: unknown };
  const type = source.type === "AI_JUDGE" ? "LLM_JUDGE" : source.type;
  return {
    type: typeof type === "string" && SOURCE_TYPES.has(type) ? (type as FeedbackSourceType) : "CODE",
    id: typeof source.id === "string" && source.id !== "" ? source.id : scorerName,
  };
}

/** The Feedback's own name, or null when it has none (also for a non-string name from a foreign object). */
function ownName(feedback: Feedback): string | null {
  const name: unknown = feedback.name;
  return typeof name === "string" && name !== "" ? name : null;
}

/** One Feedback (from any SDK copy) as a FeedbackResult named `name`, or an error Feedback when its value is not JSON. */
function fromFeedback(scorerName: string, feedback: Feedback, name: string): FeedbackResult {
  const error = readError(feedback.error);
  const value: unknown = feedback.value === undefined ? null : feedback.value;
  if (value === null && error === null) {
    return invalid(scorerName, `scorer "${scorerName}" returned a Feedback "${name}" with neither a value nor an error`, name);
  }
  const problem = nonJsonProblem(value, "value", 0, new Set());
  if (problem !== null) {
    return invalid(scorerName, `scorer "${scorerName}" returned a Feedback "${name}" with ${problem}; ${JSON_VALUE_RULE}`, name);
  }
  const rationale: unknown = feedback.rationale;
  return {
    name,
    value,
    rationale: rationale === undefined || rationale === null ? null : String(rationale),
    error,
    metadata: readMetadata(feedback.metadata),
    source: readSource(feedback.source, scorerName),
  };
}

function fromList(scorerName: string, list: readonly unknown[]): FeedbackResult[] {
  if (list.length === 0) return [];
  const badIndex = list.findIndex((item) => !isFeedback(item));
  if (badIndex !== -1) {
    const bad = describeValue(list[badIndex]);
    return [invalid(scorerName, `scorer "${scorerName}" returned ${describeValue(list)} with ${bad} at index ${badIndex}; ${ALLOWED}`)];
  }
  const feedbacks = list as readonly Feedback[];
  if (feedbacks.length === 1) {
    const only = feedbacks[0] as Feedback;
    return [fromFeedback(scorerName, only, ownName(only) ?? scorerName)];
  }
  const names = feedbacks.map(ownName);
  const unnamed = names.filter((name) => name === null).length;
  if (unnamed > 0) {
    const which = unnamed === names.length ? "none has a name" : `${unnamed} have no name`;
    return [
      invalid(
        scorerName,
        `scorer "${scorerName}" returned ${names.length} Feedbacks and ${which}; names are required when returning several Feedbacks: new Feedback({ name, value })`,
      ),
    ];
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const name of names as string[]) {
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
  }
  if (duplicates.size > 0) {
    const listed = [...duplicates].map((name) => JSON.stringify(name)).join(", ");
    return [invalid(scorerName, `scorer "${scorerName}" returned several Feedbacks with the same name (${listed}); each Feedback in a list needs a unique name`)];
  }
  return feedbacks.map((feedback, index) => fromFeedback(scorerName, feedback, names[index] as string));
}

function normalizeUnchecked(scorerName: string, returned: unknown): FeedbackResult[] {
  if (returned === undefined || returned === null) return [];
  if (typeof returned === "boolean" || typeof returned === "string" || (typeof returned === "number" && Number.isFinite(returned))) {
    return [{ name: scorerName, value: returned, rationale: null, error: null, metadata: {}, source: codeSource(scorerName) }];
  }
  if (isFeedback(returned)) return [fromFeedback(scorerName, returned, ownName(returned) ?? scorerName)];
  if (Array.isArray(returned)) return fromList(scorerName, returned);
  return [invalid(scorerName, `scorer "${scorerName}" returned ${describeValue(returned)}${hintFor(returned)}; ${ALLOWED}`)];
}

/** Normalizes a scorer's (already awaited) return value. See the module doc for the rules. Never throws. */
export function normalizeScorerReturn(scorerName: string, returned: unknown): FeedbackResult[] {
  try {
    return normalizeUnchecked(scorerName, returned);
  } catch (error) {
    // A throwing getter or a Proxy trap in the returned value.
    const reason = toFeedbackError(error).message;
    return [invalid(scorerName, `scorer "${scorerName}" returned a value that could not be read (${reason}); ${ALLOWED}`)];
  }
}
