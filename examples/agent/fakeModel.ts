/**
 * A deterministic stand-in for a chat model: no network, no API key. It "decides" to call tools
 * and writes answers from the retrieved context, and reports token usage like a real provider.
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

export interface ChatCompletion {
  model: string;
  message: ChatMessage;
  finishReason: "stop" | "tool_calls";
  usage: { inputTokens: number; outputTokens: number };
}

export const MODEL = "fake-gpt-4o-mini";

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const CITY = /\b(Paris|Tokyo|Lisbon|Reykjavik|Nairobi|Atlantis)\b/i;

/** Simulated network + generation latency, deterministic per prompt (40–400 ms). */
export function latencyMs(messages: ChatMessage[]): number {
  return 40 + (hash(JSON.stringify(messages)) % 360);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function complete(messages: ChatMessage[]): ChatCompletion {
  const inputTokens = messages.reduce((n, m) => n + tokens(m.content) + 4, 0);
  const last = messages[messages.length - 1];
  const user = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  let message: ChatMessage;
  let finishReason: ChatCompletion["finishReason"] = "stop";
  const city = CITY.exec(user)?.[1];
  if (last?.role === "user" && city && /weather|pack|wear/i.test(user)) {
    finishReason = "tool_calls";
    message = {
      role: "assistant",
      content: "",
      tool_calls: [{ id: `call_${hash(user).toString(16)}`, type: "function", function: { name: "get_weather", arguments: JSON.stringify({ city }) } }],
    };
  } else {
    const toolResult = messages.filter((m) => m.role === "tool").map((m) => m.content).join(" ");
    const context = messages.find((m) => m.role === "system")?.content ?? "";
    const facts = context.split("\n").filter((l) => l.startsWith("- ")).slice(0, 2).map((l) => l.slice(2));
    const variants = [
      `Here is what I found: ${facts.join(" ") || "I could not find anything relevant."}`,
      `${facts[0] ?? "I don't have details on that."} Let me know if you want more.`,
      `Short answer: ${facts[0] ?? "unknown."}`,
    ];
    let content = variants[hash(user) % variants.length] ?? "";
    if (toolResult) content += ` Current conditions: ${toolResult}`;
    message = { role: "assistant", content };
  }
  return { model: MODEL, message, finishReason, usage: { inputTokens, outputTokens: tokens(message.content) + 8 } };
}
