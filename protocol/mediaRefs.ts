/**
 * Keeps media and binary blobs out of rendered text. Trace payloads often carry base64 images,
 * audio or PDFs (multi-MB base64 made Langfuse's trace view crawl, langfuse/langfuse#9933);
 * showing them as text is useless and slow. {@link replaceMedia} swaps such values, anywhere in a
 * JSON value, for a {@link MediaRef} that displays as `[image/png, 12.3 KB]`:
 * - `data:<mime>;base64,…` URLs (whole strings, or embedded in longer text);
 * - long base64 strings (≥ 1 KiB by default), with the type sniffed from the magic bytes;
 * - OTLP bytes values `{"$bytes": "<base64>"}`;
 * - the payload of typed media parts whatever their size: Anthropic `{type:"image", source:{type:"base64",
 *   media_type, data}}`, Gemini `inline_data`/`inlineData` `{mime_type|mimeType, data}`, GenAI
 *   `{type:"blob", mime_type, content}`, OpenAI `input_audio` `{data, format}`.
 * Image URLs that are plain http(s) links stay as they are (they are text, never loaded).
 *
 * Pure: no DOM, no Node. Values nested deeper than {@link MAX_DEPTH} are left unchanged.
 */

export type MediaSource = "data-url" | "base64" | "bytes" | "part";

/** A media value that was taken out of a JSON value. `toJSON()` gives its display label. */
export class MediaRef {
  constructor(
    /** MIME type, or "application/octet-stream" when unknown. */
    readonly mime: string,
    /** Decoded size in bytes. */
    readonly bytes: number,
    readonly source: MediaSource,
  ) {}

  /** `[image/png, 12.3 KB]` */
  label(): string {
    return `[${this.mime}, ${formatBytes(this.bytes)}]`;
  }

  toJSON(): string {
    return this.label();
  }

  toString(): string {
    return this.label();
  }
}

export function isMediaRef(v: unknown): v is MediaRef {
  return v instanceof MediaRef;
}

export interface MediaOptions {
  /** Smallest decoded size (bytes) at which a bare base64 string counts as a blob. Default 1024. */
  minBase64Bytes?: number;
}

export const MAX_DEPTH = 200;
const DEFAULT_MIN_BYTES = 1024;

/** "999 B", "12.3 KB", "4.5 MB" (1 KB = 1024 B). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

/** Decoded size of a base64 (or base64url) string, ignoring whitespace and padding. */
export function base64DecodedBytes(b64: string): number {
  let len = 0;
  for (let i = 0; i < b64.length; i++) {
    const c = b64.charCodeAt(i);
    // skip \n \r space tab and '='
    if (c === 10 || c === 13 || c === 32 || c === 9 || c === 61) continue;
    len++;
  }
  return Math.floor((len * 3) / 4);
}

const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes the first bytes of a base64 / base64url string (stops at the first non-base64 char). */
function headBytes(b64: string, maxChars = 24): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < b64.length && i < maxChars; i++) {
    let c = b64[i]!;
    if (c === "-") c = "+";
    else if (c === "_") c = "/";
    const v = B64_ALPHABET.indexOf(c);
    if (v < 0) break;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out;
}

function ascii(bytes: readonly number[], from: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[from + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The MIME type implied by a base64 payload's first bytes (file signature), or null. */
export function sniffBase64Mime(b64: string): string | null {
  const b = headBytes(b64);
  if (b.length < 4) return null;
  if (b[0] === 0x89 && ascii(b, 1, "PNG")) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (ascii(b, 0, "GIF8")) return "image/gif";
  if (ascii(b, 0, "RIFF")) return ascii(b, 8, "WEBP") ? "image/webp" : ascii(b, 8, "WAVE") ? "audio/wav" : "application/octet-stream";
  if (ascii(b, 0, "%PDF")) return "application/pdf";
  if (ascii(b, 0, "ID3") || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return "audio/mpeg";
  if (ascii(b, 0, "OggS")) return "audio/ogg";
  if (ascii(b, 0, "fLaC")) return "audio/flac";
  if (ascii(b, 4, "ftyp")) return ascii(b, 8, "avif") ? "image/avif" : ascii(b, 8, "heic") ? "image/heic" : "video/mp4";
  if (ascii(b, 0, "<svg")) return "image/svg+xml";
  if (ascii(b, 0, "<?xml")) return "application/xml";
  if (ascii(b, 0, "PK\x03\x04")) return "application/zip";
  if (ascii(b, 0, "BM")) return "image/bmp";
  return null;
}

const BASE64_RE = /^[A-Za-z0-9+/\r\n]+={0,2}$/;
const BASE64URL_RE = /^[A-Za-z0-9\-_]+={0,2}$/;

/**
 * True for a string that is plausibly a base64 blob: only base64 characters, long enough, and
 * either a known file signature or a mix of upper case, lower case and digits (so long words,
 * hex digests and runs of one letter don't count).
 */
export function looksLikeBase64Blob(s: string, minBytes = DEFAULT_MIN_BYTES): boolean {
  if (s.length < Math.ceil((minBytes * 4) / 3)) return false;
  if (!BASE64_RE.test(s) && !BASE64URL_RE.test(s)) return false;
  if (base64DecodedBytes(s) < minBytes) return false;
  if (sniffBase64Mime(s) !== null) return true;
  const sample = s.slice(0, 4096);
  return /[A-Z]/.test(sample) && /[a-z]/.test(sample) && /[0-9]/.test(sample);
}

const DATA_URL_RE = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w.+-]+=[^;,]*)*)(;base64)?,/i;

