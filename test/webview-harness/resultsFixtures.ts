/**
 * Deterministic evaluation runs for the results panel harness:
 * - default: 3 scorers over 100 traces — `response_length` (numeric, a few non-numeric
 *   values and TypeErrors with stacks), `mentions_keyword` (boolean) and `answer_quality`
 *   (several feedbacks: relevance yes/no, groundedness 0–1, tone text; a few calls that throw),
 *   hostile markup in a rationale, a log line and a trace name;
 * - running: the same run 37 traces in (progress), the host can push more;
 * - failed: a bundle error, no rows; null: no run; empty: a completed run with no rows;
 * - allerrors: every call failed; big: 100,000 rows (replicated in the page by the fake host);
 * - dataset: a run over dataset rows, some with a trace (one deleted), some without (NO_TRACE);
 * - partial: 3,000 rows posted as their first 1,000 (partial) until the test posts the rest;
 * - judge: an LLM judge (Guidelines) over 5 traces, each assessment with its call's model, tokens,
 *   cost and own trace (one call failed after its trace started; one model name is hostile
 *   markup), the run's judge usage totalled by the real protocol code.
 *
 * The fake host encodes the columnar table from these full rows with protocol/runTable, as the
 * server does from SQLite; a fixture may also carry a ready-made table (the benchmark's).
 */
import { judgeUsageOf } from "../../protocol/judgeCost";
import type { RunTable } from "../../protocol/runTable";
import { NO_TRACE_STATE, type AggregateMetric, type EvalRun, type FeedbackResult, type RunResultRow } from "../../protocol/scoring";
import { hexId, rng } from "./tracesFixtures";

export const HOSTILE = {
  rationale: "<img src=x onerror=alert(1)> The answer cites the <b>wrong</b> document.",
  log: "<img src=x onerror=alert(1)><script>alert(2)</script>",
  traceName: "<img src=x onerror=alert(3)>",
} as const;

const STARTED = Date.UTC(2026, 2, 4, 14, 7, 41);

const TRACE_NAMES = ["support_agent.run", "rag.answer_question", "summarize_ticket", "classify_intent", "research_agent.plan_and_execute_with_tools"];
const TONES = ["neutral", "friendly", "formal", "apologetic"];

const STACK_LEN = `TypeError: Cannot read properties of undefined (reading 'length')
    at responseLength (/work/app/scorers/quality.ts:12:31)
    at runScorer (scorelens/runtime/scorerWorker.js:88:22)
    at async Promise.all (index 0)
    at async scoreTrace (scorelens/runtime/scorerWorker.js:141:7)`;
const STACK_JUDGE = `Error: judge call failed: 429 Too Many Requests (retry after 20s)
    at callJudge (/work/app/scorers/judge.ts:41:11)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async answerQuality (/work/app/scorers/quality.ts:57:19)
    at async runScorer (scorelens/runtime/scorerWorker.js:88:16)`;

function fb(name: string, value: unknown, source: string, extra: Partial<FeedbackResult> = {}): FeedbackResult {
  return { name, value, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: source }, ...extra };
}

function err(name: string, source: string, type: string, message: string, stack: string | null): FeedbackResult {
  return fb(name, null, source, { error: { type, message, stack } });
}

