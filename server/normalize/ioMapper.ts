/**
 * Span inputs and outputs, resolved independently, by convention priority (first value wins):
 * 1. Langfuse `langfuse.observation.input|output`.
 * 2. MLflow `mlflow.spanInputs|spanOutputs` (JSON-encoded; bad JSON stays the raw string).
 * 3. OpenInference: flattened `llm.input_messages` / `llm.output_messages` → `{messages}`,
 *    `retrieval.documents` → `[{id, page_content, score, metadata}]` (outputs), else
 *    `input.value` / `output.value` (parsed when the mime type is JSON or it looks like JSON).
 * 4. GenAI: `gen_ai.input.messages|output.messages` (+ `gen_ai.system_instructions`), the
 *    `gen_ai.client.inference.operation.details` event, `gen_ai.tool.call.arguments|result`,
 *    OpenLLMetry-flattened `gen_ai.prompt.N.*|completion.N.*`, deprecated `gen_ai.prompt|completion`,
 *    deprecated message events, `gen_ai.content.prompt|completion` events, retrieval query/documents.
 * 5. Traceloop `traceloop.entity.input|output` (the `{"inputs": …}` / `{"outputs": …}` wrapper is removed).
 * 6. Vercel AI: model calls → `{messages}` from `ai.prompt.messages` and an assistant message from
 *    `ai.response.text|toolCalls`; other operations → `ai.prompt`, `ai.toolCall.args`, `ai.value(s)` /
 *    `ai.response.text|object`, `ai.toolCall.result`, `ai.embedding(s)` (JSON.stringify'd by the SDK, so decoded).
 * 7. Langfuse `langfuse.trace.input|output`.
 * Chat-shaped values use `{messages: [{role, content, tool_calls?…}]}`; content is kept as given.
 */
import type { AttrValue } from "../../protocol/model";
import type { IndexedEntry } from "./attributeScan";
import type { NormalizeContext } from "./context";
import { unflattenIndexed } from "./flatList";
import { decodeJson, isRecord, parseJsonContainer, tryParseJson } from "./jsonValue";
import {
  asMessageList,
  fromOpenInferenceMessage,
  fromOpenLlmetryMessage,
  genAiMessageList,
  messagesValue,
  systemMessageFromInstructions,
  vercelToolCalls,
  type Message,
} from "./messages";
import { isVercelModelCall, vercelOperation } from "./vercelOperation";

/** A value that counts as provided: not undefined, null or "". */
function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/** OpenInference `input.value` / `output.value` with its mime type. */
function openInferenceValue(value: AttrValue | undefined, mime: AttrValue | undefined): unknown {
  if (typeof value !== "string") return value;
  if (typeof mime === "string" && mime.startsWith("application/json")) return tryParseJson(value, value);
  return parseJsonContainer(value);
}

/** A deprecated GenAI prompt/completion string: JSON when it looks like JSON; message lists wrapped. */
function genAiLegacyValue(value: unknown): unknown {
  const parsed = parseJsonContainer(value);
  const list = asMessageList(parsed);
  return list !== null ? messagesValue(list.map(fromOpenLlmetryMessage)) : parsed;
}

/** `gen_ai.input.messages` (+ `gen_ai.system_instructions`) from attributes or the details event. */
function genAiInputMessages(source: Readonly<Record<string, AttrValue>>): unknown {
  const messages = source["gen_ai.input.messages"];
  const instructions = source["gen_ai.system_instructions"];
  if (!present(messages) && !present(instructions)) return undefined;
  const list = present(messages) ? genAiMessageList(messages) : [];
  if (list === null) return parseJsonContainer(messages);
  const system = present(instructions) ? systemMessageFromInstructions(instructions) : null;
  if (system !== null) list.unshift(system);
  return list.length > 0 ? messagesValue(list) : undefined;
}

function genAiOutputMessages(source: Readonly<Record<string, AttrValue>>): unknown {
  const messages = source["gen_ai.output.messages"];
  if (!present(messages)) return undefined;
  const list = genAiMessageList(messages);
  return list === null ? parseJsonContainer(messages) : messagesValue(list);
}

function openLlmetryMessages(entries: readonly IndexedEntry[] | null): unknown {
  if (entries === null) return undefined;
  return messagesValue(unflattenIndexed(entries).map(fromOpenLlmetryMessage));
}

/** OpenInference document `{document: {id, content, score, metadata}}` → `{id, page_content, score, metadata}`. */
function openInferenceDocument(entry: unknown): unknown {
  const d = isRecord(entry) && isRecord(entry.document) ? entry.document : entry;
  if (!isRecord(d)) return d;
  const out: Message = {};
  if (d.id !== undefined) out.id = d.id;
  if (d.content !== undefined) out.page_content = d.content;
  if (d.score !== undefined) out.score = d.score;
  if (d.metadata !== undefined) out.metadata = parseJsonContainer(d.metadata);
  return out;
}

function unwrap(value: unknown, key: "inputs" | "outputs"): unknown {
  const parsed = parseJsonContainer(value);
  return isRecord(parsed) && Object.hasOwn(parsed, key) ? parsed[key] : parsed;
}

type Decoder = (value: AttrValue) => unknown;

/** Vercel AI stores values with JSON.stringify; lists (`ai.values`, `ai.embeddings`) hold one JSON string per item. */
const decodeList: Decoder = (value) => (Array.isArray(value) ? value.map(decodeJson) : decodeJson(value));
const keepRaw: Decoder = (value) => value;

