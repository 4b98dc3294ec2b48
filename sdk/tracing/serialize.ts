/**
 * Safe JSON encoding of arbitrary user values (span inputs, outputs, attribute objects).
 *
 * `JSON.stringify` throws on cycles and bigint and silently drops functions; user values may also
 * have throwing getters, be Proxies, or be enormous. {@link toJsonValue} walks the value once and
 * produces plain JSON data:
 * - cycles become `"[Circular]"` (shared, non-cyclic references are kept),
 * - bigint becomes its decimal string, functions `"[Function: name]"`, symbols their description,
 * - `NaN` / `±Infinity` become strings, `undefined` is dropped from objects and `null` in arrays,
 * - Errors become `{name, message, stack, cause?, ...own fields}`, Maps objects, Sets arrays,
 *   binary data `"[Uint8Array(1234)]"`, objects with `toJSON` use it,
 * - a throwing getter becomes `"[Unserializable: <message>]"`,
 * - long strings, long arrays, wide objects and deep nesting are cut with explicit markers, and a
 *   running size budget stops the walk of huge structures early.
 * {@link toJsonString} then stringifies; if the text is still longer than the limit, it returns the
 * marker object `{"_scorelens_truncated":true,"originalLength":N,"preview":"<first chars>"}` (as JSON)
 * so that the attribute stays valid JSON.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface SerializeLimits {
  /** Upper bound on the JSON text length, in UTF-16 code units. */
  maxChars: number;
  /** Strings longer than this are cut. */
  maxStringChars: number;
  /** Arrays (and Sets) longer than this are cut. */
  maxArrayItems: number;
  /** Objects (and Maps) with more keys are cut. */
  maxObjectKeys: number;
  /** Nesting deeper than this becomes `"[MaxDepth]"`. */
  maxDepth: number;
}

export const DEFAULT_SERIALIZE_LIMITS: SerializeLimits = {
  maxChars: 1_000_000,
  maxStringChars: 100_000,
  maxArrayItems: 1_000,
  maxObjectKeys: 1_000,
  maxDepth: 32,
};

/** The key of the marker object that replaces values too large to keep. */
export const TRUNCATED_MARKER_KEY = "_scorelens_truncated";

const CIRCULAR = "[Circular]";
const MAX_DEPTH = "[MaxDepth]";
const BUDGET_EXHAUSTED = "[Truncated]";

interface WalkState {
  readonly limits: SerializeLimits;
  readonly ancestors: Set<object>;
  /** Approximate characters still allowed; once negative the walk emits markers only. */
  budget: number;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return "unknown error";
  }
}

function truncateString(value: string, state: WalkState): string {
  const max = state.limits.maxStringChars;
  const kept = value.length > max ? `${value.slice(0, max)}…[truncated ${value.length - max} chars]` : value;
  state.budget -= kept.length + 2;
  return kept;
}

function functionLabel(fn: (...args: never[]) => unknown): string {
  let name = "";
  try {
    name = fn.name;
  } catch {
    // Proxy with a throwing get trap.
  }
  return name ? `[Function: ${name}]` : "[Function (anonymous)]";
}

function isBinary(value: object): value is ArrayBufferView | ArrayBuffer {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer;
}

function binaryLabel(value: ArrayBufferView | ArrayBuffer): string {
  const name = value.constructor?.name ?? "Binary";
  return `[${name}(${value.byteLength})]`;
}

function walkArrayLike(items: Iterable<unknown>, depth: number, state: WalkState): JsonValue[] {
  const out: JsonValue[] = [];
  let index = 0;
  let skipped = 0;
  for (const item of items) {
    if (index >= state.limits.maxArrayItems || state.budget < 0) {
      skipped++;
      continue;
    }
    const converted = walk(item, depth + 1, state);
    out.push(converted === undefined ? null : converted);
    index++;
  }
  if (skipped > 0) out.push(`[… ${skipped} more items]`);
  state.budget -= 2;
  return out;
}

function walkEntries(entries: Iterable<[string, () => unknown]>, depth: number, state: WalkState): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  let count = 0;
  let skipped = 0;
  for (const [key, read] of entries) {
    if (count >= state.limits.maxObjectKeys || state.budget < 0) {
      skipped++;
      continue;
    }
    let converted: JsonValue | undefined;
    try {
      converted = walk(read(), depth + 1, state);
    } catch (error) {
      converted = `[Unserializable: ${describeError(error)}]`;
    }
    if (converted === undefined) continue;
    out[key] = converted;
    state.budget -= key.length + 4;
    count++;
  }
  if (skipped > 0) out["…"] = `[${skipped} more keys]`;
  state.budget -= 2;
  return out;
}

/** Own enumerable string keys, like JSON.stringify (the common case, kept free of generators and closures). */
function walkObject(record: Record<string, unknown>, depth: number, state: WalkState): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  const keys = Object.keys(record);
  const limit = state.limits.maxObjectKeys;
  let count = 0;
  for (const key of keys) {
    if (count >= limit || state.budget < 0) break;
    let converted: JsonValue | undefined;
    try {
      converted = walk(record[key], depth + 1, state);
    } catch (error) {
      converted = `[Unserializable: ${describeError(error)}]`;
    }
    count++;
    if (converted === undefined) continue;
    out[key] = converted;
    state.budget -= key.length + 4;
  }
  if (count < keys.length) out["…"] = `[${keys.length - count} more keys]`;
  state.budget -= 2;
  return out;
}