/** One row of the typical run. */
function typicalRow(i: number, r: () => number): RunResultRow {
  const traceId = hexId(i, 32);
  const state = i % 13 === 7 ? "ERROR" : i === 41 ? "DELETED" : "OK";
  const feedbacks: FeedbackResult[] = [];
  const logs: string[] = [];

  // response_length: characters of the answer (integers), 3 TypeErrors, 2 non-numeric values
  if (i === 4 || i === 23 || i === 77) feedbacks.push(err("response_length", "response_length", "TypeError", "Cannot read properties of undefined (reading 'length')", STACK_LEN));
  else if (i === 15 || i === 64) feedbacks.push(fb("response_length", "n/a", "response_length", { rationale: "The trace has no outputs." }));
  else feedbacks.push(fb("response_length", Math.round(180 + 520 * r() + (i % 10 === 0 ? 600 : 0)), "response_length"));

  // mentions_keyword: boolean
  feedbacks.push(fb("mentions_keyword", r() > 0.22, "mentions_keyword", { rationale: i % 5 === 0 ? "Looked for: refund, reset, password" : null }));

  // answer_quality: three feedbacks, or one error when the judge call throws
  if (i === 9 || i === 58) {
    feedbacks.push(err("answer_quality", "answer_quality", "Error", "judge call failed: 429 Too Many Requests (retry after 20s)", STACK_JUDGE));
    logs.push("[answer_quality] calling judge model gpt-4o-mini…", "[answer_quality] attempt 1 failed: 429", "[answer_quality] giving up after 3 attempts");
  } else {
    const relevant = r() > 0.3;
    feedbacks.push(
      fb("relevance", relevant ? "yes" : "no", "answer_quality", {
        source: { type: "LLM_JUDGE", id: "answer_quality" },
        rationale: relevant
          ? "The answer addresses the user's question about resetting a password and gives the exact menu path."
          : "The answer talks about billing, but the user asked how to reset a password.\nIt never mentions the Settings page.",
        metadata: { judge_model: "gpt-4o-mini", prompt_version: "v3" },
      }),
      fb("groundedness", Math.round((0.35 + 0.65 * r() ** 0.6) * 1000) / 1000, "answer_quality", {
        source: { type: "LLM_JUDGE", id: "answer_quality" },
        rationale: "3 of 4 claims are supported by the retrieved documents.",
        metadata: { judge_model: "gpt-4o-mini" },
      }),
      fb("tone", TONES[Math.floor(r() * r() * TONES.length)] as string, "answer_quality"),
    );
    logs.push(`[answer_quality] judged trace ${traceId.slice(0, 8)} in ${Math.round(300 + r() * 900)} ms`);
  }
  if (i === 2) {
    const rel = feedbacks.find((f) => f.name === "relevance");
    if (rel) rel.rationale = HOSTILE.rationale;
    logs.push(HOSTILE.log);
  }
  return {
    traceId,
    traceName: i === 6 ? HOSTILE.traceName : (TRACE_NAMES[i % TRACE_NAMES.length] as string),
    traceState: state,
    feedbacks,
    durationMs: Math.round((2 + r() * 40 + (i === 9 || i === 58 ? 20_000 : 0)) * 10) / 10,
    logs,
    datasetRow: null,
  };
}

export function typicalRows(n: number, seed = 11): RunResultRow[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => typicalRow(i, r));
}

function agg(assessment: string, aggregation: string, value: number | null, count: number, note: string | null = null): AggregateMetric {
  return { name: `${assessment}/${aggregation}`, assessment, aggregation, value, count, note };
}

/** Aggregates as the server would compute them (mean/median/p90 of numeric values). */
function aggregatesOf(rows: RunResultRow[]): AggregateMetric[] {
  const nums = (name: string): { values: number[]; excluded: number } => {
    const values: number[] = [];
    let excluded = 0;
    for (const row of rows) {
      for (const f of row.feedbacks) {
        if (f.name !== name || f.error) continue;
        if (typeof f.value === "number") values.push(f.value);
        else if (typeof f.value === "boolean") values.push(f.value ? 1 : 0);
        else excluded++;
      }
    }
    return { values, excluded };
  };
  const mean = (v: number[]): number | null => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
  const q = (v: number[], p: number): number | null => {
    if (!v.length) return null;
    const s = [...v].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] as number;
  };
  const len = nums("response_length");
  const note = len.excluded ? `${len.excluded} non-numeric values excluded` : null;
  const kw = nums("mentions_keyword");
  const gr = nums("groundedness");
  return [
    agg("response_length", "mean", mean(len.values), len.values.length, note),
    agg("response_length", "median", q(len.values, 0.5), len.values.length, note),
    agg("response_length", "p90", q(len.values, 0.9), len.values.length, note),
    agg("mentions_keyword", "mean", mean(kw.values), kw.values.length),
    agg("groundedness", "mean", mean(gr.values), gr.values.length),
    agg("groundedness", "min", gr.values.length ? Math.min(...gr.values) : null, gr.values.length),
  ];
}

