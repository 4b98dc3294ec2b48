/**
 * One pass over a span's attribute keys: which conventions are present, and the keys that need
 * grouping (flattened indexed lists such as `llm.input_messages.0.message.role`, and prefixed
 * maps such as `mlflow.traceTag.<k>`). Everything else is read later by direct key lookup.
 */
import type { AttrValue, Attributes } from "../../protocol/model";
import * as bits from "./conventions";

/** One attribute of a flattened list: `<prefix><index>.<path>` (path may be ""). */
export interface IndexedEntry {
  readonly index: number;
  readonly path: string;
  readonly value: AttrValue;
}

/** One attribute of a prefixed map: `<prefix><key>`. */
export type PrefixedEntry = readonly [key: string, value: AttrValue];

export interface AttributeScan {
  /** Bit set of recognized conventions (see conventions.ts). */
  flags: number;
  oiInputMessages: IndexedEntry[] | null;
  oiOutputMessages: IndexedEntry[] | null;
  oiDocuments: IndexedEntry[] | null;
  genAiPrompts: IndexedEntry[] | null;
  genAiCompletions: IndexedEntry[] | null;
  mlflowTraceTags: PrefixedEntry[] | null;
  /** `mlflow.traceMetadata.<k>`: trace metadata written by the ScoreLens SDK on the root span. */
  mlflowTraceMetadata: PrefixedEntry[] | null;
  langfuseTraceMetadata: PrefixedEntry[] | null;
  langfuseObservationMetadata: PrefixedEntry[] | null;
  vercelMetadata: PrefixedEntry[] | null;
}

// Module-local copies: the hot loop below should not go through import bindings (which some
// module loaders implement as getters).
const LANGFUSE = bits.LANGFUSE;
const MLFLOW = bits.MLFLOW;
const OPENINFERENCE = bits.OPENINFERENCE;
const GENAI = bits.GENAI;
const TRACELOOP = bits.TRACELOOP;
const VERCEL = bits.VERCEL;

const P_OI_IN = "llm.input_messages.";
const P_OI_OUT = "llm.output_messages.";
const P_OI_DOCS = "retrieval.documents.";
const P_GENAI_PROMPT = "gen_ai.prompt.";
const P_GENAI_COMPLETION = "gen_ai.completion.";
const P_MLFLOW_TAG = "mlflow.traceTag.";
const P_MLFLOW_META = "mlflow.traceMetadata.";
const P_LF_TRACE_META = "langfuse.trace.metadata.";
const P_LF_OBS_META = "langfuse.observation.metadata.";
const P_AI_META = "ai.telemetry.metadata.";

/** `llm.*` keys that belong to Traceloop/OpenLLMetry rather than OpenInference. */
const TRACELOOP_LLM_KEYS = new Set([
  "llm.request.type",
  "llm.is_streaming",
  "llm.user",
  "llm.headers",
  "llm.frequency_penalty",
  "llm.presence_penalty",
  "llm.top_k",
  "llm.request.repetition_penalty",
  "llm.response.finish_reason",
  "llm.response.stop_reason",
]);

/**
 * Parse `<digits>` or `<digits>.<path>` starting at `from`. Returns null when the key does not
 * continue with an index (e.g. `gen_ai.prompt.tokens`).
 */
function parseIndexed(key: string, from: number, value: AttrValue): IndexedEntry | null {
  let i = from;
  let index = 0;
  while (i < key.length) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) break;
    index = index * 10 + (c - 48);
    i++;
  }
  if (i === from || i - from > 9) return null;
  if (i === key.length) return { index, path: "", value };
  if (key.charCodeAt(i) !== 46 /* . */) return null;
  return { index, path: key.slice(i + 1), value };
}

function push<T>(list: T[] | null, item: T): T[] {
  if (list === null) return [item];
  list.push(item);
  return list;
}

