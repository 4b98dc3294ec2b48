/**
 * Deterministic fixture data for the Traces view harness. `startTimeMs`/`endTimeMs` hold AGES
 * (ms before "now"); the fake host in the page rebases them on the page's clock, so relative
 * ages ("3m ago") are stable whatever the real time and under Playwright's fake clock.
 */
import type { AssessmentBadge, TraceListRow, TraceState } from "../../protocol/model";

export const HOSTILE = {
  name: "<img src=x onerror=alert(1)>",
  preview: "</script><script>alert(2)</script><img src=x onerror=alert(3)>",
  badge: "<b onmouseover=alert(4)>tox</b>",
} as const;

const NAMES = [
  "support_agent.run",
  "rag.answer_question",
  "summarize_ticket",
  "ChatOpenAI",
  "classify_intent",
  "research_agent.plan_and_execute_with_tools",
  "translate",
  "extract_entities",
];

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hexId(n: number, len: number): string {
  let s = "";
  let x = n + 1;
  while (s.length < len) {
    x = (Math.imul(x, 2654435761) + 0x9e3779b9) >>> 0;
    s += x.toString(16).padStart(8, "0");
  }
  return s.slice(0, len);
}

function badgesFor(i: number, r: () => number): AssessmentBadge[] {
  const k = i % 7;
  if (k === 0 || k === 3) return [];
  if (k === 1) return [{ name: "correctness", kind: "feedback", text: "yes", pass: true, error: false }];
  if (k === 2) {
    return [
      { name: "relevance", kind: "feedback", text: "no", pass: false, error: false },
      { name: "groundedness", kind: "feedback", text: r().toFixed(2), pass: null, error: false },
    ];
  }
  if (k === 4) return [{ name: "safety", kind: "feedback", text: "error", pass: null, error: true }];
  if (k === 5) {
    return [
      { name: "correctness", kind: "feedback", text: "yes", pass: true, error: false },
      { name: "safety", kind: "feedback", text: "yes", pass: true, error: false },
      { name: "relevance", kind: "feedback", text: "no", pass: false, error: false },
      { name: "latency_ok", kind: "feedback", text: "yes", pass: true, error: false },
      { name: "expected_answer", kind: "expectation", text: "42", pass: null, error: false },
    ];
  }
  return [{ name: "score", kind: "feedback", text: "0.82", pass: null, error: false }];
}

export function traceRow(i: number, r: () => number, ageMs: number): TraceListRow {
  const traceId = hexId(i, 32);
  const state: TraceState = i === 0 ? "IN_PROGRESS" : i % 9 === 4 ? "ERROR" : "OK";
  const durationMs = i === 0 ? 3400 : Math.round(Math.exp(Math.log(120) + r() * (Math.log(45_000) - Math.log(120))));
  const inputTokens = i % 6 === 3 ? 0 : Math.round(r() * 8000);
  const outputTokens = inputTokens === 0 ? 0 : Math.round(r() * 1500);
  const total = inputTokens + outputTokens;
  const name = NAMES[i % NAMES.length] as string;
  return {
    traceId,
    requestId: `tr-${traceId}`,
    name,
    state,
    startTimeMs: ageMs,
    endTimeMs: ageMs,
    durationMs,
    spanCount: 3 + (i % 40),
    errorCount: state === "ERROR" ? 1 + (i % 3) : 0,
    inputTokens,
    outputTokens,
    totalTokens: total,
    costUsd: total === 0 ? null : Math.round(total * 0.0000025 * 1e6) / 1e6,
    requestPreview: `{"question": "How do I reset my password? (#${i})"}`,
    responsePreview: state === "ERROR" ? "" : `"You can reset it from Settings → Security. (#${i})"`,
    tags: {},
    metadata: {},
    sessionId: null,
    userId: null,
    serviceName: "support-bot",
    hasRoot: state !== "IN_PROGRESS",
    badges: badgesFor(i, r),
  };
}

/** `count` traces, newest first, one every ~40 s, with hostile content in rows 2 and 5. */
export function traceRows(count: number, seed = 7): TraceListRow[] {
  const r = rng(seed);
  const rows: TraceListRow[] = [];
  let age = 2_000;
  for (let i = 0; i < count; i++) {
    const row = traceRow(i, r, age);
    if (i === 2) {
      row.name = HOSTILE.name;
      row.requestPreview = HOSTILE.preview;
    }
    if (i === 5) {
      row.badges = [{ name: HOSTILE.badge, kind: "feedback", text: HOSTILE.preview, pass: false, error: false }, ...row.badges];
    }
    rows.push(row);
    age += 15_000 + Math.round(r() * 60_000);
  }
  return rows;
}

export interface TracesFixture {
  panel: "traces";
  rows: TraceListRow[];
  /** Traces in the store (may exceed rows: the rest are "older"). */
  total: number;
  pageSize: number;
  serverMessage: string | null;
  /** Rows the harness can push later as "new" traces (live mode). */
  incoming: TraceListRow[];
}

export type TracesScenario = "default" | "empty" | "server" | "server-rows" | "few" | "judge";

/** The judge scenario: 8 traces, the newest two an LLM judge's own calls (one with assessment badges), row 3 a ScoreLens trace whose source is hostile markup. */
export function judgeTraceRows(): TraceListRow[] {
  const rows = traceRows(8);
  for (const i of [0, 1]) {
    const row = rows[i] as TraceListRow;
    row.name = "judge:politeness";
    row.state = "OK";
    row.hasRoot = true;
    row.tags = { "scorelens.source": "judge", "scorelens.judge.name": "politeness" };
  }
  (rows[1] as TraceListRow).badges = [{ name: "correctness", kind: "feedback", text: "yes", pass: true, error: false }];
  (rows[3] as TraceListRow).metadata = { "scorelens.source": HOSTILE.badge };
  return rows;
}

export function tracesFixture(scenario: TracesScenario): TracesFixture {
  const incoming = traceRows(20, 99).map((row, i) => {
    const traceId = hexId(10_000 + i, 32);
    return { ...row, traceId, requestId: `tr-${traceId}`, name: `incoming_${i}`, state: "OK" as const, hasRoot: true, startTimeMs: 500, endTimeMs: 500 };
  });
  switch (scenario) {
    case "empty":
      return { panel: "traces", rows: [], total: 0, pageSize: 100, serverMessage: null, incoming };
    case "server":
      return { panel: "traces", rows: [], total: 0, pageSize: 100, serverMessage: "The ScoreLens server is restarting (attempt 2 of 5)…", incoming };
    case "server-rows":
      return { panel: "traces", rows: traceRows(30), total: 30, pageSize: 100, serverMessage: "Reconnecting to the ScoreLens server…", incoming };
    case "few":
      return { panel: "traces", rows: traceRows(8), total: 8, pageSize: 100, serverMessage: null, incoming };
    case "judge":
      return { panel: "traces", rows: judgeTraceRows(), total: 8, pageSize: 100, serverMessage: null, incoming };
    default:
      return { panel: "traces", rows: traceRows(1234), total: 1234, pageSize: 150, serverMessage: null, incoming };
  }
}
