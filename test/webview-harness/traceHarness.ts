/**
 * Visual harness for the trace panel webview: serves dist/webview/trace.js + panel.css + trace.css
 * in a page whose `acquireVsCodeApi` is a fake host. On `webview/ready` it posts a TraceSnapshot
 * built from fixture data and answers `span/get`, `trace/search` and the action requests from the
 * same fixtures, recording every request in `window.__requests`.
 *
 * Fixtures: `agent` (a realistic 12-span agent trace: chat messages with tool calls, a failing tool
 * with a stack trace, a retriever whose documents carry `<img onerror>` / `<script>` payloads, a
 * base64 image, an orphan span, assessments) and `large` (50,000 synthetic spans).
 *
 * The page runs under the same CSP as the real panel (nonce scripts, no inline styles), and
 * reports CSP violations in `window.__cspViolations`. Used by tracePanel.harness.test.ts; run
 * `node --import tsx test/webview-harness/traceHarness.ts` to serve it for a manual look.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Assessment, SpanRecord, SpanSkeleton, SpanType, TraceSkeleton } from "../../protocol/model";
import type { TraceSnapshot } from "../../protocol/webview";

export const ROOT = path.resolve(__dirname, "../..");
export const OUT_DIR = path.join(ROOT, "test-output", "webview-harness");

// ─── fixtures ─────────────────────────────────────────────────────────────────

export interface Fixture {
  snapshot: TraceSnapshot;
  /** Full spans by id; null: synthesize them from the skeleton (large traces). */
  spans: Record<string, SpanRecord> | null;
}

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const T0_MS = Date.UTC(2026, 4, 14, 9, 41, 7, 123);

function hex16(n: number): string {
  return (0x1000000000000000n + BigInt(n) * 0x9e3779b97f4a7n).toString(16).slice(-16).padStart(16, "0");
}

function nanos(ms: number): string {
  return (BigInt(T0_MS) * 1_000_000n + BigInt(Math.round(ms * 1_000_000))).toString();
}

/** A PNG-signed blob of `bytes` bytes, base64. */
function fakePngBase64(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(buf);
  let x = 7;
  for (let i = 16; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x >> 16;
  }
  return buf.toString("base64");
}

interface SpanDef {
  key: string;
  parent: string | null;
  name: string;
  type: SpanType;
  start: number;
  dur: number;
  error?: { type: string; message: string; stack: string };
  model?: string;
  usage?: [number, number];
  inputs?: unknown;
  outputs?: unknown;
  attributes?: Record<string, unknown>;
  events?: SpanRecord["events"];
  missingParentId?: string;
}

const XSS_IMG = '<img src=x onerror=alert(1)>';
const XSS_SCRIPT = "<script>alert(1)</script>";

export const PAYLOADS = { XSS_IMG, XSS_SCRIPT };

const WEATHER_STACK = `Traceback (most recent call last):
  File "/app/src/agent/tools.py", line 88, in get_weather
    resp = client.get(f"/v1/forecast?city={city}", timeout=5)
  File "/app/.venv/lib/python3.12/site-packages/httpx/_client.py", line 1066, in get
    return self.request("GET", url, params=params, headers=headers)
  File "/app/.venv/lib/python3.12/site-packages/httpx/_client.py", line 837, in request
    return self.send(request, auth=auth, follow_redirects=follow_redirects)
  File "/app/src/agent/http.py", line 41, in send
    raise WeatherAPIError(resp.status_code, resp.text)
agent.errors.WeatherAPIError: 503 Service Unavailable: upstream forecast provider timed out`;

