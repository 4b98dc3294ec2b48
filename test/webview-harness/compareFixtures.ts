/**
 * Two related agent runs for the compare panel harness: B adds a retry and a web search,
 * drops the reranker, fails a tool call, is slower in retrieval and answers differently.
 * Hostile strings sit in a span name and in inputs/outputs.
 */
import type { SpanRecord, SpanType, TraceDetail, TraceState, TraceSummary } from "../../protocol/model";
import { hexId, HOSTILE } from "./tracesFixtures";

const T0 = 1_750_000_000_000n; // ms

interface SpanOpts {
  inputs?: unknown;
  outputs?: unknown;
  model?: string;
  tokens?: [number, number];
  cost?: number;
  status?: "OK" | "ERROR";
  error?: string;
}

class Builder {
  readonly spans: SpanRecord[] = [];
  private n = 0;
  constructor(
    private readonly traceId: string,
    private readonly seed: number,
  ) {}

  span(name: string, type: SpanType, parent: SpanRecord | null, startMs: number, durMs: number, o: SpanOpts = {}): SpanRecord {
    const spanId = hexId(this.seed * 1000 + this.n++, 16);
    const start = (T0 + BigInt(Math.round(startMs))) * 1_000_000n;
    const end = start + BigInt(Math.round(durMs * 1e6));
    const s: SpanRecord = {
      traceId: this.traceId,
      spanId,
      parentSpanId: parent?.spanId ?? null,
      name,
      kind: 1,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: end.toString(),
      statusCode: o.status ?? "OK",
      statusMessage: o.error ?? "",
      attributes: {},
      events: [],
      links: [],
      resource: { "service.name": "support-bot" },
      scope: { name: "harness", version: "1" },
      spanType: type,
      inputs: o.inputs ?? null,
      outputs: o.outputs ?? null,
      model: o.model ?? null,
      provider: o.model ? "openai" : null,
      usage: o.tokens ? { inputTokens: o.tokens[0], outputTokens: o.tokens[1], totalTokens: o.tokens[0] + o.tokens[1] } : null,
      cost: o.cost !== undefined ? { inputCost: null, outputCost: null, totalCost: o.cost } : null,
      error: o.error ? { type: "TimeoutError", message: o.error, stacktrace: null } : null,
      sessionId: null,
      userId: null,
      tags: {},
      metadata: {},
      conventions: ["mlflow"],
    };
    this.spans.push(s);
    return s;
  }

