/**
 * Realistic GenAI traces for the ingest benchmarks, encoded as OTLP/HTTP protobuf request bodies
 * with protobufjs and the schema in server/wire/otlpSchema.ts.
 *
 * One trace is an agent run of 10 spans: an AGENT root (OpenInference), two RETRIEVER spans,
 * three LLM calls (two in the OTel GenAI convention, one in OpenInference's flattened-message
 * style, all with token counts), three TOOL calls (GenAI execute_tool) and a CHAIN. Attribute
 * payloads are ~300–600 bytes per span, as instrumented apps send them. Every span also carries
 * `evaluation.id` / `test.case.id`, the two attributes promptfoo's receiver needs to keep a span
 * (see bench/ingestPromptfoo.ts), so every receiver gets byte-identical bodies.
 *
 * Deterministic: the same seed gives the same bodies (ids included).
 */
import { OTLP_TYPE_NAMES, otlpType } from "../../server/wire/otlpSchema";

interface AnyValueMsg {
  stringValue?: string;
  intValue?: number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: AnyValueMsg[] };
}

interface KeyValueMsg {
  key: string;
  value: AnyValueMsg;
}

/** A fixed64 for protobufjs' writer without a Long library. */
interface LongBitsLike {
  low: number;
  high: number;
  unsigned: boolean;
}

interface EventMsg {
  timeUnixNano: LongBitsLike;
  name: string;
  attributes: KeyValueMsg[];
}

export interface SpanMsg {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: LongBitsLike;
  endTimeUnixNano: LongBitsLike;
  attributes: KeyValueMsg[];
  events: EventMsg[];
  status: { code: number; message?: string };
}

export interface EncodedRequest {
  body: Buffer;
  spanCount: number;
}

export interface RequestSet {
  requests: EncodedRequest[];
  totalSpans: number;
  totalTraces: number;
  totalBytes: number;
  /** Mean protobuf bytes per span (whole request / spans). */
  bytesPerSpan: number;
  /** Mean bytes of attribute keys + string values per span (a rough "attribute payload"). */
  attrBytesPerSpan: number;
  encodeMs: number;
}

export const SPANS_PER_TRACE = 10;
export const EVAL_ID = "eval-bench-0001";

/** xoshiro128** PRNG seeded by splitmix32: fast, deterministic, long period. */
class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (j * 8)) & 0xff;
    }
    if (out.every((b) => b === 0)) out[0] = 1;
    return out;
  }
}

const QUESTIONS = [
  "How do I rotate the API key for the billing service without downtime?",
  "Summarize the refund policy for annual plans purchased through a reseller.",
  "Why did my nightly export job fail with a timeout after the last deploy?",
  "What is the difference between the Pro and Team plans for SSO and audit logs?",
  "Can I move a workspace between regions, and what happens to existing webhooks?",
  "Which Python versions does the SDK support and how do I pin it in poetry?",
];
const ANSWERS = [
  "Create a second key, deploy it to all consumers, verify traffic on the new key in the dashboard, then revoke the old key. Both keys are valid during the overlap.",
  "Annual plans bought through a reseller are refunded by the reseller. Within 30 days the full amount is returned; after that, unused months are credited to the account.",
  "The export now runs against the read replica, which has a 60 s statement timeout. Split the export by date range or raise the timeout in the job settings.",
  "Both plans include SSO. Audit logs with 1-year retention and SCIM provisioning are Team-only; Pro keeps 30 days of audit history.",
];
const DOCS = [
  "Keys can be rotated at any time from Settings → API keys. Old keys stay valid until revoked.",
  "Refunds for reseller purchases are handled by the reseller under the partner agreement, section 4.2.",
  "Export jobs run on replicas since v2.14; long-running statements are cancelled after 60 seconds.",
  "SSO (SAML, OIDC) is available on Pro and Team. SCIM provisioning requires the Team plan.",
  "Workspaces cannot change region; create a new workspace and re-register webhooks there.",
  "The SDK supports Python 3.9–3.13. Pin with `poetry add sdk@^4.2` to stay on the 4.x line.",
];
const TOOLS = [
  { name: "search_tickets", args: '{"query":"export timeout","status":"open","limit":5}', result: '{"count":3,"ids":[48213,48217,48302]}' },
  { name: "get_account", args: '{"account_id":"acct_7Q2M9","fields":["plan","region","seats"]}', result: '{"plan":"team","region":"eu-west-1","seats":42}' },
  { name: "lookup_invoice", args: '{"invoice":"INV-2291-0044","include_lines":true}', result: '{"total":1188.0,"currency":"USD","status":"paid"}' },
  { name: "run_sql", args: '{"sql":"select count(*) from jobs where state = \'failed\' and day = current_date"}', result: '{"rows":[[17]]}' },
];
const MODELS = ["gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14", "claude-sonnet-4-20250514", "gemini-2.0-flash"];
const USERS = ["u-1041", "u-2290", "u-3318", "u-7702", "u-9001"];

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const s = (v: string): AnyValueMsg => ({ stringValue: v });
const i = (v: number): AnyValueMsg => ({ intValue: v });
const d = (v: number): AnyValueMsg => ({ doubleValue: v });
const kv = (key: string, value: AnyValueMsg): KeyValueMsg => ({ key, value });