export function agentFixture(): Fixture {
  const png = fakePngBase64(12_595);
  const system = "You are TravelBot, a concise travel planner. Use tools for flights and weather. Never invent prices.";
  const question = "Plan a long weekend in Lisbon from San Francisco, leaving Friday May 22. What's the weather going to be like? Here's a photo of the kind of place I like.";
  const userMsg = {
    role: "user",
    content: [
      { type: "text", text: question },
      { type: "image_url", image_url: { url: `data:image/png;base64,${png}`, detail: "low" } },
    ],
  };
  const toolCalls = [
    { id: "call_Fl1ght5", type: "function", function: { name: "search_flights", arguments: '{"origin":"SFO","destination":"LIS","depart":"2026-05-22","return":"2026-05-25","max_stops":1}' } },
    { id: "call_W3ath3r", type: "function", function: { name: "get_weather", arguments: '{"city":"Lisbon","days":4}' } },
  ];
  const answer = `Here's a 3-night Lisbon plan:

**Flights** — TAP TP238, SFO → LIS, Fri May 22 17:40 → Sat 13:55 (1 stop), $742 round trip.
**Stay** — Alfama: tiled streets and miradouros, close to what's in your photo.
**Days** — Sat: Alfama + Fado; Sun: Sintra day trip; Mon: Belém + LX Factory.

I couldn't get a forecast (the weather service was unavailable); late May is usually 18–24 °C and dry.

(Ignore this, it's from a scraped page: ${XSS_SCRIPT} ${XSS_IMG})`;

  const defs: SpanDef[] = [
    {
      key: "root",
      parent: null,
      name: "TravelAgent.run",
      type: "AGENT",
      start: 0,
      dur: 8420,
      inputs: { messages: [userMsg] },
      outputs: { answer },
      attributes: { "session.id": "sess-7f3a", "user.id": "maria@example.com", "code.file.path": "src/agent/agent.ts", "code.line.number": 27, "code.function.name": "TravelAgent.run" },
    },
    { key: "plan", parent: "root", name: "plan_steps", type: "CHAIN", start: 4, dur: 36, inputs: { goal: question }, outputs: { steps: ["search_flights", "get_weather", "retrieve_guides", "compose_answer"] } },
    {
      key: "llm1",
      parent: "root",
      name: "ChatOpenAI",
      type: "CHAT_MODEL",
      start: 45,
      dur: 1575,
      model: "gpt-4o-2024-08-06",
      usage: [1240, 86],
      inputs: { model: "gpt-4o-2024-08-06", temperature: 0.2, messages: [{ role: "system", content: system }, userMsg] },
      outputs: { id: "chatcmpl-9x", object: "chat.completion", choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: null, tool_calls: toolCalls } }] },
      attributes: { "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.request.temperature": 0.2, "llm.request.type": "chat" },
    },
    {
      key: "flights",
      parent: "root",
      name: "search_flights",
      type: "TOOL",
      start: 1650,
      dur: 1450,
      inputs: { origin: "SFO", destination: "LIS", depart: "2026-05-22", return: "2026-05-25", max_stops: 1 },
      outputs: {
        flights: [
          { carrier: "TAP", number: "TP238", depart: "2026-05-22T17:40-07:00", arrive: "2026-05-23T13:55+01:00", stops: 1, price_usd: 742 },
          { carrier: "UA", number: "UA8790", depart: "2026-05-22T15:05-07:00", arrive: "2026-05-23T12:20+01:00", stops: 1, price_usd: 889 },
          { carrier: "AF", number: "AF83", depart: "2026-05-22T13:30-07:00", arrive: "2026-05-23T12:45+01:00", stops: 1, price_usd: 1012 },
        ],
        searched_at: "2026-05-14T09:41:08Z",
      },
      attributes: { "code.file.path": "src/agent/tools.ts", "code.line.number": 42, "code.function.name": "searchFlights", "tool.name": "search_flights", "http.response.status_code": 200 },
    },
    {
      key: "weather",
      parent: "root",
      name: "get_weather",
      type: "TOOL",
      start: 1655,
      dur: 707,
      inputs: { city: "Lisbon", days: 4 },
      outputs: null,
      error: { type: "WeatherAPIError", message: "503 Service Unavailable: upstream forecast provider timed out", stack: WEATHER_STACK },
      attributes: { "code.filepath": "/app/src/agent/tools.py", "code.lineno": 88, "tool.name": "get_weather", "http.response.status_code": 503, "retry.count": 2 },
    },
    {
      key: "retr",
      parent: "root",
      name: "retrieve_guides",
      type: "RETRIEVER",
      start: 3120,
      dur: 360,
      inputs: { query: "Lisbon long weekend itinerary Alfama Sintra", top_k: 3 },
      outputs: [
        { id: "doc-118", page_content: `Alfama is Lisbon's oldest district… ${XSS_IMG}`, metadata: { source: "guides/lisbon.md", chunk: 4 }, score: 0.912 },
        { id: "doc-245", page_content: `Sintra is a 40-minute train ride from Rossio station. ${XSS_SCRIPT}`, metadata: { source: "https://example.com/sintra?ref=<b>bold</b>" }, score: 0.874 },
        { id: "doc-031", page_content: "Belém: the tower, the monastery and the pastéis de nata.", metadata: { source: "guides/lisbon.md", chunk: 9 }, score: 0.801 },
      ],
      attributes: { "retrieval.top_k": 3, "db.system": "sqlite-vec" },
    },
    { key: "embed", parent: "retr", name: "embed_query", type: "EMBEDDING", start: 3125, dur: 65, model: "text-embedding-3-small", usage: [12, 0], inputs: { input: ["Lisbon long weekend itinerary Alfama Sintra"] }, outputs: { dims: 1536, embedding: { $bytes: fakePngBase64(6144).replace(/^iVBOR/, "AAAAA") } } },
    { key: "rerank", parent: "retr", name: "rerank", type: "RERANKER", start: 3200, dur: 270, model: "rerank-english-v3.0", inputs: { query: "Lisbon long weekend itinerary", documents: 20 }, outputs: { kept: ["doc-118", "doc-245", "doc-031"] } },
    {
      key: "llm2",
      parent: "root",
      name: "ChatOpenAI",
      type: "CHAT_MODEL",
      start: 3500,
      dur: 4400,
      model: "gpt-4o-2024-08-06",
      usage: [2900, 410],
      inputs: {
        model: "gpt-4o-2024-08-06",
        messages: [
          { role: "system", content: system },
          userMsg,
          { role: "assistant", content: null, tool_calls: toolCalls },
          { role: "tool", tool_call_id: "call_Fl1ght5", content: '{"flights":[{"carrier":"TAP","number":"TP238","price_usd":742}]}' },
          { role: "tool", tool_call_id: "call_W3ath3r", content: "ERROR: WeatherAPIError: 503 Service Unavailable" },
        ],
      },
      outputs: { id: "chatcmpl-9y", object: "chat.completion", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: answer } }] },
      attributes: {
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 2900,
        "gen_ai.usage.output_tokens": 410,
        "llm.prompt_template.variables": '{"city": "Lisbon"}',
        "raw.response.audio": { $bytes: Buffer.from("RIFF\0\0\0\0WAVEfmt ").toString("base64") + "A".repeat(3000) },
      },
    },
    { key: "format", parent: "root", name: "format_itinerary", type: "TOOL", start: 7920, dur: 180, inputs: { style: "markdown" }, outputs: { ok: true, chars: answer.length } },
    { key: "guard", parent: "root", name: "pii_check", type: "GUARDRAIL", start: 8110, dur: 190, inputs: { text: answer.slice(0, 120) }, outputs: { passed: true, findings: [] } },
    { key: "late", parent: null, missingParentId: "b7ad6b7169203331", name: "analytics.flush", type: "CHAIN", start: 8310, dur: 95, inputs: { events: 14 }, outputs: { sent: 14 } },
  ];

  const ids: Record<string, string> = {};
  defs.forEach((d, i) => (ids[d.key] = hex16(i + 1)));
  const spans: Record<string, SpanRecord> = {};
  const skeletons: SpanSkeleton[] = [];
  for (const d of defs) {
    const spanId = ids[d.key]!;
    const parentSpanId = d.missingParentId ?? (d.parent ? ids[d.parent]! : null);
    const usage = d.usage ? { inputTokens: d.usage[0], outputTokens: d.usage[1], totalTokens: d.usage[0] + d.usage[1] } : null;
    const events: SpanRecord["events"] = d.events ?? [];
    if (d.error) {
      events.push({
        name: "exception",
        timeUnixNano: nanos(d.start + d.dur - 2),
        attributes: { "exception.type": d.error.type, "exception.message": d.error.message, "exception.stacktrace": d.error.stack, "exception.escaped": "False" },
      });
    }
    if (d.key === "llm2") events.push({ name: "first_token", timeUnixNano: nanos(d.start + 620), attributes: { "gen_ai.response.ttft_ms": 620 } });
    const rec: SpanRecord = {
      traceId: TRACE_ID,
      spanId,
      parentSpanId,
      name: d.name,
      kind: d.type === "CHAT_MODEL" ? 3 : 1,
      startTimeUnixNano: nanos(d.start),
      endTimeUnixNano: nanos(d.start + d.dur),
      statusCode: d.error ? "ERROR" : "OK",
      statusMessage: d.error ? d.error.message : "",
      attributes: (d.attributes ?? {}) as SpanRecord["attributes"],
      events,
      links: [],
      resource: { "service.name": "travel-agent", "service.version": "1.4.2", "telemetry.sdk.language": "nodejs", "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "2.0.1" },
      scope: { name: "scorelens-sdk", version: "0.1.0" },
      spanType: d.type,
      inputs: d.inputs ?? null,
      outputs: d.outputs ?? null,
      model: d.model ?? null,
      provider: d.model ? (d.model.startsWith("gpt") || d.model.startsWith("text-") ? "openai" : "cohere") : null,
      usage,
      cost: d.usage ? { inputCost: d.usage[0] * 2.5e-6, outputCost: d.usage[1] * 1e-5, totalCost: d.usage[0] * 2.5e-6 + d.usage[1] * 1e-5 } : null,
      error: d.error ? { type: d.error.type, message: d.error.message, stacktrace: d.error.stack } : null,
      sessionId: d.key === "root" ? "sess-7f3a" : null,
      userId: d.key === "root" ? "maria@example.com" : null,
      tags: {},
      metadata: {},
      conventions: d.type === "CHAT_MODEL" ? ["openinference", "genai"] : ["mlflow"],
    };
    spans[spanId] = rec;
    skeletons.push({
      spanId,
      parentSpanId,
      name: d.name,
      spanType: d.type,
      startMs: d.start,
      durationMs: d.dur,
      statusCode: rec.statusCode,
      model: d.model ?? null,
      totalTokens: usage ? usage.totalTokens : null,
    });
  }
  // arrival order is not start order
  skeletons.sort((a, b) => b.durationMs - a.durationMs);

  const assessment = (id: string, a: Partial<Assessment> & Pick<Assessment, "name" | "kind" | "value">): Assessment => ({
    assessmentId: id,
    traceId: TRACE_ID,
    spanId: null,
    rationale: null,
    error: null,
    source: { type: "HUMAN", id: "maria@example.com" },
    metadata: {},
    runId: null,
    createdMs: T0_MS + 60_000,
    updatedMs: T0_MS + 60_000,
    ...a,
  });
  const assessments: Assessment[] = [
    assessment("a-1", { name: "correctness", kind: "feedback", value: "yes", rationale: "Flight and itinerary match the retrieved data; the missing forecast is disclosed.", source: { type: "LLM_JUDGE", id: "openai:/gpt-4o-mini" } }),
    assessment("a-2", { name: "relevance", kind: "feedback", value: 0.82, source: { type: "CODE", id: "scorers/relevance.ts" } }),
    assessment("a-3", { name: "expected_response", kind: "expectation", value: { must_mention: ["TP238", "Alfama", "Sintra"] } }),
    assessment("a-4", { name: "tool_error_handled", kind: "feedback", value: false, spanId: ids.weather!, rationale: "No retry with a fallback provider.", source: { type: "CODE", id: "scorers/toolErrors.ts" } }),
  ];

  const trace: TraceSkeleton = {
    summary: {
      traceId: TRACE_ID,
      requestId: `tr-${TRACE_ID}`,
      name: "TravelAgent.run",
      state: "ERROR",
      startTimeMs: T0_MS,
      endTimeMs: T0_MS + 8420,
      durationMs: 8420,
      spanCount: defs.length,
      errorCount: 1,
      inputTokens: 4152,
      outputTokens: 496,
      totalTokens: 4648,
      costUsd: 0.01534,
      requestPreview: question,
      responsePreview: answer.replace(/\n+/g, " "),
      tags: { environment: "dev", "app.version": "1.4.2", feature: "itinerary" },
      metadata: { "git.commit": "a1b2c3d", prompt_version: "v7" },
      sessionId: "sess-7f3a",
      userId: "maria@example.com",
      serviceName: "travel-agent",
      hasRoot: true,
    },
    spans: skeletons,
    assessments,
  };
  return { snapshot: { type: "trace/snapshot", trace, message: null, theme: "dark" }, spans };
}

