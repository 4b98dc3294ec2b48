/**
 * Small, allocation-light helpers for reading attribute values: loose JSON parsing, number
 * coercion, string rendering, and own-property writes that are safe for any key.
 *
 * None of these throw, and none of them clone: a parsed value is whatever JSON.parse returned,
 * a non-string value is returned as is.
 */
/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** False for undefined, null, "", [] and {}: values that carry nothing. */
export function hasValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") {
    for (const _ in value) return true;
    return false;
  }
  return true;
}

function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    // space, \t, \n, \r
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c;
    i++;
  }
  return -1;
}

function lastNonSpace(s: string): number {
  let i = s.length - 1;
  while (i >= 0) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c;
    i--;
  }
  return -1;
}

const OPEN_BRACE = 123; // {
const CLOSE_BRACE = 125; // }
const OPEN_BRACKET = 91; // [
const CLOSE_BRACKET = 93; // ]

/** True when the string looks like a JSON object or array (first/last non-space chars). */
export function looksLikeJsonContainer(s: string): boolean {
  const first = firstNonSpace(s);
  if (first === OPEN_BRACE) return lastNonSpace(s) === CLOSE_BRACE;
  if (first === OPEN_BRACKET) return lastNonSpace(s) === CLOSE_BRACKET;
  return false;
}

/** JSON.parse without throwing; `fallback` on failure. */
export function tryParseJson(s: string, fallback: unknown): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return fallback;
  }
}

/**
 * Parse a string only when it looks like a JSON object or array; anything else (plain text,
 * numbers, non-strings) is returned unchanged. Bad JSON stays the raw string.
 */
export function parseJsonContainer(value: unknown): unknown {
  if (typeof value !== "string" || !looksLikeJsonContainer(value)) return value;
  return tryParseJson(value, value);
}

/**
 * Decode a value that is expected to be JSON-encoded (MLflow stores every attribute that way,
 * e.g. `"\"LLM\""`). Non-strings are returned unchanged; a string that is not valid JSON is
 * returned raw. Plain words are not handed to JSON.parse at all (no exception cost).
 */
export function decodeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const c = firstNonSpace(value);
  const maybeJson =
    c === OPEN_BRACE ||
    c === OPEN_BRACKET ||
    c === 34 /* " */ ||
    c === 45 /* - */ ||
    (c >= 48 && c <= 57) /* 0-9 */ ||
    c === 116 /* t */ ||
    c === 102 /* f */ ||
    c === 110; /* n */
  return maybeJson ? tryParseJson(value, value) : value;
}

/**
 * A token count or cost as a number: numbers pass through, numeric strings (including int64
 * strings) are converted, anything else is null.
 */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") {
    if (value.length === 0) return null;
    const n = Number(value);
    return Number.isFinite(n) && value.trim().length > 0 ? n : null;
  }
  if (typeof value === "bigint") return Number(value);
  return null;
}

/** A non-empty string, or null. Numbers and booleans are rendered; objects are not. */
export function toStringOrNull(value: unknown): string | null {
  if (typeof value === "string") return value.length > 0 ? value : null;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** Tag/metadata value rendering: strings as is, everything else JSON.stringify'd. */
export function toTagValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return String(value);
  }
}

/**
 * Write an own enumerable property, even for keys like `__proto__` that a plain assignment would
 * turn into a prototype change.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Set `key` only when the map does not already own it (first writer wins). */
export function setIfAbsent(target: Record<string, string>, key: string, value: string): void {
  if (!Object.hasOwn(target, key)) setOwn(target, key, value);
}
