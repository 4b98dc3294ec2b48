/**
 * The process-wide export pipeline: whether tracing is on, and the one exporter that ended spans go to.
 * The exporter is created lazily on the first ended span, so importing the SDK costs nothing and
 * registers no process hooks until something is traced.
 */
import { log } from "../log";
import { getConfig, onConfigChange } from "./config";
import { OtlpJsonExporter } from "./exporter";
import type { LiveSpan } from "./span";

let exporter: OtlpJsonExporter | null = null;
let shutDown = false;

onConfigChange(() => {
  // configure() after shutdown() starts a fresh pipeline.
  shutDown = false;
});

/** True when new spans should be recorded: enabled by config/env and not shut down. */
export function isTracingActive(): boolean {
  return !shutDown && getConfig().enabled;
}

/** @internal The exporter, created on first use. */
export function getExporter(): OtlpJsonExporter {
  exporter ??= new OtlpJsonExporter({ getConfig });
  return exporter;
}

/**
 * @internal An in-process span processor (like OTel's `SpanProcessor`): told about every recording
 * span when it starts and when it ends, before export. `evaluate()` uses it to capture each row's
 * trace. Listeners must be fast and must not throw (errors are caught and logged).
 */
export interface SpanListener {
  onStart?(span: LiveSpan): void;
  onEnd?(span: LiveSpan): void;
}

const listeners = new Set<SpanListener>();

/** @internal Registers `listener`; returns a function that removes it. */
export function addSpanListener(listener: SpanListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function notify(span: LiveSpan, event: "onStart" | "onEnd"): void {
  for (const listener of listeners) {
    try {
      listener[event]?.(span);
    } catch (error) {
      log.warn(`span listener ${event} failed`, error);
    }
  }
}

/** @internal Called by `createSpan()` for every recording span. Never throws. */
export function notifySpanStarted(span: LiveSpan): void {
  if (span.isRecording && listeners.size > 0) notify(span, "onStart");
}

/** @internal Called by `LiveSpan.end()`. Never throws. */
export function enqueueEndedSpan(span: LiveSpan): void {
  if (span.isRecording && listeners.size > 0) notify(span, "onEnd");
  if (!span.isRecording || shutDown) return;
  try {
    getExporter().enqueue(span);
  } catch (error) {
    log.warn("could not queue span for export", error);
  }
}

/**
 * Exports every span that has ended so far and waits for the requests (with retries), at most
 * `timeoutMs` (default 30 s). Never rejects. Use it at the end of scripts, tests and serverless handlers.
 */
export async function flush(timeoutMs?: number): Promise<void> {
  if (exporter === null) return;
  await exporter.flush(timeoutMs);
}

/**
 * Flushes, then stops recording and exporting: later spans are no-ops (wrapped functions still
 * run) until `configure()` is called again. Never rejects.
 */
export async function shutdown(timeoutMs?: number): Promise<void> {
  shutDown = true;
  const current = exporter;
  exporter = null;
  if (current !== null) await current.shutdown(timeoutMs);
}