const LARGE_TYPES: SpanType[] = ["AGENT", "CHAIN", "CHAT_MODEL", "TOOL", "RETRIEVER", "TOOL", "EMBEDDING", "CHAIN", "LLM", "PARSER"];

/** `n` spans in a 6-ary tree (depth ~6), every 97th an error, a few orphans. */
export function largeFixture(n: number): Fixture {
  const B = 6;
  const total = 600_000;
  const start = new Float64Array(n);
  const dur = new Float64Array(n);
  const depth = new Int32Array(n);
  const spans: SpanSkeleton[] = new Array(n);
  dur[0] = total;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const p = Math.floor((i - 1) / B);
      const k = (i - 1) % B;
      depth[i] = depth[p]! + 1;
      start[i] = start[p]! + (dur[p]! / B) * k + dur[p]! * 0.01;
      dur[i] = (dur[p]! / B) * 0.9;
    }
    const type = i === 0 ? "AGENT" : LARGE_TYPES[(i * 7 + depth[i]!) % LARGE_TYPES.length]!;
    const orphan = i > 0 && i % 9973 === 0;
    spans[i] = {
      spanId: hex16(i + 1),
      parentSpanId: i === 0 ? null : orphan ? "ffffffffffff0000" : hex16(Math.floor((i - 1) / B) + 1),
      name: i === 0 ? "batch_eval.run" : `${type.toLowerCase()}_step_${i}`,
      spanType: type,
      startMs: start[i]!,
      durationMs: dur[i]!,
      statusCode: i % 97 === 0 && i > 0 ? "ERROR" : "OK",
      model: type === "CHAT_MODEL" || type === "LLM" ? "gpt-4o-mini" : null,
      totalTokens: type === "CHAT_MODEL" || type === "LLM" ? 200 + (i % 1800) : null,
    };
  }
  const trace: TraceSkeleton = {
    summary: {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      requestId: "tr-0af7651916cd43dd8448eb211c80319c",
      name: "batch_eval.run",
      state: "OK",
      startTimeMs: T0_MS,
      endTimeMs: T0_MS + total,
      durationMs: total,
      spanCount: n,
      errorCount: Math.floor(n / 97),
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: null,
      requestPreview: "",
      responsePreview: "",
      tags: {},
      metadata: {},
      sessionId: null,
      userId: null,
      serviceName: "batch-eval",
      hasRoot: true,
    },
    spans,
    assessments: [],
  };
  return { snapshot: { type: "trace/snapshot", trace, message: null, theme: "dark" }, spans: null };
}

