/**
 * Portable byte/number helpers for the wire decoders: hex, base64, trace/span ids and 64-bit
 * integers. No Node built-ins (no Buffer), so the module also runs in a browser or webview.
 */

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export const ZERO_TRACE_ID = "0".repeat(32);
export const ZERO_SPAN_ID = "0".repeat(16);

/** Lowercase hex of `bytes[start..end)`. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = "";
  for (let i = start; i < end; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

/** Bytes of an even-length hex string (no validation beyond that: invalid pairs become 0). */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16) || 0;
  return out;
}

const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_LOOKUP = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64_ALPHABET.length; i++) t[B64_ALPHABET.charCodeAt(i)] = i;
  // base64url
  t["-".charCodeAt(0)] = 62;
  t["_".charCodeAt(0)] = 63;
  return t;
})();

/** Standard base64 (with padding) of `bytes[start..end)`. */
export function bytesToBase64(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = "";
  let i = start;
  for (; i + 2 < end; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      B64_ALPHABET[n >>> 18]! + B64_ALPHABET[(n >>> 12) & 63]! + B64_ALPHABET[(n >>> 6) & 63]! + B64_ALPHABET[n & 63]!;
  }
  const rest = end - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64_ALPHABET[n >>> 18]! + B64_ALPHABET[(n >>> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64_ALPHABET[n >>> 18]! + B64_ALPHABET[(n >>> 12) & 63]! + B64_ALPHABET[(n >>> 6) & 63]! + "=";
  }
  return out;
}

/**
 * Decodes standard or URL-safe base64, padded or not. Returns null when the text is not base64
 * (bad character, impossible length, bad padding). Whitespace is not allowed.
 */
export function base64ToBytes(text: string): Uint8Array | null {
  let len = text.length;
  if (len > 0 && text.charCodeAt(len - 1) === 61 /* = */) len--;
  if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
  if (len % 4 === 1) return null;
  if (len !== text.length && text.length % 4 !== 0) return null; // padding only on full quads
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_LOOKUP[c]! : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

/** Base64 of a hex string (used for MLflow's proto-JSON ids). */
export function hexToBase64(hex: string): string {
  return bytesToBase64(hexToBytes(hex));
}

const HEX_RE = /^(?:0x)?([0-9a-fA-F]+)$/;

/**
 * Parses a trace id (`byteLength` 16) or span id (8) given as hex (optionally `0x`-prefixed,
 * any case) or as base64 of the raw bytes. Returns lowercase hex, or null when it is neither.
 * The two forms cannot be confused: hex has 2×n chars, base64 of n bytes far fewer.
 */
export function parseIdText(text: string, byteLength: number): string | null {
  const m = HEX_RE.exec(text);
  if (m && m[1]!.length === byteLength * 2) return m[1]!.toLowerCase();
  const bytes = base64ToBytes(text);
  if (bytes && bytes.length === byteLength) return bytesToHex(bytes);
  return null;
}

const TWO_POW_32 = 4294967296;

/** Decimal string of an unsigned 64-bit integer given as two 32-bit halves. */
export function uint64ToDecimal(lo: number, hi: number): string {
  lo >>>= 0;
  hi >>>= 0;
  if (hi < 0x200000) return String(hi * TWO_POW_32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/**
 * A signed 64-bit integer (two 32-bit halves, two's complement) as an attribute value:
 * a number when it is a safe integer, otherwise its decimal string.
 */
export function int64ToAttr(lo: number, hi: number): number | string {
  lo >>>= 0;
  hi |= 0;
  if (hi >= -0x200000 && hi < 0x200000) {
    const v = hi * TWO_POW_32 + lo;
    if (Number.isSafeInteger(v)) return v;
  }
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo)).toString();
}

const UINT64_MAX = "18446744073709551615";
const DIGITS_RE = /^\d+$/;
const INT_RE = /^([+-]?)0*(\d+)$/;

/**
 * Normalizes an unsigned 64-bit nanosecond time given as a JSON number or decimal string.
 * Returns the canonical decimal string (no leading zeros), or null when the value is not an
 * unsigned integer that fits 64 bits.
 */
export function uint64FromJson(value: unknown): string | null {
  if (typeof value === "string") {
    if (!DIGITS_RE.test(value)) return null;
    let s = value;
    let i = 0;
    while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
    if (i > 0) s = s.slice(i);
    if (s.length > 20 || (s.length === 20 && s > UINT64_MAX)) return null;
    return s;
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) return null;
    if (Number.isSafeInteger(value)) return String(value);
    if (value >= 2 ** 64) return null;
    return BigInt(value).toString();
  }
  if (typeof value === "bigint") {
    if (value < 0n || value > 18446744073709551615n) return null;
    return value.toString();
  }
  return null;
}

/**
 * A signed 64-bit integer given as a JSON number or decimal string, as an attribute value:
 * a number when it is a safe integer, otherwise its canonical decimal string. Returns null when
 * the value is not an integer.
 */
export function int64FromJson(value: unknown): number | string | null {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return value;
    if (!Number.isInteger(value)) return null;
    return BigInt(value).toString();
  }
  if (typeof value === "string") {
    const m = INT_RE.exec(value);
    if (!m) return null;
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
    return (m[1] === "-" ? "-" : "") + m[2]!;
  }
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  return null;
}