/** A `data:` URL as a MediaRef, or null when `s` is not one. */
export function dataUrlRef(s: string): MediaRef | null {
  if (!s.startsWith("data:") && !s.startsWith("DATA:")) return null;
  const m = DATA_URL_RE.exec(s);
  if (!m) return null;
  const mime = (m[1] ?? "text/plain").toLowerCase();
  const payload = s.slice(m[0].length);
  const bytes = m[3] ? base64DecodedBytes(payload) : safeDecodedLength(payload);
  return new MediaRef(mime, bytes, "data-url");
}

function safeDecodedLength(s: string): number {
  try {
    return decodeURIComponent(s).length;
  } catch {
    return s.length;
  }
}

const EMBEDDED_DATA_URL_RE = /data:([\w.+-]+\/[\w.+-]+)(?:;[\w.+-]+=[^;,\s"')]*)*;base64,([A-Za-z0-9+/=]{64,})/gi;

/** A string with every embedded base64 `data:` URL (≥ 48 bytes) replaced by its label. */
export function replaceEmbeddedDataUrls(s: string): string {
  if (s.indexOf("base64,") < 0) return s;
  return s.replace(EMBEDDED_DATA_URL_RE, (_all, mime: string, payload: string) =>
    new MediaRef(mime.toLowerCase(), base64DecodedBytes(payload), "data-url").label(),
  );
}

/** One string: a MediaRef when it is a data URL or a base64 blob, else the string (embedded data URLs replaced). */
export function mediaForString(s: string, opts: MediaOptions = {}): string | MediaRef {
  const url = dataUrlRef(s);
  if (url) return url;
  const min = opts.minBase64Bytes ?? DEFAULT_MIN_BYTES;
  if (looksLikeBase64Blob(s, min)) return new MediaRef(sniffBase64Mime(s) ?? "application/octet-stream", base64DecodedBytes(s), "base64");
  return replaceEmbeddedDataUrls(s);
}

function str(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

/** The payload of a typed media part, or null. Short payloads (< 16 chars) are left alone. */
function partPayload(o: Record<string, unknown>): { key: string; mime: string } | null {
  // Anthropic source {type:"base64", media_type, data}
  if (o.type === "base64" && typeof o.data === "string") return { key: "data", mime: str(o.media_type) ?? "application/octet-stream" };
  // Gemini inline_data / inlineData {mime_type|mimeType, data}
  const gm = str(o.mime_type) ?? str(o.mimeType) ?? str(o.media_type) ?? str(o.mediaType);
  if (gm !== null && typeof o.data === "string") return { key: "data", mime: gm };
  // GenAI blob part {type:"blob", mime_type, modality, content}
  if (o.type === "blob" && typeof o.content === "string") return { key: "content", mime: gm ?? modalityMime(o.modality) };
  // OpenAI input_audio {data, format}
  if (typeof o.data === "string" && typeof o.format === "string" && /^(wav|mp3|flac|opus|pcm16|aac)$/.test(o.format))
    return { key: "data", mime: `audio/${o.format === "mp3" ? "mpeg" : o.format}` };
  return null;
}

function modalityMime(m: unknown): string {
  return m === "image" ? "image/*" : m === "audio" ? "audio/*" : m === "video" ? "video/*" : "application/octet-stream";
}

interface Counter {
  n: number;
}

function replaceInner(v: unknown, depth: number, opts: MediaOptions, count: Counter): unknown {
  if (typeof v === "string") {
    const r = mediaForString(v, opts);
    if (r !== v) count.n++;
    return r;
  }
  if (depth >= MAX_DEPTH || typeof v !== "object" || v === null || v instanceof MediaRef) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const r = replaceInner(v[i], depth + 1, opts, count);
      if (r !== v[i] && out === null) out = v.slice(0, i);
      if (out !== null) out.push(r);
    }
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  // OTLP bytes {"$bytes": base64}
  if (keys.length === 1 && keys[0] === "$bytes" && typeof o.$bytes === "string") {
    count.n++;
    return new MediaRef(sniffBase64Mime(o.$bytes) ?? "application/octet-stream", base64DecodedBytes(o.$bytes), "bytes");
  }
  const part = partPayload(o);
  let out: Record<string, unknown> | null = null;
  for (const k of keys) {
    const val = o[k];
    let r: unknown;
    if (part !== null && k === part.key && typeof val === "string" && val.length >= 16 && !val.startsWith("http")) {
      const url = dataUrlRef(val);
      r = url ?? new MediaRef(part.mime.toLowerCase(), base64DecodedBytes(val), "part");
      count.n++;
    } else {
      r = replaceInner(val, depth + 1, opts, count);
    }
    if (r !== val) {
      if (out === null) {
        out = {};
        for (const k2 of keys) {
          if (k2 === k) break;
          setOwn(out, k2, o[k2]);
        }
      }
    }
    if (out !== null) setOwn(out, k, r);
  }
  return out ?? v;
}

/** Sets a property even when it is named `__proto__`. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * A copy of `value` with media replaced by {@link MediaRef}s (unchanged parts are shared, not
 * copied), and the number of replacements.
 */
export function replaceMedia(value: unknown, opts: MediaOptions = {}): { value: unknown; count: number } {
  const count: Counter = { n: 0 };
  const out = replaceInner(value, 0, opts, count);
  return { value: out, count: count.n };
}