// ─── page ─────────────────────────────────────────────────────────────────────

const DARK: Record<string, string> = {
  "--vscode-font-family": '-apple-system, BlinkMacSystemFont, "Segoe UI", system-ui, Ubuntu, "DejaVu Sans", sans-serif',
  "--vscode-font-size": "13px",
  "--vscode-editor-font-family": '"DejaVu Sans Mono", Consolas, "Courier New", monospace',
  "--vscode-foreground": "#cccccc",
  "--vscode-editor-background": "#1e1e1e",
  "--vscode-editor-foreground": "#d4d4d4",
  "--vscode-descriptionForeground": "#9d9d9d",
  "--vscode-errorForeground": "#f48771",
  "--vscode-focusBorder": "#007fd4",
  "--vscode-icon-foreground": "#c5c5c5",
  "--vscode-widget-border": "#303031",
  "--vscode-panel-border": "#80808059",
  "--vscode-editorWidget-background": "#252526",
  "--vscode-button-background": "#0e639c",
  "--vscode-button-foreground": "#ffffff",
  "--vscode-button-hoverBackground": "#1177bb",
  "--vscode-button-secondaryBackground": "#3a3d41",
  "--vscode-button-secondaryForeground": "#cccccc",
  "--vscode-button-secondaryHoverBackground": "#45494e",
  "--vscode-badge-background": "#4d4d4d",
  "--vscode-badge-foreground": "#ffffff",
  "--vscode-input-background": "#3c3c3c",
  "--vscode-input-foreground": "#cccccc",
  "--vscode-input-placeholderForeground": "#a6a6a6",
  "--vscode-list-activeSelectionBackground": "#04395e",
  "--vscode-list-activeSelectionForeground": "#ffffff",
  "--vscode-list-inactiveSelectionBackground": "#37373d",
  "--vscode-list-hoverBackground": "#2a2d2e",
  "--vscode-list-focusOutline": "#007fd4",
  "--vscode-tree-indentGuidesStroke": "#585858",
  "--vscode-textLink-foreground": "#3794ff",
  "--vscode-textLink-activeForeground": "#3794ff",
  "--vscode-textCodeBlock-background": "#0a0a0a66",
  "--vscode-toolbar-hoverBackground": "#5a5d5e50",
  "--vscode-editor-findMatchBackground": "#515c6a",
  "--vscode-editor-findMatchHighlightBackground": "#ea5c0055",
  "--vscode-editorOverviewRuler-findMatchForeground": "#d186167e",
  "--vscode-editorWarning-foreground": "#cca700",
  "--vscode-inputValidation-errorBackground": "#5a1d1d",
  "--vscode-inputValidation-errorBorder": "#be1100",
  "--vscode-inputValidation-infoBackground": "#063b49",
  "--vscode-testing-iconPassed": "#73c991",
  "--vscode-testing-iconFailed": "#f14c4c",
  "--vscode-charts-red": "#f14c4c",
  "--vscode-charts-blue": "#3794ff",
  "--vscode-charts-yellow": "#cca700",
  "--vscode-charts-orange": "#d18616",
  "--vscode-charts-green": "#89d185",
  "--vscode-charts-purple": "#b180d7",
  "--vscode-terminal-ansiCyan": "#11a8cd",
  "--vscode-terminal-ansiMagenta": "#bc3fbc",
  "--vscode-terminal-ansiBrightBlue": "#3b8eea",
  "--vscode-terminal-ansiBrightYellow": "#e5e510",
  "--vscode-terminal-ansiBrightGreen": "#23d18b",
  "--vscode-panelTitle-activeBorder": "#e7e7e7",
  "--vscode-panelTitle-activeForeground": "#e7e7e7",
  "--vscode-panelTitle-inactiveForeground": "#e7e7e799",
  "--vscode-debugTokenExpression-name": "#c586c0",
  "--vscode-debugTokenExpression-string": "#ce9178",
  "--vscode-debugTokenExpression-number": "#b5cea8",
  "--vscode-debugTokenExpression-boolean": "#4e94ce",
  "--vscode-statusBarItem-errorBackground": "#c72e0f",
  "--vscode-statusBarItem-errorForeground": "#ffffff",
  "--vscode-notifications-background": "#252526",
  "--vscode-notifications-foreground": "#cccccc",
  "--vscode-notifications-border": "#303031",
  "--vscode-widget-shadow": "#0000005c",
  "--vscode-sash-hoverBorder": "#007fd4",
  "--vscode-progressBar-background": "#0e70c0",
  "--vscode-editorRuler-foreground": "#5a5a5a66",
};

