/**
 * JSON parsing for the wire decoders: precise 64-bit integers and error messages that say where.
 */
import { WireFormatError } from "./wireFormatError";

/** A bare JSON number with 16+ digits somewhere (may also match inside a string: harmless). */
const LONG_NUMBER_RE = /[:[,]\s*-?\d{16,}/;
const INTEGER_SOURCE_RE = /^-?\d+$/;

/**
 * Keeps integers that do not fit a double as their exact decimal source text (a string).
 * Uses the reviver `context.source` (JSON.parse source text access, Node ≥ 21); where that is
 * not available the value is left as the (rounded) number.
 */
function preciseIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    const source = context?.source;
    if (source !== undefined && INTEGER_SOURCE_RE.test(source)) return source;
  }
  return value;
}

/** Strips a UTF-8 byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses JSON text. Integers beyond 2^53 (e.g. nanosecond times written as bare numbers) are
 * kept exact as decimal strings. Throws {@link WireFormatError} ("invalid JSON at position N: …")
 * on a syntax error; `where` (e.g. "line 3") is added to the message.
 */
export function parseJsonText(text: string, where?: string): unknown {
  try {
    return LONG_NUMBER_RE.test(text)
      ? JSON.parse(text, preciseIntegers as (this: unknown, key: string, value: unknown) => unknown)
      : JSON.parse(text);
  } catch (e) {
    throw new WireFormatError("invalid-json", describeJsonError(e, text, where));
  }
}

function describeJsonError(e: unknown, text: string, where: string | undefined): string {
  const raw = e instanceof Error ? e.message : String(e);
  const m = /at position (\d+)/.exec(raw);
  // V8 leaves the position out of some messages ("Unexpected token 'x', "…" is not valid JSON").
  const position = m ? Number(m[1]) : jsonErrorOffset(text);
  const detail = raw.replace(/\s*(?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, "");
  const loc = [where, position >= 0 ? `position ${position}` : undefined].filter(Boolean).join(", ");
  return loc ? `invalid JSON at ${loc}: ${detail}` : `invalid JSON: ${detail}`;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(["\"", "\\", "/", "b", "f", "n", "r", "t"]);

/**
 * Offset of the first character that makes `text` invalid JSON (text.length when it ends too
 * early), or -1 when it is valid. Iterative, so deep nesting is fine. Only used for messages.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const stack: boolean[] = []; // true: object, false: array
  let state: "value" | "key" | "after" = "value";
  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const readString = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  for (;;) {
    skipWs();
    if (i >= n) return state === "after" && stack.length === 0 ? -1 : n;
    const c = text[i]!;
    if (state === "value") {
      if (c === "{" || c === "[") {
        stack.push(c === "{");
        i++;
        skipWs();
        if (text[i] === (c === "{" ? "}" : "]")) {
          stack.pop();
          i++;
          state = "after";
        } else state = c === "{" ? "key" : "value";
      } else if (c === '"') {
        if (!readString()) return Math.min(i, n);
        state = "after";
      } else if (text.startsWith("true", i) || text.startsWith("null", i)) {
        i += 4;
        state = "after";
      } else if (text.startsWith("false", i)) {
        i += 5;
        state = "after";
      } else {
        NUMBER_RE.lastIndex = i;
        if (!NUMBER_RE.test(text)) return i;
        i = NUMBER_RE.lastIndex;
        state = "after";
      }
    } else if (state === "key") {
      if (c !== '"' || !readString()) return Math.min(i, n);
      skipWs();
      if (text[i] !== ":") return i;
      i++;
      state = "value";
    } else {
      if (stack.length === 0) return i;
      const inObject = stack[stack.length - 1]!;
      if (c === ",") {
        i++;
        state = inObject ? "key" : "value";
      } else if (c === (inObject ? "}" : "]")) {
        stack.pop();
        i++;
      } else return i;
    }
  }
}

/** Decodes UTF-8 bytes (e.g. a request body) to text. */
export function utf8ToText(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

/** One JSON document of a file, and where it came from (for messages). */
export interface JsonDocument {
  value: unknown;
  /** "" for a single document, "[i]" for an element of a top-level array, "line N" for JSONL. */
  where: string;
}

/**
 * Parses a file that is one JSON value, a JSON array of documents, or JSON Lines (one value per
 * line; blank lines ignored). A top-level array is split into its elements. Throws
 * {@link WireFormatError} naming the position (single JSON) or the line (JSONL).
 */
export function parseJsonDocuments(text: string): JsonDocument[] {
  const src = stripBom(text);
  if (src.trim() === "") throw new WireFormatError("invalid-json", "invalid JSON: the file is empty");
  let whole: unknown;
  try {
    whole = parseJsonText(src);
  } catch (wholeError) {
    const lines = src.split(/\r?\n/);
    const firstLine = lines.findIndex((l) => l.trim() !== "");
    // JSON Lines only if the first non-blank line is a complete JSON value on its own; otherwise
    // report the whole-text error (e.g. a truncated pretty-printed file).
    let first: unknown;
    try {
      first = JSON.parse(lines[firstLine]!);
    } catch {
      throw wholeError;
    }
    if (typeof first !== "object" || first === null) throw wholeError;
    const docs: JsonDocument[] = [];
    for (let i = firstLine; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === "") continue;
      docs.push({ value: parseJsonText(line, `line ${i + 1}`), where: `line ${i + 1}` });
    }
    return docs;
  }
  if (Array.isArray(whole)) return whole.map((value, i) => ({ value, where: `[${i}]` }));
  return [{ value: whole, where: "" }];
}