export function scanAttributes(attrs: Attributes): AttributeScan {
  const scan: AttributeScan = {
    flags: 0,
    oiInputMessages: null,
    oiOutputMessages: null,
    oiDocuments: null,
    genAiPrompts: null,
    genAiCompletions: null,
    mlflowTraceTags: null,
    mlflowTraceMetadata: null,
    langfuseTraceMetadata: null,
    langfuseObservationMetadata: null,
    vercelMetadata: null,
  };
  let flags = 0;
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined) continue;
    switch (key.charCodeAt(0)) {
      case 97: // a
        if (key.startsWith("ai.")) {
          flags |= VERCEL;
          if (key.startsWith(P_AI_META) && key.length > P_AI_META.length) {
            scan.vercelMetadata = push(scan.vercelMetadata, [key.slice(P_AI_META.length), value]);
          }
        }
        break;
      case 101: // e
        if (key.startsWith("embedding.")) flags |= OPENINFERENCE;
        break;
      case 103: // g
        if (key.startsWith("gen_ai.")) {
          flags |= GENAI;
          if (key.startsWith(P_GENAI_PROMPT)) {
            const e = parseIndexed(key, P_GENAI_PROMPT.length, value);
            if (e !== null) scan.genAiPrompts = push(scan.genAiPrompts, e);
          } else if (key.startsWith(P_GENAI_COMPLETION)) {
            const e = parseIndexed(key, P_GENAI_COMPLETION.length, value);
            if (e !== null) scan.genAiCompletions = push(scan.genAiCompletions, e);
          }
        }
        break;
      case 105: // i
        if (key === "input.value" || key === "input.mime_type") flags |= OPENINFERENCE;
        break;
      case 108: // l
        if (key.startsWith("langfuse.")) {
          flags |= LANGFUSE;
          if (key.startsWith(P_LF_TRACE_META) && key.length > P_LF_TRACE_META.length) {
            scan.langfuseTraceMetadata = push(scan.langfuseTraceMetadata, [key.slice(P_LF_TRACE_META.length), value]);
          } else if (key.startsWith(P_LF_OBS_META) && key.length > P_LF_OBS_META.length) {
            scan.langfuseObservationMetadata = push(scan.langfuseObservationMetadata, [
              key.slice(P_LF_OBS_META.length),
              value,
            ]);
          }
        } else if (key.startsWith("llm.")) {
          if (key.startsWith(P_OI_IN)) {
            flags |= OPENINFERENCE;
            const e = parseIndexed(key, P_OI_IN.length, value);
            if (e !== null) scan.oiInputMessages = push(scan.oiInputMessages, e);
          } else if (key.startsWith(P_OI_OUT)) {
            flags |= OPENINFERENCE;
            const e = parseIndexed(key, P_OI_OUT.length, value);
            if (e !== null) scan.oiOutputMessages = push(scan.oiOutputMessages, e);
          } else if (
            key.startsWith("llm.usage.") ||
            key.startsWith("llm.request.functions.") ||
            key.startsWith("llm.chat.") ||
            TRACELOOP_LLM_KEYS.has(key)
          ) {
            flags |= TRACELOOP;
          } else {
            flags |= OPENINFERENCE;
          }
        }
        break;
      case 109: // m
        if (key.startsWith("mlflow.")) {
          flags |= MLFLOW;
          if (key.startsWith(P_MLFLOW_TAG) && key.length > P_MLFLOW_TAG.length) {
            scan.mlflowTraceTags = push(scan.mlflowTraceTags, [key.slice(P_MLFLOW_TAG.length), value]);
          } else if (key.startsWith(P_MLFLOW_META) && key.length > P_MLFLOW_META.length) {
            scan.mlflowTraceMetadata = push(scan.mlflowTraceMetadata, [key.slice(P_MLFLOW_META.length), value]);
          }
        } else if (key === "metadata") {
          flags |= OPENINFERENCE;
        }
        break;
      case 111: // o
        if (key.startsWith("openinference.") || key === "output.value" || key === "output.mime_type") {
          flags |= OPENINFERENCE;
        } else if (key === "operation.name" && typeof value === "string" && value.startsWith("ai.")) {
          flags |= VERCEL;
        }
        break;
      case 114: // r
        if (key.startsWith(P_OI_DOCS)) {
          flags |= OPENINFERENCE;
          const e = parseIndexed(key, P_OI_DOCS.length, value);
          if (e !== null) scan.oiDocuments = push(scan.oiDocuments, e);
        } else if (key.startsWith("reranker.") || key.startsWith("retrieval.")) {
          flags |= OPENINFERENCE;
        }
        break;
      case 116: // t
        if (key.startsWith("traceloop.")) flags |= TRACELOOP;
        else if (key === "tag.tags" || key.startsWith("tool.")) flags |= OPENINFERENCE;
        break;
      default:
        break;
    }
  }
  scan.flags = flags;
  return scan;
}