const LIGHT: Record<string, string> = {
  ...DARK,
  "--vscode-foreground": "#616161",
  "--vscode-editor-background": "#ffffff",
  "--vscode-editor-foreground": "#000000",
  "--vscode-descriptionForeground": "#717171",
  "--vscode-errorForeground": "#a1260d",
  "--vscode-focusBorder": "#0090f1",
  "--vscode-icon-foreground": "#424242",
  "--vscode-widget-border": "#d4d4d4",
  "--vscode-panel-border": "#80808059",
  "--vscode-editorWidget-background": "#f3f3f3",
  "--vscode-button-background": "#007acc",
  "--vscode-button-hoverBackground": "#0062a3",
  "--vscode-button-secondaryBackground": "#5f6a79",
  "--vscode-button-secondaryForeground": "#ffffff",
  "--vscode-button-secondaryHoverBackground": "#4c5561",
  "--vscode-badge-background": "#c4c4c4",
  "--vscode-badge-foreground": "#333333",
  "--vscode-input-background": "#ffffff",
  "--vscode-input-foreground": "#616161",
  "--vscode-input-border": "#cecece",
  "--vscode-input-placeholderForeground": "#767676",
  "--vscode-list-activeSelectionBackground": "#0060c0",
  "--vscode-list-inactiveSelectionBackground": "#e4e6f1",
  "--vscode-list-hoverBackground": "#e8e8e8",
  "--vscode-tree-indentGuidesStroke": "#a9a9a9",
  "--vscode-textLink-foreground": "#006ab1",
  "--vscode-textCodeBlock-background": "#dcdcdc66",
  "--vscode-toolbar-hoverBackground": "#b8b8b850",
  "--vscode-editor-findMatchBackground": "#a8ac94",
  "--vscode-editor-findMatchHighlightBackground": "#ea5c0055",
  "--vscode-editorWarning-foreground": "#bf8803",
  "--vscode-inputValidation-errorBackground": "#f2dede",
  "--vscode-inputValidation-errorBorder": "#be1100",
  "--vscode-inputValidation-infoBackground": "#d6ecf2",
  "--vscode-testing-iconPassed": "#388a34",
  "--vscode-testing-iconFailed": "#e51400",
  "--vscode-charts-blue": "#1a85ff",
  "--vscode-charts-yellow": "#bf8803",
  "--vscode-charts-orange": "#d18616",
  "--vscode-charts-green": "#388a34",
  "--vscode-charts-purple": "#652d90",
  "--vscode-terminal-ansiCyan": "#0598bc",
  "--vscode-terminal-ansiBrightYellow": "#b5ba00",
  "--vscode-panelTitle-activeBorder": "#424242",
  "--vscode-panelTitle-activeForeground": "#424242",
  "--vscode-panelTitle-inactiveForeground": "#424242bf",
  "--vscode-debugTokenExpression-name": "#9b46b0",
  "--vscode-debugTokenExpression-string": "#a31515",
  "--vscode-debugTokenExpression-number": "#098658",
  "--vscode-debugTokenExpression-boolean": "#0000ff",
  "--vscode-notifications-background": "#f3f3f3",
  "--vscode-notifications-foreground": "#616161",
  "--vscode-notifications-border": "#d4d4d4",
  "--vscode-widget-shadow": "#00000029",
  "--vscode-editorRuler-foreground": "#d3d3d3",
};

