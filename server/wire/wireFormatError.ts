/**
 * The error thrown when a request body or an imported file cannot be decoded at all
 * (as opposed to individual spans being rejected, which is reported in a DecodeResult).
 */

/** Why the body could not be decoded, for callers that map errors to responses or UI messages. */
export type WireFormatReason =
  /** Not a decodable OTLP protobuf message (truncated, bad wire type, …). */
  | "invalid-protobuf"
  /** Not valid JSON (or not valid JSON Lines). */
  | "invalid-json"
  /** Valid JSON, but not the expected structure (e.g. `resourceSpans` is not an array). */
  | "invalid-shape";

const NAME = "WireFormatError";

export class WireFormatError extends Error {
  override readonly name = NAME;
  readonly reason: WireFormatReason;

  constructor(reason: WireFormatReason, message: string) {
    super(message);
    this.reason = reason;
  }

  /** True for a WireFormatError, also one created by another copy of this module (bundles). */
  static is(value: unknown): value is WireFormatError {
    if (value instanceof WireFormatError) return true;
    if (typeof value !== "object" || value === null) return false;
    const v = value as { name?: unknown; reason?: unknown; message?: unknown };
    return v.name === NAME && typeof v.reason === "string" && typeof v.message === "string";
  }
}