function nsBits(ns: bigint): LongBitsLike {
  return { low: Number(ns & 0xffffffffn), high: Number((ns >> 32n) & 0xffffffffn), unsigned: true };
}

/**
 * Generates the spans of trace number `n` (0-based), starting at `startMs`. The first span is the root.
 */
export function generateTrace(rng: Rng, n: number, startMs: number): SpanMsg[] {
  const traceId = rng.bytes(16);
  const t0 = BigInt(startMs) * 1_000_000n + BigInt(rng.int(1_000_000));
  const ms = (x: number) => t0 + BigInt(Math.round(x * 1_000_000));
  const question = rng.pick(QUESTIONS);
  const answer = rng.pick(ANSWERS);
  const session = `sess-${(n >> 3).toString(36)}`;
  const user = rng.pick(USERS);
  const common = [kv("evaluation.id", s(EVAL_ID)), kv("test.case.id", s(`tc-${n}`))];
  const spans: SpanMsg[] = [];
  const failed = rng.int(100) === 0;
  const add = (
    parent: SpanMsg | null,
    name: string,
    kind: number,
    startOff: number,
    durMs: number,
    attrs: KeyValueMsg[],
    status: SpanMsg["status"] = { code: 0 },
    events: EventMsg[] = [],
  ): SpanMsg => {
    const span: SpanMsg = {
      traceId,
      spanId: rng.bytes(8),
      name,
      kind,
      startTimeUnixNano: nsBits(ms(startOff)),
      endTimeUnixNano: nsBits(ms(startOff + durMs)),
      attributes: [...attrs, ...common],
      events,
      status,
    };
    if (parent) span.parentSpanId = parent.spanId;
    spans.push(span);
    return span;
  };

  const total = 2400 + rng.int(2000);
  const root = add(
    null,
    "support_agent.run",
    1,
    0,
    total,
    [
      kv("openinference.span.kind", s("AGENT")),
      kv("input.value", s(JSON.stringify({ question, channel: "chat" }))),
      kv("input.mime_type", s("application/json")),
      kv("output.value", s(failed ? "" : answer)),
      kv("session.id", s(session)),
      kv("user.id", s(user)),
      kv("metadata", s(JSON.stringify({ app_version: "3.8.1", locale: "en-US" }))),
      kv("tag.tags", { arrayValue: { values: [s("support"), s("prod")] } }),
    ],
    failed ? { code: 2, message: "tool get_account failed: upstream 502" } : { code: 1 },
  );

  const retrieve = (parent: SpanMsg, off: number, label: string) => {
    const docs = [rng.pick(DOCS), rng.pick(DOCS), rng.pick(DOCS)];
    const attrs: KeyValueMsg[] = [kv("openinference.span.kind", s("RETRIEVER")), kv("input.value", s(question))];
    docs.forEach((doc, k) => {
      attrs.push(kv(`retrieval.documents.${k}.document.id`, s(`kb-${rng.int(5000)}`)));
      attrs.push(kv(`retrieval.documents.${k}.document.score`, d(0.9 - k * 0.07 + rng.int(50) / 1000)));
      attrs.push(kv(`retrieval.documents.${k}.document.content`, s(doc)));
    });
    return add(parent, label, 1, off, 40 + rng.int(80), attrs);
  };

  const llmGenai = (parent: SpanMsg, off: number, system: string, user: string, out: string) => {
    const model = rng.pick(MODELS);
    const inTok = 300 + rng.int(2500);
    const outTok = 20 + rng.int(400);
    return add(parent, `chat ${model}`, 3, off, 400 + rng.int(900), [
      kv("gen_ai.operation.name", s("chat")),
      kv("gen_ai.system", s(model.startsWith("claude") ? "anthropic" : model.startsWith("gemini") ? "gcp.gemini" : "openai")),
      kv("gen_ai.request.model", s(model)),
      kv("gen_ai.response.model", s(model)),
      kv("gen_ai.request.temperature", d(0.2)),
      kv("gen_ai.request.max_tokens", i(1024)),
      kv("gen_ai.response.id", s(`chatcmpl-${rng.u32().toString(36)}${rng.u32().toString(36)}`)),
      kv("gen_ai.response.finish_reasons", { arrayValue: { values: [s("stop")] } }),
      kv("gen_ai.usage.input_tokens", i(inTok)),
      kv("gen_ai.usage.output_tokens", i(outTok)),
      kv(
        "gen_ai.input.messages",
        s(
          JSON.stringify([
            { role: "system", parts: [{ type: "text", content: system }] },
            { role: "user", parts: [{ type: "text", content: user }] },
          ]),
        ),
      ),
      kv("gen_ai.output.messages", s(JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: out }], finish_reason: "stop" }]))),
    ]);
  };

  const llmOpenInference = (parent: SpanMsg, off: number) => {
    const model = rng.pick(MODELS);
    const p = 500 + rng.int(3000);
    const c = 30 + rng.int(300);
    return add(parent, "ChatCompletion", 1, off, 500 + rng.int(1200), [
      kv("openinference.span.kind", s("LLM")),
      kv("llm.model_name", s(model)),
      kv("llm.provider", s("openai")),
      kv("llm.invocation_parameters", s('{"temperature":0,"max_tokens":512}')),
      kv("llm.input_messages.0.message.role", s("system")),
      kv("llm.input_messages.0.message.content", s("Answer using only the retrieved documents. Cite document ids.")),
      kv("llm.input_messages.1.message.role", s("user")),
      kv("llm.input_messages.1.message.content", s(question)),
      kv("llm.output_messages.0.message.role", s("assistant")),
      kv("llm.output_messages.0.message.content", s(answer.slice(0, 120))),
      kv("llm.token_count.prompt", i(p)),
      kv("llm.token_count.completion", i(c)),
      kv("llm.token_count.total", i(p + c)),
    ]);
  };

  const tool = (parent: SpanMsg, off: number, fail = false) => {
    const t = rng.pick(TOOLS);
    const events: EventMsg[] = fail
      ? [
          {
            timeUnixNano: nsBits(ms(off + 30)),
            name: "exception",
            attributes: [
              kv("exception.type", s("UpstreamError")),
              kv("exception.message", s("upstream 502")),
              kv("exception.stacktrace", s("UpstreamError: upstream 502\n    at callTool (agent/tools.py:88)\n    at run (agent/loop.py:41)")),
            ],
          },
        ]
      : [];
    return add(
      parent,
      `execute_tool ${t.name}`,
      1,
      off,
      20 + rng.int(300),
      [
        kv("gen_ai.operation.name", s("execute_tool")),
        kv("gen_ai.tool.name", s(t.name)),
        kv("gen_ai.tool.call.id", s(`call_${rng.u32().toString(36)}`)),
        kv("gen_ai.tool.call.arguments", s(t.args)),
        kv("gen_ai.tool.call.result", s(fail ? "" : t.result)),
      ],
      fail ? { code: 2, message: "upstream 502" } : { code: 0 },
      events,
    );
  };

  retrieve(root, 5, "vector_store.search");
  const plan = llmGenai(root, 130, "You are a support agent. Decide which tools to call.", question, "call search_tickets, then get_account");
  tool(plan, 140);
  tool(root, 700, failed);
  llmOpenInference(root, 1000);
  tool(root, 1700);
  retrieve(root, 1750, "reranker.search");
  const chain = add(root, "format_answer", 1, 1900, 400, [
    kv("openinference.span.kind", s("CHAIN")),
    kv("input.value", s(answer.slice(0, 160))),
    kv("output.value", s(answer)),
  ]);
  llmGenai(chain, 1905, "Rewrite the answer in a friendly tone. Keep every fact.", answer.slice(0, 200), answer);
  return spans;
}