function themeCss(theme: "dark" | "light"): string {
  const vars = theme === "light" ? LIGHT : DARK;
  return `html { ${Object.entries(vars)
    .map(([k, v]) => `${k}: ${v};`)
    .join(" ")} }\n`;
}

/** The fake host: replies to requests from the fixture; logs everything. Plain JS, injected as-is. */
const FAKE_HOST = String.raw`
(function () {
  var fx = window.__FIXTURE__;
  window.__requests = [];
  window.__cspViolations = [];
  window.__state = undefined;
  document.addEventListener("securitypolicyviolation", function (e) {
    window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
  });
  var delay = Number(new URLSearchParams(location.search).get("delay") || "30");
  function post(msg) { window.postMessage(msg, "*"); }
  function reply(id, result, error) {
    setTimeout(function () { post({ type: "host/response", id: id, result: result, error: error || null }); }, delay);
  }
  function nanos(ms) { return (BigInt(fx.snapshot.trace.summary.startTimeMs) * 1000000n + BigInt(Math.round(ms * 1e6))).toString(); }
  function synth(id) {
    var t = fx.snapshot.trace;
    var s = t.spans.find(function (x) { return x.spanId === id; });
    if (!s) return null;
    return {
      traceId: t.summary.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: 1,
      startTimeUnixNano: nanos(s.startMs), endTimeUnixNano: nanos(s.startMs + s.durationMs),
      statusCode: s.statusCode, statusMessage: "", attributes: { "synthetic.index": id }, events: [], links: [],
      resource: { "service.name": t.summary.serviceName || "svc" }, scope: { name: "synthetic", version: "" },
      spanType: s.spanType, inputs: { step: s.name }, outputs: { ok: s.statusCode !== "ERROR" }, model: s.model,
      provider: null, usage: null, cost: null, error: null, sessionId: null, userId: null, tags: {}, metadata: {}, conventions: []
    };
  }
  function search(text) {
    var q = text.toLowerCase();
    var t = fx.snapshot.trace;
    return t.spans.filter(function (s) {
      if (s.name.toLowerCase().indexOf(q) >= 0) return true;
      var rec = fx.spans && fx.spans[s.spanId];
      if (!rec) return false;
      return JSON.stringify([rec.inputs, rec.outputs, rec.attributes]).toLowerCase().indexOf(q) >= 0;
    }).map(function (s) { return s.spanId; });
  }
  var nextAssessment = 100;
  function assessment(kind, name, value, spanId, rationale) {
    var now = Date.now();
    return {
      assessmentId: "a-" + nextAssessment++, traceId: fx.snapshot.trace.summary.traceId, spanId: spanId, name: name, kind: kind,
      value: value, rationale: rationale, error: null, source: { type: "HUMAN", id: "harness" }, metadata: {}, runId: null,
      createdMs: now, updatedMs: now
    };
  }
  window.__hostPost = post;
  window.acquireVsCodeApi = function () {
    return {
      postMessage: function (msg) {
        window.__requests.push(msg);
        if (msg.type === "webview/ready") {
          window.__readyAt = performance.now();
          post(fx.snapshot);
          return;
        }
        if (msg.type !== "webview/request") return;
        var p = msg.params || {};
        switch (msg.method) {
          case "span/get": return reply(msg.id, fx.spans ? (fx.spans[p.spanId] || null) : synth(p.spanId));
          case "trace/search": return reply(msg.id, { spanIds: search(p.text) });
          case "feedback/log": return reply(msg.id, assessment("feedback", p.name || "user_feedback", p.value, p.spanId, p.comment));
          case "expectation/set": return reply(msg.id, assessment("expectation", p.name, p.value, null, null));
          case "assessment/delete": return reply(msg.id, { ok: true });
          case "source/reveal": return reply(msg.id, { ok: false, message: "src/agent/tools.ts is not in this workspace." });
          case "trace/copyId": case "trace/compareWith": case "judge/openTrace": return reply(msg.id, { ok: true });
          case "trace/delete":
            reply(msg.id, { ok: true });
            setTimeout(function () { post({ type: "trace/snapshot", trace: null, message: "This trace was deleted.", theme: "dark" }); }, delay * 2);
            return;
          default: return reply(msg.id, null, "unknown request " + msg.method);
        }
      },
      getState: function () { return window.__state; },
      setState: function (s) { window.__state = s; }
    };
  };
})();
`;

