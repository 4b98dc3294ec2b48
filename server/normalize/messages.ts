/**
 * Converts the chat-message shapes of each convention into the OpenAI-style message MLflow shows:
 * `{role, content, tool_calls?: [{id, type: "function", function: {name, arguments}}], …}`.
 * Message content is kept as given (strings stay strings, part arrays stay arrays); only the
 * envelope (role/tool calls/tool-call ids) is reshaped. Unrecognized shapes pass through.
 */
import type { AttrValue } from "../../protocol/model";
import { isRecord, parseJsonContainer, setOwn } from "./jsonValue";

export type Message = Record<string, unknown>;

/** `{messages: [...]}`, the input/output shape of chat spans. */
export function messagesValue(messages: unknown[]): { messages: unknown[] } {
  return { messages };
}

/** The array itself when every element is an object with a string `role`, else null. */
export function asMessageList(value: unknown): unknown[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  for (const m of value) {
    if (!isRecord(m) || typeof m.role !== "string") return null;
  }
  return value;
}

/**
 * One tool call in OpenAI shape. Accepts OpenInference (`{tool_call: {id, function: {name,
 * arguments}}}`), OpenLLMetry / GenAI parts (`{id, name, arguments}`), Vercel AI
 * (`{toolCallId, toolName, args|input}`) and OpenAI itself (returned unchanged).
 */
export function toOpenAIToolCall(call: unknown): unknown {
  if (!isRecord(call)) return call;
  const inner = isRecord(call.tool_call) ? call.tool_call : call;
  if (isRecord(inner.function)) {
    if (inner === call) return call;
    const out: Message = {};
    if (inner.id !== undefined) out.id = inner.id;
    out.type = inner.type ?? "function";
    out.function = inner.function;
    return out;
  }
  const name = inner.name ?? inner.toolName;
  const args = inner.arguments ?? inner.args ?? inner.input;
  const id = inner.id ?? inner.toolCallId;
  if (name === undefined && args === undefined) return call;
  const fn: Message = {};
  if (name !== undefined) fn.name = name;
  if (args !== undefined) fn.arguments = args;
  const out: Message = {};
  if (id !== undefined) out.id = id;
  out.type = "function";
  out.function = fn;
  return out;
}

function toolCalls(value: unknown): unknown[] | null {
  const parsed = parseJsonContainer(value);
  return Array.isArray(parsed) ? parsed.map(toOpenAIToolCall) : null;
}

function openInferenceContentPart(part: unknown): unknown {
  const c = isRecord(part) && isRecord(part.message_content) ? part.message_content : part;
  if (!isRecord(c)) return c;
  if (c.type === "text" && c.text !== undefined) return { type: "text", text: c.text };
  if (c.type === "image") {
    const image = isRecord(c.image) ? c.image : null;
    const inner = image !== null && isRecord(image.image) ? image.image : image;
    if (inner !== null && inner.url !== undefined) return { type: "image_url", image_url: { url: inner.url } };
  }
  return c;
}

/** An OpenInference list element `{message: {role, content|contents, tool_calls, …}}`. */
export function fromOpenInferenceMessage(entry: unknown): unknown {
  const m = isRecord(entry) && isRecord(entry.message) ? entry.message : entry;
  if (!isRecord(m)) return m;
  const out: Message = {};
  for (const k in m) {
    const v = m[k];
    switch (k) {
      case "contents":
        if (m.content === undefined && Array.isArray(v)) out.content = v.map(openInferenceContentPart);
        else out.contents = v;
        break;
      case "tool_calls":
        out.tool_calls = Array.isArray(v) ? v.map(toOpenAIToolCall) : v;
        break;
      case "function_call_name":
      case "function_call_arguments_json":
        out.function_call = { name: m.function_call_name, arguments: m.function_call_arguments_json };
        break;
      default:
        setOwn(out, k, v);
    }
  }
  return out;
}

/** An OpenLLMetry flattened message `{role, content, tool_calls: [{id, name, arguments}], …}`. */
export function fromOpenLlmetryMessage(m: unknown): unknown {
  if (!isRecord(m) || !Array.isArray(m.tool_calls)) return m;
  const out: Message = {};
  for (const k in m) setOwn(out, k, k === "tool_calls" ? (m.tool_calls as unknown[]).map(toOpenAIToolCall) : m[k]);
  return out;
}

/**
 * An OTel GenAI message `{role, parts: [...], name?, finish_reason?}`. Text parts become
 * `content` (a string for a single text part, else OpenAI content parts); `tool_call` parts
 * become `tool_calls`; a lone `tool_call_response` becomes `{role: "tool", tool_call_id,
 * content}`; any other part (reasoning, blob, uri, file, …) is kept as given inside `content`.
 */