export function attrBytes(span: SpanMsg): number {
  let n = 0;
  const val = (v: AnyValueMsg): number =>
    v.stringValue !== undefined ? Buffer.byteLength(v.stringValue) : v.arrayValue ? v.arrayValue.values.reduce((a, x) => a + val(x), 0) : 8;
  for (const a of span.attributes) n += a.key.length + val(a.value);
  return n;
}

const RESOURCE = {
  attributes: [
    kv("service.name", s("support-agent")),
    kv("service.version", s("3.8.1")),
    kv("deployment.environment", s("bench")),
    kv("telemetry.sdk.name", s("opentelemetry")),
    kv("telemetry.sdk.language", s("python")),
    kv("telemetry.sdk.version", s("1.33.0")),
  ],
};
const SCOPE = { name: "openinference.instrumentation.openai", version: "0.1.30" };

export function encodeRequest(spans: SpanMsg[]): Buffer {
  const type = otlpType(OTLP_TYPE_NAMES.exportRequest);
  const msg = { resourceSpans: [{ resource: RESOURCE, scopeSpans: [{ scope: SCOPE, spans }] }] };
  const bytes = type.encode(msg).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface RequestSetOptions {
  totalSpans: number;
  spansPerRequest: number;
  seed?: number;
  /** Start time of the first trace; default: now − 1 hour (inside any retention window). */
  startMs?: number;
}

/**
 * Encodes `totalSpans` spans (whole traces, rounded up) as request bodies of `spansPerRequest`
 * spans. Traces are cut across request boundaries, as a batching exporter does.
 */
export function buildRequests(opts: RequestSetOptions): RequestSet {
  const t0 = performance.now();
  const rng = new Rng(opts.seed ?? 42);
  const traces = Math.ceil(opts.totalSpans / SPANS_PER_TRACE);
  const startMs = opts.startMs ?? Date.now() - 3_600_000;
  const requests: EncodedRequest[] = [];
  let pending: SpanMsg[] = [];
  let totalSpans = 0;
  let totalBytes = 0;
  let attrSum = 0;
  let attrCount = 0;
  const flush = () => {
    const body = encodeRequest(pending);
    requests.push({ body, spanCount: pending.length });
    totalBytes += body.length;
    pending = [];
  };
  for (let n = 0; n < traces; n++) {
    for (const span of generateTrace(rng, n, startMs + n * 50)) {
      if (attrCount < 2000) {
        attrSum += attrBytes(span);
        attrCount++;
      }
      pending.push(span);
      totalSpans++;
      if (pending.length === opts.spansPerRequest) flush();
    }
  }
  if (pending.length > 0) flush();
  return {
    requests,
    totalSpans,
    totalTraces: traces,
    totalBytes,
    bytesPerSpan: totalBytes / totalSpans,
    attrBytesPerSpan: attrSum / Math.max(1, attrCount),
    encodeMs: performance.now() - t0,
  };
}

/**
 * One long agent run of `spanCount` spans (rounded up to whole 10-span steps) in a single trace:
 * the first step's root is the trace root, every later step's root hangs under it. Encoded as
 * bodies of `spansPerRequest`. Returns the trace id (hex) too.
 */
export function buildBigTrace(spanCount: number, spansPerRequest: number, startMs: number, seed = 7): { traceId: string; requests: EncodedRequest[] } {
  const rng = new Rng(seed);
  const steps = Math.ceil(spanCount / SPANS_PER_TRACE);
  let root: SpanMsg | null = null;
  const all: SpanMsg[] = [];
  for (let n = 0; n < steps; n++) {
    const spans = generateTrace(rng, n, startMs + n * 20);
    for (const sp of spans) {
      if (root) sp.traceId = root.traceId;
      if (!sp.parentSpanId && root) sp.parentSpanId = root.spanId;
    }
    root ??= spans[0] ?? null;
    all.push(...spans);
  }
  if (root) root.endTimeUnixNano = nsBits(BigInt(startMs + steps * 20 + 5000) * 1_000_000n);
  const requests: EncodedRequest[] = [];
  for (let i = 0; i < all.length; i += spansPerRequest) {
    const chunk = all.slice(i, i + spansPerRequest);
    requests.push({ body: encodeRequest(chunk), spanCount: chunk.length });
  }
  return { traceId: Buffer.from(root?.traceId ?? new Uint8Array(16)).toString("hex"), requests };
}

export { Rng };