export function harnessHtml(origin: string, fixture: string, theme: "dark" | "light", csp: boolean): string {
  const nonce = "harness" + Math.random().toString(36).slice(2);
  const policy = [`default-src 'none'`, `style-src ${origin}`, `script-src 'nonce-${nonce}'`, `img-src ${origin} data:`, `font-src ${origin}`].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
${csp ? `<meta http-equiv="Content-Security-Policy" content="${policy}">` : ""}
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/theme-${theme}.css">
<link rel="stylesheet" href="/dist/webview/panel.css">
<link rel="stylesheet" href="/dist/webview/trace.css">
<title>Trace harness</title>
</head>
<body data-panel="trace" class="vscode-${theme}">
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${nonce}" src="/fixture/${fixture}.js"></script>
<script nonce="${nonce}">${FAKE_HOST}</script>
<script nonce="${nonce}" type="module" src="/dist/webview/trace.js"></script>
</body>
</html>`;
}

// ─── server ───────────────────────────────────────────────────────────────────

export interface HarnessServer {
  origin: string;
  url(fixture: string, opts?: { theme?: "dark" | "light"; csp?: boolean; delay?: number }): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".map": "application/json", ".html": "text/html" };

export async function startHarnessServer(fixtures: Record<string, () => Fixture>): Promise<HarnessServer> {
  const cache = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (code: number, type: string, body: string | Buffer) => {
      res.writeHead(code, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store" });
      res.end(body);
    };
    if (u.pathname === "/favicon.ico") return send(204, "text/plain", "");
    if (u.pathname === "/trace.html") {
      const theme = u.searchParams.get("theme") === "light" ? "light" : "dark";
      return send(200, "text/html", harnessHtml(origin, u.searchParams.get("fixture") ?? "agent", theme, u.searchParams.get("csp") !== "0"));
    }
    const themeMatch = /^\/theme-(dark|light)\.css$/.exec(u.pathname);
    if (themeMatch) return send(200, "text/css", themeCss(themeMatch[1] as "dark" | "light"));
    const fxMatch = /^\/fixture\/(\w+)\.js$/.exec(u.pathname);
    if (fxMatch) {
      const name = fxMatch[1]!;
      const make = fixtures[name];
      if (!make) return send(404, "text/plain", "no such fixture");
      let body = cache.get(name);
      if (!body) {
        const fx = make();
        body = `window.__FIXTURE__ = ${JSON.stringify(fx)};`;
        cache.set(name, body);
      }
      return send(200, "text/javascript", body);
    }
    if (u.pathname.startsWith("/dist/webview/")) {
      const file = path.join(ROOT, "dist", "webview", path.basename(u.pathname));
      if (!fs.existsSync(file)) return send(404, "text/plain", "not built: run node scripts/build.mjs");
      return send(200, TYPES[path.extname(file)] ?? "application/octet-stream", fs.readFileSync(file));
    }
    return send(404, "text/plain", "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (fixture, opts = {}) =>
      `${origin}/trace.html?fixture=${fixture}&theme=${opts.theme ?? "dark"}&csp=${opts.csp === false ? "0" : "1"}&delay=${opts.delay ?? 30}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The judge call behind the agent fixture's `correctness` assessment (judged fixture). */
export const JUDGE_CALL = { traceId: "9f86d081884c7d659a2feaa0c55ad015", model: "gpt-4o-mini", inputTokens: 1812, outputTokens: 96, costUsd: "0.00032940" } as const;

/** The agent trace, its LLM judge assessment carrying the judge call's metadata (one with a hostile model name). */
export function judgedFixture(): Fixture {
  const fx = agentFixture();
  const t = fx.snapshot.trace!;
  const assessments = t.assessments.map((a) =>
    a.assessmentId === "a-1"
      ? {
          ...a,
          metadata: {
            "mlflow.judge.model": JUDGE_CALL.model,
            "scorelens.judge.input_tokens": String(JUDGE_CALL.inputTokens),
            "scorelens.judge.output_tokens": String(JUDGE_CALL.outputTokens),
            "scorelens.judge.cost_usd": JUDGE_CALL.costUsd,
            "scorelens.judge.attempts": "1",
            "scorelens.judge.trace_id": JUDGE_CALL.traceId,
          },
        }
      : a.assessmentId === "a-2"
        ? { ...a, source: { type: "LLM_JUDGE" as const, id: "tone" }, metadata: { "mlflow.judge.model": XSS_IMG, "scorelens.judge.attempts": "2", "scorelens.judge.trace_id": XSS_SCRIPT } }
        : a,
  );
  return { snapshot: { ...fx.snapshot, trace: { ...t, assessments } }, spans: fx.spans };
}

export const FIXTURES: Record<string, () => Fixture> = {
  agent: agentFixture,
  judged: judgedFixture,
  large: () => largeFixture(50_000),
  empty: () => {
    const fx = agentFixture();
    const t = fx.snapshot.trace!;
    return { snapshot: { ...fx.snapshot, trace: { ...t, summary: { ...t.summary, state: "IN_PROGRESS", spanCount: 0, hasRoot: false }, spans: [], assessments: [] } }, spans: {} };
  },
};

if (require.main === module) {
  void startHarnessServer(FIXTURES).then((s) => {
    console.log(`trace harness: ${s.url("agent")}\n               ${s.url("large")}\n(Ctrl+C to stop)`);
  });
}
