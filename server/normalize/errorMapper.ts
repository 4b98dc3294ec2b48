/**
 * The span's error. A span is in error when its status is ERROR, it has an `exception` event,
 * or Langfuse marks it `langfuse.observation.level = ERROR`; otherwise the error is null.
 * type: first exception event's `exception.type` > `error.type` attribute.
 * message: `exception.message` > status message > `langfuse.observation.status_message`.
 * stacktrace: `exception.stacktrace`.
 */
import type { SpanError } from "../../protocol/model";
import type { NormalizeContext } from "./context";
import { toStringOrNull } from "./jsonValue";

export function mapError(ctx: NormalizeContext): SpanError | null {
  const a = ctx.attrs;
  const exception = ctx.events.exception;
  const langfuseError = ctx.langfuse && a["langfuse.observation.level"] === "ERROR";
  if (ctx.span.statusCode !== "ERROR" && exception === null && !langfuseError) return null;
  return {
    type: toStringOrNull(exception?.["exception.type"]) ?? toStringOrNull(a["error.type"]),
    message:
      toStringOrNull(exception?.["exception.message"]) ??
      toStringOrNull(ctx.span.statusMessage) ??
      toStringOrNull(a["langfuse.observation.status_message"]),
    stacktrace: toStringOrNull(exception?.["exception.stacktrace"]),
  };
}