/** The first present attribute among `keys`, decoded (lazily: only the winner is parsed). */
function firstDecoded(a: Readonly<Record<string, AttrValue>>, keys: readonly (readonly [string, Decoder])[]): unknown {
  for (const [key, decode] of keys) {
    const raw = a[key];
    if (present(raw)) {
      const v = decode(raw as AttrValue);
      if (present(v)) return v;
    }
  }
  return undefined;
}

const VERCEL_INPUT_KEYS: readonly (readonly [string, Decoder])[] = [
  ["ai.prompt", decodeJson],
  ["ai.toolCall.args", decodeJson],
  ["ai.value", decodeJson],
  ["ai.values", decodeList],
];
const VERCEL_OUTPUT_KEYS: readonly (readonly [string, Decoder])[] = [
  ["ai.response.text", keepRaw],
  ["ai.response.object", decodeJson],
  ["ai.toolCall.result", decodeJson],
  ["ai.response.toolCalls", decodeJson],
  ["ai.embedding", decodeJson],
  ["ai.embeddings", decodeList],
];

export function mapInputs(ctx: NormalizeContext): unknown {
  const a = ctx.attrs;
  let v: unknown;
  if (ctx.langfuse && present((v = parseJsonContainer(a["langfuse.observation.input"])))) return v;
  if (ctx.mlflow && present((v = decodeJson(a["mlflow.spanInputs"])))) return v;
  if (ctx.openinference) {
    const entries = ctx.scan.oiInputMessages;
    if (entries !== null) return messagesValue(unflattenIndexed(entries).map(fromOpenInferenceMessage));
    if (present((v = openInferenceValue(a["input.value"], a["input.mime_type"])))) return v;
  }
  if (ctx.genai) {
    const ev = ctx.events;
    if (present((v = genAiInputMessages(a)))) return v;
    if (ev.inferenceDetails !== null && present((v = genAiInputMessages(ev.inferenceDetails)))) return v;
    if (present((v = parseJsonContainer(a["gen_ai.tool.call.arguments"])))) return v;
    if (present((v = openLlmetryMessages(ctx.scan.genAiPrompts)))) return v;
    if (present((v = genAiLegacyValue(a["gen_ai.prompt"])))) return v;
    if (ev.inputMessages !== null) return messagesValue(ev.inputMessages);
    if (present((v = genAiLegacyValue(ev.contentPrompt)))) return v;
    const query = a["gen_ai.retrieval.query.text"];
    if (present(query)) return { query };
  }
  if (ctx.traceloop && present((v = unwrap(a["traceloop.entity.input"], "inputs")))) return v;
  if (ctx.vercel && present((v = vercelInputs(ctx, a)))) return v;
  if (ctx.langfuse && present((v = parseJsonContainer(a["langfuse.trace.input"])))) return v;
  return null;
}

export function mapOutputs(ctx: NormalizeContext): unknown {
  const a = ctx.attrs;
  let v: unknown;
  if (ctx.langfuse && present((v = parseJsonContainer(a["langfuse.observation.output"])))) return v;
  if (ctx.mlflow && present((v = decodeJson(a["mlflow.spanOutputs"])))) return v;
  if (ctx.openinference) {
    const docs = ctx.scan.oiDocuments;
    if (docs !== null) return unflattenIndexed(docs).map(openInferenceDocument);
    const entries = ctx.scan.oiOutputMessages;
    if (entries !== null) return messagesValue(unflattenIndexed(entries).map(fromOpenInferenceMessage));
    if (present((v = openInferenceValue(a["output.value"], a["output.mime_type"])))) return v;
  }
  if (ctx.genai) {
    const ev = ctx.events;
    if (present((v = genAiOutputMessages(a)))) return v;
    if (ev.inferenceDetails !== null && present((v = genAiOutputMessages(ev.inferenceDetails)))) return v;
    if (present((v = parseJsonContainer(a["gen_ai.tool.call.result"])))) return v;
    if (present((v = openLlmetryMessages(ctx.scan.genAiCompletions)))) return v;
    if (present((v = genAiLegacyValue(a["gen_ai.completion"])))) return v;
    if (ev.choices !== null) return messagesValue(ev.choices);
    if (present((v = genAiLegacyValue(ev.contentCompletion)))) return v;
    if (present((v = parseJsonContainer(a["gen_ai.retrieval.documents"])))) return v;
  }
  if (ctx.traceloop && present((v = unwrap(a["traceloop.entity.output"], "outputs")))) return v;
  if (ctx.vercel && present((v = vercelOutputs(ctx, a)))) return v;
  if (ctx.langfuse && present((v = parseJsonContainer(a["langfuse.trace.output"])))) return v;
  return null;
}

function vercelInputs(ctx: NormalizeContext, a: Readonly<Record<string, AttrValue>>): unknown {
  if (isVercelModelCall(vercelOperation(ctx))) {
    const messages = parseJsonContainer(a["ai.prompt.messages"]);
    if (Array.isArray(messages)) return messagesValue(messages);
  }
  return firstDecoded(a, VERCEL_INPUT_KEYS);
}

function vercelOutputs(ctx: NormalizeContext, a: Readonly<Record<string, AttrValue>>): unknown {
  const text = a["ai.response.text"];
  if (isVercelModelCall(vercelOperation(ctx))) {
    const calls = vercelToolCalls(a["ai.response.toolCalls"]);
    if (present(text) || calls !== null) {
      const message: Message = { role: "assistant", content: present(text) ? text : null };
      if (calls !== null) message.tool_calls = calls;
      const finish = a["ai.response.finishReason"];
      if (finish !== undefined) message.finish_reason = finish;
      return messagesValue([message]);
    }
  }
  return firstDecoded(a, VERCEL_OUTPUT_KEYS);
}
