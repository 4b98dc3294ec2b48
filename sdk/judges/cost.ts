/**
 * `estimateJudgeCost`: what running a judge over `traces` traces will take, before running it.
 *
 * Heuristic (documented in docs/judges.md):
 * - calls = traces × the judge's calls per trace (1 for every judge in the SDK);
 * - input tokens per call ≈ (the judge's fixed prompt characters + `avgInputChars`) / 4,
 *   where `avgInputChars` is the typical size of what goes into the prompt from one trace
 *   (request + response + expectations / documents / trace JSON; default 2 000 characters);
 * - output tokens per call: the judge's typical answer (150 tokens for yes/no judges, 250 for
 *   RetrievalRelevance), or `avgOutputTokens`;
 * - cost: from the price table (prices.ts) when the model is listed, else null.
 * Four characters per token is the usual rule of thumb for English text with GPT-style tokenizers;
 * code, JSON and non-Latin scripts take more tokens per character.
 */
import type { JudgeCostProfile, LlmJudge } from "./judge";
import { costFor } from "./prices";

export const CHARS_PER_TOKEN = 4;
export const DEFAULT_AVG_INPUT_CHARS = 2_000;

export interface EstimateJudgeCostOptions {
  /** How many traces (or dataset rows) the judge will score. */
  traces: number;
  /** Typical characters per trace that end up in the prompt. Default 2 000. */
  avgInputChars?: number;
  /** Typical answer length in tokens. Default: the judge's own estimate. */
  avgOutputTokens?: number;
}

export interface JudgeCostEstimate {
  judge: string;
  /** The model the judge would call now, or null when none is configured. */
  model: string | null;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** USD, or null when the model is not in the price table (or unknown). */
  costUsd: number | null;
}

function count(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`estimateJudgeCost: ${what} must be a non-negative number, got ${String(value)}`);
  return value;
}

export interface ProfileEstimateOptions {
  /** How many traces (or dataset rows). */
  traces: number;
  /** Typical characters per trace that end up in the prompt. Default 2 000. */
  avgInputChars?: number;
  /** Typical answer length in tokens. Default: the profile's. */
  avgOutputTokens?: number;
}

/** What {@link estimateFromProfile} returns: {@link JudgeCostEstimate} without the judge's name. */
export type ProfileEstimate = Omit<JudgeCostEstimate, "judge">;

/**
 * Approximate calls, tokens and cost of `options.traces` traces judged by a judge with this
 * profile calling `model` (null: none configured, so no cost). Pure: the editor uses it with the
 * profile table (judgeProfiles.ts) and the stored traces' sizes, without a judge object.
 */
export function estimateFromProfile(profile: JudgeCostProfile, model: string | null, options: ProfileEstimateOptions): ProfileEstimate {
  const traces = Math.floor(count(options.traces, 0, "traces"));
  const avgInputChars = count(options.avgInputChars, DEFAULT_AVG_INPUT_CHARS, "avgInputChars");
  const outputPerCall = count(options.avgOutputTokens, profile.outputTokensPerCall, "avgOutputTokens");
  const calls = traces * profile.callsPerTrace;
  const inputTokens = calls * Math.ceil((profile.promptChars + avgInputChars) / CHARS_PER_TOKEN);
  const outputTokens = Math.round(calls * outputPerCall);
  const cost = model === null ? null : costFor(model, inputTokens, outputTokens);
  return { model, calls, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, costUsd: cost === null ? null : cost.totalCost };
}

/** Approximate calls, tokens and cost of running `judge` over `options.traces` traces. */
export function estimateJudgeCost(judge: LlmJudge, options: EstimateJudgeCostOptions): JudgeCostEstimate {
  return { judge: judge.name, ...estimateFromProfile(judge.costProfile(), judge.modelName, options) };
}
