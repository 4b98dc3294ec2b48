/**
 * The errors the scorer worker pool records when a scorer never ran or its worker died: error
 * Feedbacks for one trace, and the messages that say why (timeout, memory limit, process.exit,
 * a crash), for a call and for loading a file.
 */
import path from "node:path";
import type { FeedbackError, FeedbackResult, TraceScore } from "../../../protocol/scoring";
import { traceLabel, type LoadFailure } from "./workerProtocol";

/** Why a worker was stopped on purpose (null: it died on its own). */
export type KillReason = "timeout" | "loadTimeout" | "cancel" | "idle" | "dispose";

/** What is known about a worker that died. */
export interface Death {
  reason: KillReason | null;
  code: number;
  lastError: (Error & { code?: string }) | null;
}

export function errorScore(scorerName: string, traceId: string, error: FeedbackError, durationMs = 0): TraceScore {
  const feedback: FeedbackResult = {
    name: scorerName,
    value: null,
    rationale: null,
    error,
    metadata: {},
    source: { type: "CODE", id: scorerName },
  };
  return { traceId, feedbacks: [feedback], durationMs, logs: [] };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why a call on a trace ended with its worker. */
export function callDeath(scorerName: string, traceId: string, death: Death, limits: { timeoutMs: number; maxOldGenerationSizeMb: number }): FeedbackError {
  const who = `scorer "${scorerName}"`;
  const on = `on trace ${traceLabel(traceId)}`;
  if (death.reason === "timeout") return { type: "TimeoutError", message: `${who} took longer than ${limits.timeoutMs} ms ${on}; it was stopped`, stack: null };
  if (death.lastError?.code === "ERR_WORKER_OUT_OF_MEMORY") {
    return { type: "ResourceLimitError", message: `${who} exceeded the ${limits.maxOldGenerationSizeMb} MB memory limit ${on}; it was stopped`, stack: null };
  }
  if (death.lastError) return { type: "WorkerCrashError", message: `${who} crashed its worker ${on}: ${death.lastError.message}`, stack: death.lastError.stack ?? null };
  return { type: "ProcessExitError", message: `${who} called process.exit(${death.code}) ${on}; its worker was replaced`, stack: null };
}

/** Why loading a scorer file ended with its worker. */
export function loadDeath(file: string, death: Death, limits: { loadTimeoutMs: number; maxOldGenerationSizeMb: number }): LoadFailure {
  const what = `loading ${path.basename(file)}`;
  const base = { stack: null, file, line: null, column: null };
  if (death.reason === "loadTimeout") return { ...base, type: "TimeoutError", message: `${what} took longer than ${limits.loadTimeoutMs} ms; it was stopped` };
  if (death.lastError?.code === "ERR_WORKER_OUT_OF_MEMORY") {
    return { ...base, type: "ResourceLimitError", message: `${what} exceeded the ${limits.maxOldGenerationSizeMb} MB memory limit; it was stopped` };
  }
  if (death.lastError) return { ...base, type: "WorkerCrashError", message: `${what} crashed its worker: ${death.lastError.message}`, stack: death.lastError.stack ?? null };
  return { ...base, type: "ProcessExitError", message: `${what} called process.exit(${death.code})` };
}

/** The file has no such scorer. */
export function scorerNotFound(file: string, scorerName: string, exported: ReadonlyArray<{ name: string; exportName: string }>): LoadFailure {
  const names = exported.map((s) => (s.name === s.exportName ? s.name : `${s.name} (export ${s.exportName})`));
  return {
    type: "ScorerNotFoundError",
    message: `${path.basename(file)} has no exported scorer named "${scorerName}"${names.length > 0 ? ` (exported scorers: ${names.join(", ")})` : " (it exports no scorers)"}`,
    stack: null,
    file,
    line: null,
    column: null,
  };
}