const SCORERS = [
  { name: "response_length", file: "/work/app/scorers/quality.ts", sourceHash: "a1b2c3" },
  { name: "mentions_keyword", file: "/work/app/scorers/quality.ts", sourceHash: "a1b2c3" },
  { name: "answer_quality", file: "/work/app/scorers/quality.ts", sourceHash: "a1b2c3" },
];

function run(rows: RunResultRow[], over: Partial<EvalRun>): EvalRun {
  const errorCount = rows.reduce((n, r) => n + r.feedbacks.filter((f) => f.error).length, 0);
  return {
    runId: "run-m1x2y3-abcd1234",
    scorers: SCORERS,
    selection: { kind: "lastN", n: 100 },
    selectionLabel: "last 100 traces",
    status: "completed",
    startedMs: STARTED,
    durationMs: 8_420,
    traceCount: 100,
    scoredCount: rows.length,
    errorCount,
    aggregates: aggregatesOf(rows),
    message: null,
    ...over,
  };
}

/** The trace of judge call `i` of the judge scenario. */
export const judgeTraceId = (i: number): string => hexId(900 + i, 32);

/** The judge scenario's rows: politeness (Guidelines) on 5 traces; row 3's call failed (HTTP 500 after 4 attempts). */
export function judgeRows(): RunResultRow[] {
  return Array.from({ length: 5 }, (_, i) => {
    const metadata: Record<string, string> = {
      "mlflow.judge.model": i === 4 ? HOSTILE.traceName : "gpt-4o-mini",
      "scorelens.judge.trace_id": judgeTraceId(i),
      "scorelens.judge.attempts": i === 3 ? "4" : "1",
    };
    if (i !== 3) {
      metadata["scorelens.judge.input_tokens"] = String(800 + i * 10);
      metadata["scorelens.judge.output_tokens"] = String(90 + i);
      metadata["scorelens.judge.cost_usd"] = (((800 + i * 10) * 0.15 + (90 + i) * 0.6) / 1e6).toFixed(8);
    }
    const feedback: FeedbackResult =
      i === 3
        ? fb("politeness", null, "politeness", { source: { type: "LLM_JUDGE", id: "politeness" }, error: { type: "JudgeModelError", message: "HTTP 500 after 4 attempts", stack: null }, metadata })
        : fb("politeness", i === 2 ? "no" : "yes", "politeness", { source: { type: "LLM_JUDGE", id: "politeness" }, rationale: i === 2 ? "The answer is curt." : "The answer is courteous.", metadata });
    return { traceId: hexId(i, 32), traceName: "support_agent.run", traceState: "OK", feedbacks: [feedback], durationMs: 900 + i, logs: [], datasetRow: null };
  });
}

export interface ResultsFixture {
  panel: "results";
  run: EvalRun | null;
  rows: RunResultRow[];
  progress: { done: number; total: number } | null;
  message: string | null;
  /** Rows the host adds (a running run); finished with `finish`. */
  pending: RunResultRow[];
  /** Replicate `rows` to this many in the page (the 100,000-row run). */
  replicateTo: number | null;
  /** A table to send as it is (else the fake host encodes `rows`). */
  table?: RunTable;
  /** Post the first this many rows first (partial), then the whole table, like the extension. */
  firstRows?: number;
  /** The first rows' table to post first (else encoded from `rows` when `firstRows` is set). */
  head?: RunTable;
  /** Post the whole table only when the test calls __harness.full(). */
  holdFull?: boolean;
  /** The previous run of the same scorers, and the change from it. */
  previous?: { runId: string; startedMs: number; delta: string | null };
}

export type ResultsScenario = "default" | "running" | "failed" | "null" | "empty" | "allerrors" | "big" | "dataset" | "partial" | "judge";

/** A dataset run: rows 0–5 scored their row's trace (row 3's trace was deleted), rows 6–9 had no trace. */
export function datasetRows(): RunResultRow[] {
  return typicalRows(10, 5).map((row, i) => {
    if (i === 3) return { ...row, traceName: "(deleted trace)", traceState: "DELETED", datasetRow: i };
    if (i < 6) return { ...row, datasetRow: i };
    return { ...row, traceId: `row-${i}`, traceName: `dataset row ${i}`, traceState: NO_TRACE_STATE, datasetRow: i };
  });
}

