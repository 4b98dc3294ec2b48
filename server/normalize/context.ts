/** What every field mapper reads: the raw span, the results of the two scans, and which conventions are present. */
import type { Attributes, RawSpan } from "../../protocol/model";
import { scanAttributes, type AttributeScan } from "./attributeScan";
import { GENAI, LANGFUSE, MLFLOW, OPENINFERENCE, TRACELOOP, VERCEL } from "./conventions";
import { scanEvents, type EventScan } from "./eventScan";

export interface NormalizeContext {
  readonly span: RawSpan;
  readonly attrs: Attributes;
  readonly scan: AttributeScan;
  readonly events: EventScan;
  /** Recognized conventions as a bit set (attribute keys and event names), see conventions.ts. */
  readonly flags: number;
  // The same, as booleans, so mappers can skip conventions that are absent without bit tests.
  readonly langfuse: boolean;
  readonly mlflow: boolean;
  readonly openinference: boolean;
  readonly genai: boolean;
  readonly traceloop: boolean;
  readonly vercel: boolean;
}

export function buildContext(span: RawSpan): NormalizeContext {
  const attrs = span.attributes;
  const scan = scanAttributes(attrs);
  const events = scanEvents(span.events);
  const flags = events.genAi ? scan.flags | GENAI : scan.flags;
  return {
    span,
    attrs,
    scan,
    events,
    flags,
    langfuse: (flags & LANGFUSE) !== 0,
    mlflow: (flags & MLFLOW) !== 0,
    openinference: (flags & OPENINFERENCE) !== 0,
    genai: (flags & GENAI) !== 0,
    traceloop: (flags & TRACELOOP) !== 0,
    vercel: (flags & VERCEL) !== 0,
  };
}
