/**
 * Trace and span ids: lowercase hex, 32 chars for traces and 16 for spans (W3C / OTLP JSON form).
 * Random bytes come from a pooled `randomFillSync` buffer so that creating a span does not cost a
 * syscall each time.
 */
import { randomFillSync } from "node:crypto";

/** The all-zero ids that OTel uses for "no span"; the SDK's no-op span carries them. */
export const INVALID_TRACE_ID = "0".repeat(32);
export const INVALID_SPAN_ID = "0".repeat(16);

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const hex = pool.toString("hex", poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    // An all-zero id is invalid in OTel; astronomically unlikely, but cheap to exclude.
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A new random 128-bit trace id as 32 lowercase hex chars. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new random 64-bit span id as 16 lowercase hex chars. */
export function newSpanId(): string {
  return randomHex(8);
}

const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const SPAN_ID_RE = /^[0-9a-f]{16}$/;

/** True for a 32-char lowercase hex id that is not all zeros. */
export function isValidTraceId(id: string): boolean {
  return TRACE_ID_RE.test(id) && id !== INVALID_TRACE_ID;
}

/** True for a 16-char lowercase hex id that is not all zeros. */
export function isValidSpanId(id: string): boolean {
  return SPAN_ID_RE.test(id) && id !== INVALID_SPAN_ID;
}

/**
 * Accepts what users are likely to paste: upper-case hex, or MLflow's `tr-<hex>` request id.
 * Returns the canonical lowercase trace id, or null when it is not a valid trace id.
 */
export function normalizeTraceId(id: string): string | null {
  let candidate = id.trim().toLowerCase();
  if (candidate.startsWith("tr-")) candidate = candidate.slice(3);
  return isValidTraceId(candidate) ? candidate : null;
}

/** Returns the canonical lowercase span id, or null when it is not a valid span id. */
export function normalizeSpanId(id: string): string | null {
  const candidate = id.trim().toLowerCase();
  return isValidSpanId(candidate) ? candidate : null;
}