const BUNDLE_ERROR = `Could not bundle /work/app/scorers/quality.ts:

✘ [ERROR] Expected ";" but found "response"

    scorers/quality.ts:14:8:
      14 │   const response = outputs?.text
         │         ~~~~~~~~
         ╵         ;

1 error`;

export function resultsFixture(scenario: ResultsScenario): ResultsFixture {
  const base: ResultsFixture = { panel: "results", run: null, rows: [], progress: null, message: null, pending: [], replicateTo: null };
  switch (scenario) {
    case "running": {
      const all = typicalRows(100);
      const rows = all.slice(0, 37);
      return {
        ...base,
        rows,
        pending: all.slice(37),
        progress: { done: 37, total: 100 },
        run: run(rows, { status: "running", durationMs: null, startedMs: Date.now() - 12_000, aggregates: [] }),
      };
    }
    case "failed":
      return { ...base, run: run([], { status: "failed", durationMs: 240, traceCount: 0, scoredCount: 0, errorCount: 0, aggregates: [], message: BUNDLE_ERROR }) };
    case "null":
      return { ...base, message: "Run run-m1x2y3-abcd1234 is not in the store (it may have been deleted)." };
    case "empty":
      return {
        ...base,
        run: run([], {
          selection: { kind: "filter", filter: "trace.status = 'ERROR'", limit: 100 },
          selectionLabel: "filter: trace.status = 'ERROR'",
          traceCount: 0,
          scoredCount: 0,
          durationMs: 35,
          aggregates: [],
        }),
      };
    case "allerrors": {
      const rows = typicalRows(20).map((row) => ({
        ...row,
        feedbacks: [err("response_length", "response_length", "ReferenceError", "fetch is not defined", "ReferenceError: fetch is not defined\n    at responseLength (/work/app/scorers/quality.ts:9:3)")],
        logs: [],
      }));
      return {
        ...base,
        rows,
        run: run(rows, {
          scorers: [SCORERS[0] as EvalRun["scorers"][number]],
          selection: { kind: "lastN", n: 20 },
          selectionLabel: "last 20 traces",
          traceCount: 20,
          aggregates: [agg("response_length", "mean", null, 0, "no numeric values")],
        }),
      };
    }
    case "big": {
      const rows = typicalRows(100);
      return {
        ...base,
        rows,
        replicateTo: 100_000,
        firstRows: 1000,
        run: run(rows, { selection: { kind: "lastN", n: 100_000 }, selectionLabel: "last 100,000 traces", traceCount: 100_000, scoredCount: 100_000, errorCount: 5_000, durationMs: 412_000 }),
      };
    }
    case "partial": {
      const rows = typicalRows(3000);
      return {
        ...base,
        rows,
        firstRows: 1000,
        holdFull: true,
        run: run(rows, { selection: { kind: "lastN", n: 3000 }, selectionLabel: "last 3,000 traces", traceCount: 3000 }),
      };
    }
    case "dataset": {
      const rows = datasetRows();
      return {
        ...base,
        rows,
        run: run(rows, { selection: { kind: "dataset", name: "support-eval" }, selectionLabel: "dataset support-eval", traceCount: 10 }),
      };
    }
    case "judge": {
      const rows = judgeRows();
      const judgeUsage = judgeUsageOf(rows.flatMap((r) => r.feedbacks));
      return {
        ...base,
        rows,
        run: run(rows, {
          scorers: [{ name: "polite", file: "/work/app/scorers/judges.ts", sourceHash: "j1" }],
          selection: { kind: "lastN", n: 5 },
          selectionLabel: "last 5 traces",
          traceCount: 5,
          aggregates: [agg("politeness", "mean", 0.75, 4, "1 error excluded")],
          ...(judgeUsage ? { judgeUsage } : {}),
        }),
      };
    }
    default: {
      const rows = typicalRows(100);
      return { ...base, rows, run: run(rows, {}), previous: { runId: "run-previous-1", startedMs: Date.UTC(2026, 10, 23, 9, 30), delta: "Δ mean −4.2 · errors +2" } };
    }
  }
}
