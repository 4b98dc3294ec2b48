/**
 * Two evaluation runs of the same four scorers over ~60 support-bot traces, for the run-compare
 * panel harness. The head run has regressions (pass→fail, lower relevance, a new timeout),
 * improvements (fail→pass, a fixed error), text changes, and rows only in one run; one trace
 * name and one rationale carry hostile HTML. The snapshots are computed with the real
 * protocol/runDiff and the real aggregation (sdk/scoring/aggregate), not written by hand.
 */
import { diffRuns } from "../../protocol/runDiff";
import type { EvalRun, FeedbackResult, RunResultRow } from "../../protocol/scoring";
import type { RunCompareSnapshot } from "../../protocol/webview";
import { aggregate } from "../../sdk/scoring/aggregate";
import { hexId, HOSTILE } from "./tracesFixtures";

export type RunCompareScenario = "default" | "none" | "big" | "mismatch";

export interface RunCompareFixture {
  snapshot: RunCompareSnapshot;
  /** Snapshots the fake host posts after `runCompare/setThreshold`, by threshold. */
  byThreshold: Record<string, RunCompareSnapshot>;
  /** The snapshot posted after `runCompare/swap`. */
  swapped: RunCompareSnapshot | null;
}

const NAMES = ["support_agent.run", "rag.answer_question", "billing.refund_flow", "triage.classify", "kb.lookup", "escalation.handoff"];
const TONES = ["friendly", "neutral", "curt"];
const FILE = "/home/dev/support-bot/evals/scorers.ts";
const T0 = Date.UTC(2026, 4, 13, 9, 30, 0);

function fb(name: string, value: unknown, rationale: string | null, error?: { type: string; message: string }): FeedbackResult {
  return { name, value: error ? null : value, rationale, error: error ? { ...error, stack: null } : null, metadata: {}, source: { type: "CODE", id: name } };
}

interface Knobs {
  correct: boolean;
  relevance: number;
  polite: boolean | "error";
  tone: string;
  relevanceError?: boolean;
}

/** Deterministic pseudo-random in [0, 1). */
function rand(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

function baseKnobs(i: number): Knobs {
  return {
    correct: i % 13 === 5 ? false : rand(i, 1) > 0.25,
    relevance: Math.round((0.45 + rand(i, 2) * 0.5) * 100) / 100,
    polite: rand(i, 3) > 0.1,
    tone: TONES[Math.floor(rand(i, 4) * 2)] as string,
    relevanceError: i === 7,
  };
}

/** What changed in the head run (a prompt change that helps some answers and hurts others). */
function headKnobs(i: number, k: Knobs): Knobs {
  const h = { ...k, relevanceError: false };
  if (i % 11 === 3 || i % 8 === 1) h.correct = false;
  if (i % 13 === 5) h.correct = true;
  if (i % 9 === 4) h.relevance = Math.max(0, Math.round((k.relevance - 0.3) * 100) / 100);
  if (i % 17 === 6) h.relevance = Math.min(1, Math.round((k.relevance + 0.25) * 100) / 100);
  if (i % 10 === 8) h.relevance = Math.round((k.relevance + 0.04) * 100) / 100; // within the threshold
  if (i === 12) h.polite = "error";
  if (i % 14 === 2) h.tone = "curt";
  return h;
}

function feedbacks(i: number, k: Knobs, head: boolean): FeedbackResult[] {
  const hostile = i === 3 && head;
  return [
    fb(
      "correctness",
      k.correct ? "yes" : "no",
      hostile
        ? `The answer quotes the page verbatim: ${HOSTILE.preview}`
        : k.correct
          ? "The answer matches the expected resolution and cites the refund policy."
          : "The answer promises a refund window of 60 days; the policy says 30 days.",
    ),
    k.relevanceError
      ? fb("relevance", null, null, { type: "RateLimitError", message: "429 Too Many Requests from the embedding API" })
      : fb("relevance", k.relevance, `Cosine similarity of the answer to the question: ${k.relevance.toFixed(2)}.`),
    k.polite === "error" ? fb("polite", null, null, { type: "TimeoutError", message: "scorer took longer than 30000 ms" }) : fb("polite", k.polite, null),
    fb("tone", k.tone, `Classified as ${k.tone}.`),
  ];
}

function rowsFor(n: number, head: boolean, skip: (i: number) => boolean): RunResultRow[] {
  const out: RunResultRow[] = [];
  for (let i = 0; i < n; i++) {
    if (skip(i)) continue;
    const k = head ? headKnobs(i, baseKnobs(i)) : baseKnobs(i);
    out.push({
      traceId: hexId(5000 + i, 32),
      traceName: i === 3 ? HOSTILE.name : (NAMES[i % NAMES.length] as string),
      traceState: "OK",
      feedbacks: feedbacks(i, k, head),
      durationMs: 12 + (i % 7),
      logs: [],
      datasetRow: null,
    });
  }
  return out;
}

function run(id: string, startedMs: number, rows: RunResultRow[], hash: string, scorers = ["correctness", "relevance", "polite", "tone"]): EvalRun {
  const all = rows.flatMap((r) => r.feedbacks);
  const aggs = [
    ...aggregate(all.filter((f) => f.name === "correctness" || f.name === "polite")),
    ...aggregate(
      all.filter((f) => f.name === "relevance"),
      ["mean", "p90", "variance"],
    ),
  ];
  return {
    runId: id,
    scorers: scorers.map((name) => ({ name, file: FILE, sourceHash: name === "correctness" ? hash : "5f1c" })),
    selection: { kind: "lastN", n: 100 },
    selectionLabel: "last 100 traces",
    status: "completed",
    startedMs,
    durationMs: 4_210 + rows.length * 3,
    traceCount: rows.length,
    scoredCount: rows.length,
    errorCount: all.filter((f) => f.error).length,
    aggregates: aggs,
    message: null,
  };
}

function snap(base: { run: EvalRun; rows: RunResultRow[] }, head: { run: EvalRun; rows: RunResultRow[] }, threshold: number): RunCompareSnapshot {
  return { type: "runCompare/snapshot", diff: diffRuns(base, head, { threshold }), message: null, headRunId: head.run.runId, baseRunId: base.run.runId, theme: "dark" };
}

export function runCompareFixture(scenario: RunCompareScenario): RunCompareFixture {
  const n = scenario === "big" ? 3000 : 60;
  const baseRows = rowsFor(n, false, (i) => i === 58 || i === 59);
  const headRows = rowsFor(n + 3, true, (i) => i === 20 || i === 41);
  const base = { run: run("run-mbase01-7a1c2e3f", T0, baseRows, "a91f"), rows: baseRows };
  const head = { run: run("run-mhead02-0b9d4c11", T0 + 86_400_000 + 3_600_000, headRows, "c02e", scenario === "mismatch" ? ["correctness", "relevance", "polite", "tone", "groundedness"] : undefined), rows: headRows };
  if (scenario === "none") {
    return {
      snapshot: {
        type: "runCompare/snapshot",
        diff: null,
        message: "There is no earlier completed run of correctness, relevance, polite, tone to compare with. Pick a base run.",
        headRunId: head.run.runId,
        baseRunId: null,
        theme: "dark",
      },
      byThreshold: {},
      swapped: null,
    };
  }
  return {
    snapshot: snap(base, head, 0.1),
    byThreshold: { "0.1": snap(base, head, 0.1), "0.5": snap(base, head, 0.5), "0": snap(base, head, 0) },
    swapped: snap(head, base, 0.1),
  };
}