function* objectEntries(value: object): Iterable<[string, () => unknown]> {
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(value)) yield [key, () => record[key]];
}

function* mapEntries(value: Map<unknown, unknown>): Iterable<[string, () => unknown]> {
  for (const [key, entry] of value) {
    let name: string;
    if (typeof key === "string") name = key;
    else {
      try {
        name = typeof key === "object" && key !== null ? JSON.stringify(toJsonValue(key)) : String(key);
      } catch {
        name = "[key]";
      }
    }
    yield [name, () => entry];
  }
}

function* errorEntries(error: Error): Iterable<[string, () => unknown]> {
  yield ["name", () => error.name];
  yield ["message", () => error.message];
  yield ["stack", () => error.stack];
  if ("cause" in error) yield ["cause", () => error.cause];
  for (const entry of objectEntries(error)) {
    if (entry[0] !== "name" && entry[0] !== "message" && entry[0] !== "stack" && entry[0] !== "cause") yield entry;
  }
}

function walk(value: unknown, depth: number, state: WalkState): JsonValue | undefined {
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "string":
      return truncateString(value, state);
    case "boolean":
      state.budget -= 5;
      return value;
    case "number":
      state.budget -= 8;
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return truncateString(value.toString(), state);
    case "symbol":
      return truncateString(value.toString(), state);
    case "function":
      return truncateString(functionLabel(value as (...args: never[]) => unknown), state);
    default:
      break;
  }
  if (value === null) {
    state.budget -= 4;
    return null;
  }
  const object = value as object;
  if (state.budget < 0) return BUDGET_EXHAUSTED;
  if (depth > state.limits.maxDepth) return MAX_DEPTH;
  if (state.ancestors.has(object)) return CIRCULAR;

  state.ancestors.add(object);
  try {
    if (Array.isArray(object)) return walkArrayLike(object, depth, state);
    const proto: unknown = Object.getPrototypeOf(object);
    if ((proto === Object.prototype || proto === null) && typeof (object as { toJSON?: unknown }).toJSON !== "function") {
      return walkObject(object as Record<string, unknown>, depth, state);
    }
    if (object instanceof Error) return walkEntries(errorEntries(object), depth, state);
    if (object instanceof Date) {
      const time = object.getTime();
      return truncateString(Number.isNaN(time) ? "Invalid Date" : object.toISOString(), state);
    }
    if (object instanceof Map) return walkEntries(mapEntries(object), depth, state);
    if (object instanceof Set) return walkArrayLike(object, depth, state);
    if (isBinary(object)) return truncateString(binaryLabel(object), state);
    if (object instanceof RegExp) return truncateString(String(object), state);
    if (object instanceof Promise) return "[Promise]";
    if (object instanceof WeakMap) return "[WeakMap]";
    if (object instanceof WeakSet) return "[WeakSet]";
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      const replaced: unknown = toJSON.call(object, "");
      if (replaced !== object) return walk(replaced, depth + 1, state);
    }
    return walkObject(object as Record<string, unknown>, depth, state);
  } catch (error) {
    return `[Unserializable: ${describeError(error)}]`;
  } finally {
    state.ancestors.delete(object);
  }
}

/** Converts any value to plain JSON data, never throwing. `undefined` at the top level becomes `null`. */
export function toJsonValue(value: unknown, limits: Partial<SerializeLimits> = {}): JsonValue {
  return toJsonValueWith(value, { ...DEFAULT_SERIALIZE_LIMITS, ...limits });
}

function toJsonValueWith(value: unknown, merged: SerializeLimits): JsonValue {
  const state: WalkState = { limits: merged, ancestors: new Set(), budget: merged.maxChars };
  try {
    const converted = walk(value, 0, state);
    return converted === undefined ? null : converted;
  } catch (error) {
    // Stack overflow or an exotic object: never let serialization break the caller.
    return `[Unserializable: ${describeError(error)}]`;
  }
}

/** JSON text of any value, never throwing, at most about `limits.maxChars` long (see the module doc). */
let cachedMaxChars = DEFAULT_SERIALIZE_LIMITS.maxChars;
let cachedLimits: SerializeLimits = DEFAULT_SERIALIZE_LIMITS;

function limitsFor(limits: Partial<SerializeLimits>): SerializeLimits {
  const keys = Object.keys(limits);
  if (keys.length === 0) return DEFAULT_SERIALIZE_LIMITS;
  if (keys.length === 1 && limits.maxChars !== undefined) {
    // The SDK's hot path: only maxChars, from the config; reuse the merged object.
    if (limits.maxChars !== cachedMaxChars) {
      cachedMaxChars = limits.maxChars;
      cachedLimits = { ...DEFAULT_SERIALIZE_LIMITS, maxChars: limits.maxChars };
    }
    return cachedLimits;
  }
  return { ...DEFAULT_SERIALIZE_LIMITS, ...limits };
}

export function toJsonString(value: unknown, limits: Partial<SerializeLimits> = {}): string {
  const merged = limitsFor(limits);
  let text: string;
  try {
    text = JSON.stringify(toJsonValueWith(value, merged));
  } catch (error) {
    return JSON.stringify(`[Unserializable: ${describeError(error)}]`);
  }
  if (text.length <= merged.maxChars) return text;
  const previewChars = Math.max(0, Math.min(10_000, merged.maxChars - 100));
  return JSON.stringify({
    [TRUNCATED_MARKER_KEY]: true,
    originalLength: text.length,
    preview: text.slice(0, previewChars),
  });
}
