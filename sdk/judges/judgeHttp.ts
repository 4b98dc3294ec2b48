/**
 * One POST of a judge's model call, shared by the model providers (provider.ts for
 * OpenAI-compatible endpoints, vscodeProvider.ts for the editor's bridge): it holds a slot of the
 * process-wide concurrency cap (limiter.ts), applies the timeout, and returns what came back
 * (status, body, Retry-After) or why nothing did (a JudgeTimeoutError, or the network error).
 * Each provider decides what is retryable and how to word the failure.
 */
import { parseRetryAfter } from "../tracing/exporter";
import { JudgeTimeoutError } from "./errors";
import { acquireJudgeSlot } from "./limiter";

export interface JudgePostResult {
  /** null when no response came (timeout, network error). */
  status: number | null;
  body: string;
  retryAfterMs: number | null;
  /** Network error or timeout (status null). */
  error: Error | null;
}

export async function postJudgeRequest(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<JudgePostResult> {
  const release = await acquireJudgeSlot();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetch(url, { method: "POST", headers, body, signal: controller.signal });
    const text = await response.text();
    return { status: response.status, body: text, retryAfterMs: parseRetryAfter(response.headers.get("retry-after") ?? undefined), error: null };
  } catch (error) {
    if (timedOut) return { status: null, body: "", retryAfterMs: null, error: new JudgeTimeoutError(`no answer within ${timeoutMs} ms`, null, 0) };
    const message = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);
    return { status: null, body: "", retryAfterMs: null, error: new Error(message) };
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** Exponential backoff with full jitter in its upper half: attempt 1 waits base/2…base, doubling, capped at `maxMs`. */
export function judgeBackoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
