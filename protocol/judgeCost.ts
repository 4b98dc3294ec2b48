/**
 * LLM judge cost in the editor: the estimate shown before a run (lens, "Run on…" dialog), the
 * totals of a finished run, and what one assessment says about its judge call. Pure, shared by
 * the server, the extension, the webviews and the CLI.
 *
 * The metadata keys are the SDK's (sdk/judges/judge.ts JudgeMetadataKey; a unit test keeps them
 * equal): the webviews must not bundle the SDK.
 */
import { z } from "zod";
import { defineRequest } from "./descriptors";
import { TraceSelection, type JudgeUsage } from "./scoring";

/** The SDK's JudgeMetadataKey (sdk/judges/judge.ts), which stays zod-free; a unit test keeps the two equal. */
export const JUDGE_META = {
  MODEL: "mlflow.judge.model",
  INPUT_TOKENS: "scorelens.judge.input_tokens",
  OUTPUT_TOKENS: "scorelens.judge.output_tokens",
  COST_USD: "scorelens.judge.cost_usd",
  TRACE_ID: "scorelens.judge.trace_id",
  ATTEMPTS: "scorelens.judge.attempts",
} as const;

/** The trace tag (or metadata key) of traces ScoreLens made itself (judge calls…): not app traces. */
export const SCORELENS_SOURCE_TAG = "scorelens.source";

// ─── the estimate ─────────────────────────────────────────────────────────────

/** What running a judge over a selection will take, estimated before the run. */
export const JudgeRunEstimate = z.object({
  /** Traces (or dataset rows) the run would score. */
  traces: z.number().int().min(0),
  calls: z.number().int().min(0),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  totalTokens: z.number().int().min(0),
  /** null when the model is unknown or not in the price table. */
  costUsd: z.number().min(0).nullable(),
  /** The model the judge would call (its own literal `model`, else the configured default), when known. */
  model: z.string().nullable(),
  /** False when neither the judge nor the server configures a model: the run would fail. */
  modelSet: z.boolean(),
});
export type JudgeRunEstimate = z.infer<typeof JudgeRunEstimate>;

/**
 * client → server: estimates for running the scorer `scorerName` of `file` on each selection
 * (null for one that can't be estimated, e.g. an unknown dataset), and per trace (for choices
 * whose size the dialog doesn't know yet). `judge` is false, and the lists empty, when the scorer
 * is not one of the SDK's judges.
 */
export const EstimateJudgeRunRequest = defineRequest(
  "scorelens/estimateJudgeRun",
  "clientToServer",
  z.object({ file: z.string(), scorerName: z.string(), selections: z.array(TraceSelection).max(20) }),
  z.object({ judge: z.boolean(), estimates: z.array(JudgeRunEstimate.nullable()), perTrace: JudgeRunEstimate.nullable() }),
);

/** "850", "8.5k", "85k", "1.2M". */
export function approxCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 10_000) return `${trim((n / 1000).toFixed(1))}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${trim((n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0))}M`;
}

function trim(s: string): string {
  return s.replace(/\.0$/, "");
}