  detail(name: string, state: TraceState, costUsd: number | null): TraceDetail {
    const root = this.spans[0] as SpanRecord;
    const durations = this.spans.map((s) => Number((BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1_000_000n));
    let input = 0;
    let output = 0;
    for (const s of this.spans) {
      if (s.spanType === "LLM" || s.spanType === "CHAT_MODEL") {
        input += s.usage?.inputTokens ?? 0;
        output += s.usage?.outputTokens ?? 0;
      }
    }
    const startMs = Number(BigInt(root.startTimeUnixNano) / 1_000_000n);
    const summary: TraceSummary = {
      traceId: this.traceId,
      requestId: `tr-${this.traceId}`,
      name,
      state,
      startTimeMs: startMs,
      endTimeMs: startMs + (durations[0] ?? 0),
      durationMs: durations[0] ?? 0,
      spanCount: this.spans.length,
      errorCount: this.spans.filter((s) => s.statusCode === "ERROR").length,
      inputTokens: input,
      outputTokens: output,
      totalTokens: input + output,
      costUsd,
      requestPreview: JSON.stringify(root.inputs),
      responsePreview: JSON.stringify(root.outputs),
      tags: {},
      metadata: {},
      sessionId: null,
      userId: null,
      serviceName: "support-bot",
      hasRoot: true,
    };
    return { summary, spans: this.spans };
  }
}

const QUESTION = { question: "How do I reset my password if I no longer have access to my email?", user_id: "u_1842" };

function chat(system: string, user: string): unknown {
  return {
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    model: "gpt-4o",
    temperature: 0.2,
  };
}

function run(variant: "A" | "B"): TraceDetail {
  const b = variant === "A";
  const traceId = hexId(b ? 501 : 502, 32);
  const t = new Builder(traceId, b ? 1 : 2);
  const answerA =
    "To reset your password without email access:\n1. Go to Settings → Security.\n2. Choose “Verify with phone”.\n3. Enter the code we text you.\n4. Pick a new password.";
  const answerB =
    "To reset your password without email access:\n1. Go to Settings → Security.\n2. Choose “Verify with phone”.\n3. Enter the 6-digit code we text you.\n4. Pick a new password.\nIf you no longer have that phone, contact support.";
  const rootDur = b ? 4210 : 6880;
  const root = t.span("support_agent.run", "AGENT", null, 0, rootDur, { inputs: QUESTION, outputs: b ? answerA : answerB });
  t.span("classify_intent", "LLM", root, 5, 410, {
    inputs: chat("Classify the user's intent.", QUESTION.question),
    outputs: { intent: "password_reset", confidence: 0.97 },
    model: "gpt-4o-mini",
    tokens: [180, 12],
    cost: 0.00004,
  });
  const retr = t.span("retrieve_docs", "RETRIEVER", root, 420, b ? 380 : 1460, {
    inputs: { query: "reset password without email", top_k: 4 },
    outputs: b
      ? [
          { id: "kb-12", title: "Reset your password", score: 0.91 },
          { id: "kb-40", title: "Account recovery by phone", score: 0.88 },
          { id: "kb-07", title: "Change your email address", score: 0.64 },
        ]
      : [
          { id: "kb-12", title: "Reset your password", score: 0.9 },
          { id: "kb-40", title: "Account recovery by phone", score: 0.88 },
          { id: "kb-93", title: "Contact support", score: 0.71 },
        ],
  });
  t.span("embed_query", "EMBEDDING", retr, 425, 60, { inputs: "reset password without email", model: "text-embedding-3-small", tokens: [6, 0] });
  if (b) t.span("rerank", "RERANKER", root, 810, 140, { inputs: { n: 3 }, outputs: ["kb-12", "kb-40", "kb-07"] });
  const plan = t.span("plan", "CHAIN", root, b ? 960 : 1900, b ? 3100 : 4800, { inputs: { intent: "password_reset" } });
  let at = b ? 970 : 1910;
  const iterations = b ? 3 : 4;
  for (let i = 0; i < iterations; i++) {
    t.span("think", "CHAT_MODEL", plan, at, 520 + i * 40, {
      inputs: chat("You are a support agent. Decide the next step.", `Step ${i + 1}`),
      outputs: { thought: i === 0 ? "Look up the account." : `Continue with step ${i + 1}.` },
      model: "gpt-4o",
      tokens: [900 + i * 120, b ? 60 : 75],
      cost: 0.0024,
    });
    at += 560 + i * 40;
  }
  t.span("lookup_account", "TOOL", plan, at, b ? 240 : 3000, {
    inputs: { user_id: "u_1842", fields: ["phone", "email_verified"] },
    outputs: b ? { phone: "+1 ••• ••• 0192", email_verified: false } : null,
    ...(b ? {} : { status: "ERROR" as const, error: "lookup_account timed out after 3000 ms" }),
  });
  at += b ? 250 : 3010;
  if (!b) {
    t.span("lookup_account", "TOOL", plan, at, 260, {
      inputs: { user_id: "u_1842", fields: ["phone", "email_verified"], retry: 1 },
      outputs: { phone: "+1 ••• ••• 0192", email_verified: false },
    });
    at += 270;
    t.span(HOSTILE.name, "TOOL", plan, at, 90, { inputs: { q: HOSTILE.preview }, outputs: { html: HOSTILE.name } });
    at += 100;
  }
  t.span("ChatOpenAI", "CHAT_MODEL", plan, at, b ? 1150 : 1320, {
    inputs: chat("Write the final answer for the user.", QUESTION.question),
    outputs: b ? answerA : answerB,
    model: "gpt-4o",
    tokens: [1450, b ? 86 : 121],
    cost: b ? 0.0045 : 0.0052,
  });
  t.span("guardrail.check", "GUARDRAIL", root, rootDur - 60, 40, { inputs: { text: "…" }, outputs: { allowed: true } });
  return t.detail("support_agent.run", "OK", b ? 0.0141 : 0.0176);
}

/** A synthetic big pair: `n` spans under one root each, with small differences. */
function bigRun(variant: "A" | "B", n: number): TraceDetail {
  const traceId = hexId(variant === "A" ? 701 : 702, 32);
  const t = new Builder(traceId, variant === "A" ? 3 : 4);
  const root = t.span("batch_eval.run", "CHAIN", null, 0, n * 3 + 10, { inputs: { dataset: "support-faq", items: n } });
  for (let i = 0; i < n; i++) {
    if (variant === "B" && i % 97 === 13) continue;
    const step = t.span(`item_${i % 25}`, "CHAIN", root, i * 3 + 1, 2.5);
    if (i % 5 === 0) {
      t.span("ChatOpenAI", "LLM", step, i * 3 + 1.2, variant === "B" && i % 10 === 0 ? 2.2 : 1.1, {
        inputs: { i },
        outputs: variant === "B" && i % 50 === 0 ? { answer: `changed ${i}` } : { answer: `answer ${i}` },
        tokens: [100, 20],
      });
    }
  }
  return t.detail("batch_eval.run", "OK", null);
}

export interface CompareFixture {
  panel: "compare";
  left: TraceDetail | null;
  right: TraceDetail | null;
  message: string | null;
}

export type CompareScenario = "default" | "big" | "missing";

export function compareFixture(scenario: CompareScenario): CompareFixture {
  switch (scenario) {
    case "big":
      return { panel: "compare", left: bigRun("A", 2500), right: bigRun("B", 2500), message: null };
    case "missing":
      return { panel: "compare", left: run("A"), right: null, message: "Trace tr-0c1f… was deleted." };
    default:
      return { panel: "compare", left: run("A"), right: run("B"), message: null };
  }
}
