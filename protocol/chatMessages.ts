/**
 * Recognizes chat transcripts in span inputs/outputs and converts them to one display shape,
 * for the trace panel's Chat view. Shapes understood (and mixtures of them within one list):
 * - OpenAI chat: `{messages: [{role, content, tool_calls, tool_call_id, name}]}`, a bare message
 *   list, a response `{choices: [{message, finish_reason}]}`; content strings or part arrays
 *   (`text`, `image_url`, `input_audio`, `file`); legacy `function_call`;
 * - OTel GenAI: `{role, parts: [{type: "text", content} | {type: "tool_call", id, name, arguments}
 *   | {type: "tool_call_response", id, response} | {type: "blob"|"uri"|"file"|"reasoning", …}], finish_reason}`;
 * - OpenInference: `[{message: {role, content | contents: [{message_content: {type, text|image}}],
 *   tool_calls: [{tool_call: {id, function: {name, arguments}}}]}}]`;
 * - Anthropic: `{system, messages}` requests and `{type: "message", role, content: [text | tool_use
 *   | tool_result | image | thinking blocks]}` responses;
 * - Gemini: `{contents: [{role, parts: [{text} | {functionCall} | {functionResponse} | {inlineData}]}]}`
 *   and `{candidates: [{content}]}`;
 * - OpenAI Responses: `{instructions, input: [...]}` and `{output: [{type: "message" | "function_call"
 *   | "function_call_output" | "reasoning"}]}`;
 * - LangChain: `{type: "human"|"ai"|"system"|"tool", content}` and serialized `{lc, id: [..., "HumanMessage"],
 *   kwargs}` messages, nested one level (`[[...]]`) as LangChain batches them.
 * JSON strings of any of these are parsed. Anything else is not chat (null). Pure: no DOM, no Node.
 */
import { MediaRef } from "./mediaRefs";

export type ChatPart =
  | { kind: "text"; text: string }
  | { kind: "reasoning"; text: string }
  /** `url` is an http(s) URL, a data URL, or a MediaRef when media were already replaced. */
  | { kind: "image"; url: unknown }
  /** Audio, files and other blobs; `value` is whatever carried them (often a MediaRef). */
  | { kind: "media"; mime: string | null; value: unknown }
  | { kind: "json"; value: unknown };

export interface ChatToolCall {
  id: string | null;
  name: string;
  /** Parsed from JSON when given as a JSON string. */
  arguments: unknown;
}

export interface ChatMessage {
  /** Lower case: system, developer, user, assistant, tool, function, … */
  role: string;
  name: string | null;
  parts: ChatPart[];
  toolCalls: ChatToolCall[];
  /** For tool results: the call they answer. */
  toolCallId: string | null;
  finishReason: string | null;
}

