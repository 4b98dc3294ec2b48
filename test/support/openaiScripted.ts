/**
 * A real OpenAI-compatible chat-completions server on 127.0.0.1 for tests: `POST /v1/chat/completions`
 * answers from a script (one reply per request, in order; then `fallback`, else HTTP 500). It records
 * every request (path, query, headers, parsed body) and how many requests were in flight at once.
 *
 *   const llm = new ScriptedOpenAI();
 *   await llm.start();
 *   llm.script.push(ScriptedOpenAI.json({ rationale: "ok", result: "yes" }));
 *   const judge = new Safety({ model: { baseUrl: llm.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test" } });
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedReply {
  /** Default 200. With a status ≥ 400 `body` (default `{"error":…}`) is sent as-is. */
  status?: number;
  headers?: Record<string, string>;
  /** A raw response body (overrides `answer`). */
  body?: string;
  /** The assistant message's content of a 200 chat completion. */
  answer?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** The `model` field of the completion; default: the request's model. */
  model?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (until the server closes). */
  hang?: boolean;
}

export interface RecordedChatRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  rawText: string;
  body: { model?: string; messages?: Array<{ role: string; content: string }>; temperature?: number; [key: string]: unknown };
  receivedAtMs: number;
}

export class ScriptedOpenAI {
  readonly requests: RecordedChatRequest[] = [];
  readonly script: ScriptedReply[] = [];
  /** Used when the script is empty. */
  fallback: ((request: RecordedChatRequest) => ScriptedReply) | null = null;
  inFlight = 0;
  maxInFlight = 0;
  #server: http.Server | null = null;
  #port = 0;

  /** A 200 reply whose content is `JSON.stringify(value)`. */
  static json(value: unknown, usage = { prompt_tokens: 120, completion_tokens: 30 }): ScriptedReply {
    return { answer: JSON.stringify(value), usage };
  }

  /** The OpenAI base URL (`…/v1`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/v1`;
  }

  async start(): Promise<void> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => void this.#handle(request, response, Buffer.concat(chunks).toString("utf8")));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse, rawText: string): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    let body: RecordedChatRequest["body"] = {};
    try {
      body = JSON.parse(rawText) as RecordedChatRequest["body"];
    } catch {
      // recorded as {}: the test asserts on rawText
    }
    const recorded: RecordedChatRequest = {
      method: request.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      rawText,
      body,
      receivedAtMs: Date.now(),
    };
    this.requests.push(recorded);
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: `no route ${request.method ?? ""} ${url.pathname}` } }));
      return;
    }
    const reply = this.script.shift() ?? this.fallback?.(recorded) ?? { status: 500, body: JSON.stringify({ error: { message: "no scripted answer left" } }) };
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (reply.hang === true) return;
      if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      const status = reply.status ?? 200;
      const text =
        reply.body ??
        (status >= 400
          ? JSON.stringify({ error: { message: `scripted HTTP ${status}` } })
          : JSON.stringify({
              id: `chatcmpl-${this.requests.length}`,
              object: "chat.completion",
              created: Math.floor(Date.now() / 1000),
              model: reply.model ?? body.model ?? "unknown",
              choices: [{ index: 0, message: { role: "assistant", content: reply.answer ?? "" }, finish_reason: "stop" }],
              usage: reply.usage === undefined ? undefined : { ...reply.usage, total_tokens: reply.usage.prompt_tokens + reply.usage.completion_tokens },
            }));
      if (!response.destroyed) {
        response.writeHead(status, { "content-type": "application/json", ...reply.headers });
        response.end(text);
      }
    } finally {
      if (reply.hang !== true) this.inFlight--;
    }
  }

  /** All message contents of request `index`, joined (what the model was asked). */
  prompt(index: number): string {
    const messages = this.requests[index]?.body.messages ?? [];
    return messages.map((m) => m.content).join("\n");
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.fallback = null;
    this.inFlight = 0;
    this.maxInFlight = 0;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#server = null;
  }
}