/** "$12", "$1.23", "$0.02", "$0.0013", "$0". */
export function approxUsd(usd: number): string {
  if (usd === 0) return "$0";
  if (usd >= 10) return `$${Math.round(usd)}`;
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2)).toString()}`;
}

/** "≈100 judge calls · ~85k tokens · ~$0.02" (no cost when unknown; "model not set" when the run would fail). */
export function judgeEstimateText(e: JudgeRunEstimate): string {
  if (e.calls === 0) return `no traces to judge yet${e.modelSet ? "" : " · model not set"}`;
  const parts = [`≈${approxCount(e.calls)} judge call${e.calls === 1 ? "" : "s"}`, `~${approxCount(e.totalTokens)} tokens`];
  if (!e.modelSet) parts.push("model not set");
  else if (e.costUsd !== null) parts.push(`~${approxUsd(e.costUsd)}`);
  return parts.join(" · ");
}

/** "≈1 judge call · ~850 tokens · ~$0.0002 per trace". */
export function perTraceEstimateText(e: JudgeRunEstimate): string {
  return `${judgeEstimateText(e)} per trace`;
}

// ─── what one assessment says about its judge call ────────────────────────────

export interface JudgeCall {
  /** The judge's own trace (32 hex), when it was traced. */
  traceId: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;

/** The judge call an assessment's metadata records, or null when it records none. */
export function judgeCallOf(metadata: Readonly<Record<string, string>>): JudgeCall | null {
  const rawTrace = metadata[JUDGE_META.TRACE_ID]?.trim().replace(/^tr-/, "") ?? "";
  const call: JudgeCall = {
    traceId: TRACE_ID.test(rawTrace) ? rawTrace.toLowerCase() : null,
    model: metadata[JUDGE_META.MODEL]?.trim() || null,
    inputTokens: num(metadata[JUDGE_META.INPUT_TOKENS]),
    outputTokens: num(metadata[JUDGE_META.OUTPUT_TOKENS]),
    costUsd: num(metadata[JUDGE_META.COST_USD]),
  };
  const called = call.traceId !== null || call.inputTokens !== null || call.outputTokens !== null || metadata[JUDGE_META.ATTEMPTS] !== undefined;
  return called ? call : null;
}

/** "gpt-4o-mini · 812 in / 95 out tokens · $0.00018". */
export function judgeCallText(c: JudgeCall): string {
  const parts: string[] = [];
  if (c.model) parts.push(c.model);
  if (c.inputTokens !== null || c.outputTokens !== null) parts.push(`${(c.inputTokens ?? 0).toLocaleString("en-US")} in / ${(c.outputTokens ?? 0).toLocaleString("en-US")} out tokens`);
  if (c.costUsd !== null) parts.push(`$${Number(c.costUsd.toPrecision(3)).toString()}`);
  return parts.join(" · ");
}

// ─── a run's totals ───────────────────────────────────────────────────────────

/**
 * The totals of the judge calls recorded in these Feedbacks' metadata (one call per Feedback
 * whose model answered: tokens or attempts recorded), or null when none does.
 */
export function judgeUsageOf(feedbacks: Iterable<{ metadata: Readonly<Record<string, string>> }>): JudgeUsage | null {
  let calls = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cost: number | null = null;
  const models: string[] = [];
  for (const f of feedbacks) {
    const c = judgeCallOf(f.metadata);
    // a call the model answered (tokens / attempts are recorded with the answer); a judge that
    // failed before any answer (no consent, no model configured, unreachable) used nothing
    if (c === null || (c.inputTokens === null && c.outputTokens === null && f.metadata[JUDGE_META.ATTEMPTS] === undefined)) continue;
    calls++;
    inputTokens += Math.round(c.inputTokens ?? 0);
    outputTokens += Math.round(c.outputTokens ?? 0);
    if (c.costUsd !== null) cost = (cost ?? 0) + c.costUsd;
    if (c.model !== null && !models.includes(c.model)) models.push(c.model);
  }
  return calls === 0 ? null : { calls, inputTokens, outputTokens, costUsd: cost, models };
}

/** "$0.0213" (4 decimals under $1), "$1.27". */
export function usageUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** "Judge: 100 calls · 84,210 in / 12,003 out tokens · $0.0213 · gpt-4o-mini". */
export function judgeUsageText(u: JudgeUsage): string {
  const parts = [`${u.calls.toLocaleString("en-US")} call${u.calls === 1 ? "" : "s"}`, `${u.inputTokens.toLocaleString("en-US")} in / ${u.outputTokens.toLocaleString("en-US")} out tokens`];
  if (u.costUsd !== null) parts.push(usageUsd(u.costUsd));
  if (u.models.length > 0) parts.push(u.models.join(", "));
  return `Judge: ${parts.join(" · ")}`;
}