export interface ChatView {
  input: ChatMessage[];
  output: ChatMessage[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof MediaRef);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** A JSON string that holds an object or array, parsed; anything else unchanged. */
function parseContainer(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!(t.startsWith("{") && t.endsWith("}")) && !(t.startsWith("[") && t.endsWith("]"))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

function parseArgs(v: unknown): unknown {
  return typeof v === "string" ? parseContainer(v) : v;
}

const ROLE_ALIASES: Readonly<Record<string, string>> = {
  human: "user",
  ai: "assistant",
  model: "assistant",
  bot: "assistant",
  chat: "user",
};

function normRole(r: string): string {
  const l = r.toLowerCase();
  return ROLE_ALIASES[l] ?? l;
}

const LANGCHAIN_TYPES = new Set(["human", "ai", "system", "tool", "function", "chat", "generic", "developer"]);

function langChainClassRole(id: unknown): string | null {
  if (!Array.isArray(id) || id.length === 0) return null;
  const last = id[id.length - 1];
  if (typeof last !== "string" || !/Message(Chunk)?$/.test(last)) return null;
  const base = last.replace(/Message(Chunk)?$/, "").toLowerCase();
  return base === "" ? "user" : base;
}

/** The message object behind OpenInference / LangChain wrappers, with its role; null if not a message. */
function unwrap(m: unknown): { msg: Obj; role: string } | null {
  if (!isObj(m)) return null;
  if (isObj(m.message) && typeof m.message.role === "string" && m.role === undefined) return { msg: m.message, role: m.message.role };
  if (typeof m.role === "string" && m.role !== "") return { msg: m, role: m.role };
  // LangChain serialized: {lc: 1, type: "constructor", id: [..., "HumanMessage"], kwargs: {...}}
  if (m.lc !== undefined && isObj(m.kwargs)) {
    const role = langChainClassRole(m.id);
    if (role !== null) return { msg: m.kwargs, role };
  }
  // LangChain dict: {type: "human", content}
  if (typeof m.type === "string" && LANGCHAIN_TYPES.has(m.type) && ("content" in m || "tool_calls" in m)) return { msg: m, role: m.type };
  // OpenAI Responses items
  if (m.type === "function_call" && typeof m.name === "string") return { msg: m, role: "assistant" };
  if (m.type === "function_call_output") return { msg: m, role: "tool" };
  if (m.type === "reasoning" && Array.isArray(m.summary)) return { msg: m, role: "assistant" };
  return null;
}

function toolCall(c: unknown): ChatToolCall | null {
  if (!isObj(c)) return null;
  const inner = isObj(c.tool_call) ? c.tool_call : c;
  if (isObj(inner.function)) {
    const f = inner.function;
    return { id: str(inner.id), name: str(f.name) ?? "(unnamed)", arguments: parseArgs(f.arguments ?? f.parameters) };
  }
  if (isObj(inner.functionCall)) {
    const f = inner.functionCall;
    return { id: str(f.id), name: str(f.name) ?? "(unnamed)", arguments: parseArgs(f.args) };
  }
  const name = str(inner.name) ?? str(inner.toolName);
  const args = inner.arguments ?? inner.args ?? inner.input;
  if (name === null && args === undefined) return null;
  return { id: str(inner.id) ?? str(inner.call_id) ?? str(inner.toolCallId), name: name ?? "(unnamed)", arguments: parseArgs(args) };
}

interface Acc {
  parts: ChatPart[];
  calls: ChatToolCall[];
  toolCallId: string | null;
}

function imageUrl(v: unknown): unknown {
  if (isObj(v) && "url" in v) return v.url;
  return v;
}

function addPart(p: unknown, acc: Acc, depth: number): void {
  if (p === null || p === undefined) return;
  if (typeof p === "string") {
    acc.parts.push({ kind: "text", text: p });
    return;
  }
  if (p instanceof MediaRef) {
    acc.parts.push({ kind: "media", mime: p.mime, value: p });
    return;
  }
  if (typeof p === "number" || typeof p === "boolean") {
    acc.parts.push({ kind: "text", text: String(p) });
    return;
  }
  if (Array.isArray(p)) {
    if (depth > 4) acc.parts.push({ kind: "json", value: p });
    else for (const q of p) addPart(q, acc, depth + 1);
    return;
  }
  if (!isObj(p)) return;
  const o = isObj(p.message_content) ? p.message_content : p;
  const type = str(o.type);
  switch (type) {
    case "text":
    case "input_text":
    case "output_text":
    case "refusal": {
      const t = str(o.text) ?? str(o.content) ?? str(o.refusal);
      if (t !== null) return void acc.parts.push({ kind: "text", text: t });
      break;
    }
    case "reasoning":
    case "thinking": {
      const t = str(o.content) ?? str(o.thinking) ?? str(o.text);
      if (t !== null) return void acc.parts.push({ kind: "reasoning", text: t });
      break;
    }
    case "image_url":
      return void acc.parts.push({ kind: "image", url: imageUrl(o.image_url) });
    case "input_image":
      return void acc.parts.push({ kind: "image", url: imageUrl(o.image_url ?? o.file_id) });
    case "image": {
      const src = isObj(o.source) ? o.source : isObj(o.image) ? (isObj(o.image.image) ? o.image.image : o.image) : o;
      const url = src.url ?? src.data ?? o.url;
      return void acc.parts.push({ kind: "image", url });
    }
    case "tool_call":
    case "tool_use":
    case "function_call": {
      const c = toolCall(o);
      if (c) return void acc.calls.push(c);
      break;
    }
    case "tool_call_response":
    case "tool_result":
    case "function_call_output": {
      const id = str(o.id) ?? str(o.tool_use_id) ?? str(o.call_id);
      if (id !== null) acc.toolCallId = id;
      const body = o.response ?? o.content ?? o.output ?? o.result;
      const parsed = parseContainer(body);
      if (typeof parsed === "string" || Array.isArray(parsed)) addPart(parsed, acc, depth + 1);
      else if (parsed !== undefined && parsed !== null) acc.parts.push({ kind: "json", value: parsed });
      return;
    }
    case "input_audio":
    case "audio":
    case "blob":
    case "file":
    case "input_file":
    case "uri":
    case "document": {
      const inner = isObj(o[type]) ? (o[type] as Obj) : o;
      const mime = str(inner.mime_type) ?? str(inner.media_type) ?? str(inner.mimeType) ?? (typeof inner.format === "string" ? `audio/${inner.format}` : null);
      const value = inner.data ?? inner.content ?? inner.file_data ?? inner.uri ?? inner.url ?? inner.source ?? inner.file_id ?? inner;
      return void acc.parts.push({ kind: "media", mime, value: isObj(value) && isObj(value.source) ? value.source : value });
    }
    default:
      break;
  }
  if (type === null) {
    // Gemini parts
    if (typeof o.text === "string") return void acc.parts.push({ kind: o.thought === true ? "reasoning" : "text", text: o.text });
    if (isObj(o.functionCall)) {
      const c = toolCall(o);
      if (c) return void acc.calls.push(c);
    }
    if (isObj(o.functionResponse)) {
      const fr = o.functionResponse;
      if (typeof fr.id === "string") acc.toolCallId = fr.id;
      return void acc.parts.push({ kind: "json", value: fr.response ?? fr });
    }
    const inline = isObj(o.inlineData) ? o.inlineData : isObj(o.inline_data) ? o.inline_data : null;
    if (inline !== null) {
      const mime = str(inline.mimeType) ?? str(inline.mime_type);
      if (mime !== null && mime.startsWith("image/")) return void acc.parts.push({ kind: "image", url: inline.data });
      return void acc.parts.push({ kind: "media", mime, value: inline.data });
    }
  }
  acc.parts.push({ kind: "json", value: o });
}

function convert(m: unknown): ChatMessage | null {
  const u = unwrap(m);
  if (u === null || !hasMessageBody(u.msg)) return null;
  const { msg } = u;
  const acc: Acc = { parts: [], calls: [], toolCallId: null };

  if (msg.type === "function_call" && u.role === "assistant" && typeof msg.name === "string") {
    const c = toolCall(msg);
    if (c) acc.calls.push(c);
  } else if (msg.type === "function_call_output") {
    addPart({ ...msg, type: "function_call_output" }, acc, 0);
  } else if (msg.type === "reasoning" && Array.isArray(msg.summary)) {
    for (const s of msg.summary) {
      const t = isObj(s) ? str(s.text) : str(s);
      if (t !== null) acc.parts.push({ kind: "reasoning", text: t });
    }
  } else {
    const content = msg.content !== undefined ? msg.content : msg.contents !== undefined ? msg.contents : msg.parts !== undefined ? msg.parts : msg.text;
    addPart(parseContainerIfParts(content), acc, 0);
  }

  const tc = msg.tool_calls ?? msg.toolCalls;
  const tcList = parseContainer(tc);
  if (Array.isArray(tcList)) {
    for (const c of tcList) {
      const call = toolCall(c);
      if (call) acc.calls.push(call);
    }
  }
  if (isObj(msg.function_call)) {
    const fc = msg.function_call;
    acc.calls.push({ id: null, name: str(fc.name) ?? "(unnamed)", arguments: parseArgs(fc.arguments) });
  }
  const toolCallId = str(msg.tool_call_id) ?? str(msg.toolCallId) ?? acc.toolCallId;
  const finish = str(msg.finish_reason) ?? str(msg.finishReason) ?? str(msg.stop_reason);
  return {
    role: normRole(u.role),
    name: str(msg.name) !== null && msg.type !== "function_call" ? str(msg.name) : null,
    parts: acc.parts,
    toolCalls: acc.calls,
    toolCallId,
    finishReason: finish,
  };
}

/** Content given as a JSON string of a part list (some SDKs stringify it). */
function parseContainerIfParts(v: unknown): unknown {
  if (typeof v !== "string" || !v.startsWith("[{")) return v;
  const p = parseContainer(v);
  return Array.isArray(p) && p.every((x) => isObj(x) && typeof x.type === "string") ? p : v;
}

function convertList(list: unknown[]): ChatMessage[] | null {
  if (list.length === 0) return null;
  // LangChain batches: [[msg, msg], …] (one conversation per batch item); flatten one level.
  const flat = list.every(Array.isArray) ? (list as unknown[][]).flat() : list;
  if (flat.length === 0) return null;
  const out: ChatMessage[] = [];
  for (const m of flat) {
    const c = convert(m);
    if (c === null) return null;
    out.push(c);
  }
  return out;
}

function withSystem(system: unknown, list: ChatMessage[]): ChatMessage[] {
  if (system === undefined || system === null || system === "") return list;
  const acc: Acc = { parts: [], calls: [], toolCallId: null };
  // Gemini systemInstruction: {parts: [...]}; Anthropic system: string | blocks.
  addPart(isObj(system) && system.parts !== undefined ? system.parts : system, acc, 0);
  if (acc.parts.length === 0) return list;
  return [{ role: "system", name: null, parts: acc.parts, toolCalls: [], toolCallId: null, finishReason: null }, ...list];
}

/** The chat messages in a value, or null when it is not a chat transcript. */
export function toChatMessages(value: unknown): ChatMessage[] | null {
  const v = parseContainer(value);
  if (Array.isArray(v)) return convertList(v);
  if (!isObj(v)) return null;

  if (Array.isArray(v.messages)) {
    const list = convertList(v.messages);
    if (list) return withSystem(v.system ?? v.instructions, list);
  }
  if (Array.isArray(v.choices) && v.choices.length > 0) {
    const out: ChatMessage[] = [];
    for (const ch of v.choices) {
      if (!isObj(ch)) return null;
      const m = convert(ch.message ?? ch.delta);
      if (m === null) {
        if (typeof ch.text === "string") out.push(textMessage("assistant", ch.text));
        else return null;
        continue;
      }
      if (m.finishReason === null) m.finishReason = str(ch.finish_reason);
      out.push(m);
    }
    return out;
  }
  if (Array.isArray(v.contents)) {
    const list = convertList(v.contents);
    if (list) return withSystem(v.systemInstruction ?? v.system_instruction, list);
  }
  if (Array.isArray(v.candidates) && v.candidates.length > 0) {
    const out: ChatMessage[] = [];
    for (const c of v.candidates) {
      if (!isObj(c)) return null;
      const m = convert(isObj(c.content) && c.content.role === undefined ? { role: "model", ...c.content } : c.content);
      if (m === null) return null;
      if (m.finishReason === null) m.finishReason = str(c.finishReason);
      out.push(m);
    }
    return out;
  }
  if (Array.isArray(v.input) && v.input.length > 0) {
    const list = convertList(v.input);
    if (list) return withSystem(v.instructions, list);
  }
  if (Array.isArray(v.output) && v.output.length > 0 && (v.object === "response" || v.output.every((o) => isObj(o) && typeof o.type === "string"))) {
    const list = convertList(v.output);
    if (list) return list;
  }
  // A single message.
  const one = unwrap(v);
  if (one !== null && hasMessageBody(one.msg)) {
    const m = convert(v);
    return m ? [m] : null;
  }
  return null;
}

function hasMessageBody(m: Obj): boolean {
  return (
    "content" in m ||
    "contents" in m ||
    "parts" in m ||
    "tool_calls" in m ||
    "function_call" in m ||
    m.type === "function_call" ||
    m.type === "function_call_output" ||
    m.type === "reasoning"
  );
}

function textMessage(role: string, text: string): ChatMessage {
  return { role, name: null, parts: [{ kind: "text", text }], toolCalls: [], toolCallId: null, finishReason: null };
}

/**
 * The chat view of a span: its input and output messages. Null unless at least one side is a
 * transcript. When the inputs are a transcript and the output is plain text (or another value),
 * the output is shown as an assistant message.
 */
export function chatView(inputs: unknown, outputs: unknown): ChatView | null {
  const input = toChatMessages(inputs);
  const output = toChatMessages(outputs);
  if (input === null && output === null) return null;
  return { input: input ?? fallback("user", inputs), output: output ?? fallback("assistant", outputs) };
}

/** A non-chat value on the other side of a transcript, as one message (none when empty). */
function fallback(role: string, value: unknown): ChatMessage[] {
  if (value === null || value === undefined || value === "") return [];
  const v = parseContainer(value);
  if (typeof v === "string") return [textMessage(role, v)];
  // {query: "…"} / {input: "…"} style wrappers with one string
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && typeof v[keys[0]!] === "string") return [textMessage(role, v[keys[0]!] as string)];
  }
  return [{ ...textMessage(role, ""), parts: [{ kind: "json", value: v }] }];
}