export function fromGenAiMessage(m: unknown): unknown {
  if (!isRecord(m) || !Array.isArray(m.parts)) return m;
  const parts: unknown[] = m.parts;
  const out: Message = {};
  if (m.role !== undefined) out.role = m.role;
  if (m.name !== undefined) out.name = m.name;

  if (parts.length === 1) {
    const only = parts[0];
    if (isRecord(only) && only.type === "tool_call_response") {
      out.role = m.role ?? "tool";
      if (only.id !== undefined) out.tool_call_id = only.id;
      out.content = only.response ?? null;
      if (m.finish_reason !== undefined) out.finish_reason = m.finish_reason;
      return out;
    }
  }

  const content: unknown[] = [];
  const calls: unknown[] = [];
  let textCount = 0;
  let lastText: unknown = undefined;
  for (const p of parts) {
    if (isRecord(p) && p.type === "tool_call") {
      calls.push(toOpenAIToolCall(p));
    } else if (isRecord(p) && p.type === "text") {
      textCount++;
      lastText = p.content;
      content.push({ type: "text", text: p.content });
    } else {
      content.push(p);
    }
  }
  if (content.length === 0) out.content = null;
  else if (textCount === 1 && content.length === 1) out.content = lastText;
  else out.content = content;
  if (calls.length > 0) out.tool_calls = calls;
  if (m.finish_reason !== undefined) out.finish_reason = m.finish_reason;
  return out;
}

/** `gen_ai.system_instructions` (a parts array, a JSON string of one, or plain text) → a system message. */
export function systemMessageFromInstructions(value: unknown): Message | null {
  const parsed = parseJsonContainer(value);
  if (typeof parsed === "string") return parsed.length > 0 ? { role: "system", content: parsed } : null;
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return null;
    return fromGenAiMessage({ role: "system", parts: parsed }) as Message;
  }
  if (isRecord(parsed)) return fromGenAiMessage({ role: "system", ...parsed }) as Message;
  return null;
}

/** GenAI messages (array or JSON string) → OpenAI-style list, or null when not a list. */
export function genAiMessageList(value: unknown): unknown[] | null {
  const parsed = parseJsonContainer(value);
  return Array.isArray(parsed) ? parsed.map(fromGenAiMessage) : null;
}

const EVENT_ROLES: Readonly<Record<string, string>> = {
  "gen_ai.system.message": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};

/** The role implied by a deprecated GenAI message event name, or undefined. */
export function deprecatedEventRole(name: string): string | undefined {
  return EVENT_ROLES[name];
}

/** A deprecated `gen_ai.{system,user,assistant,tool}.message` event → message. */
export function fromDeprecatedMessageEvent(role: string, attrs: Readonly<Record<string, AttrValue>>): Message {
  const out: Message = { role: typeof attrs.role === "string" ? attrs.role : role };
  const content = attrs.content;
  out.content = content === undefined ? null : parseJsonContainer(content);
  const calls = attrs.tool_calls === undefined ? null : toolCalls(attrs.tool_calls);
  if (calls !== null) out.tool_calls = calls;
  if (role === "tool" && attrs.id !== undefined) out.tool_call_id = attrs.id;
  return out;
}

/** A deprecated `gen_ai.choice` event (`message` object/JSON, or flat `content`/`role`) → message. */
export function fromChoiceEvent(attrs: Readonly<Record<string, AttrValue>>): Message | null {
  const message = parseJsonContainer(attrs.message);
  let out: Message;
  if (isRecord(message)) {
    out = fromOpenLlmetryMessage(message) as Message;
    if (out === message) out = { ...message };
    if (out.role === undefined) out.role = "assistant";
  } else {
    const content = attrs.content ?? attrs["message.content"];
    const calls = toolCalls(attrs.tool_calls ?? attrs["message.tool_calls"]);
    if (content === undefined && calls === null) return null;
    const role = attrs.role ?? attrs["message.role"];
    out = { role: typeof role === "string" ? role : "assistant", content: content === undefined ? null : parseJsonContainer(content) };
    if (calls !== null) out.tool_calls = calls;
  }
  if (attrs.finish_reason !== undefined && out.finish_reason === undefined) out.finish_reason = attrs.finish_reason;
  return out;
}

/**
 * Vercel AI `ai.response.toolCalls` (JSON string or array of `{toolCallId, toolName, args|input}`)
 * → OpenAI tool calls, or null.
 */
export function vercelToolCalls(value: unknown): unknown[] | null {
  const calls = toolCalls(value);
  return calls !== null && calls.length > 0 ? calls : null;
}
