/** Number, time and size formatting for the trace panel (locale-independent where it matters). */
import type { SpanType } from "../../protocol/model";

/** "850 µs", "12.3 ms", "1.24 s", "2m 05s", "1h 02m". */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms === 0) return "0 ms";
  if (ms < 1) return `${Math.max(1, Math.round(ms * 1000))} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(2)} s`;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  const hr = Math.floor(m / 60);
  return `${hr}h ${String(m % 60).padStart(2, "0")}m`;
}

/**
 * Axis labels, one unit per axis (chosen from the axis length): "250µs", "40ms", "1.5s", "2m",
 * "1m30s", "2h".
 */
export function fmtTick(ms: number, stepMs: number, totalMs = ms): string {
  if (ms === 0) return "0";
  const decimals = (unit: number) => Math.min(3, Math.max(0, Math.ceil(-Math.log10(stepMs / unit) - 1e-9)));
  if (totalMs < 1) return `${+(ms * 1000).toFixed(decimals(0.001))}µs`;
  if (totalMs < 1000) return `${+ms.toFixed(decimals(1))}ms`;
  if (totalMs < 60_000 || stepMs < 1000) return `${+(ms / 1000).toFixed(decimals(1000))}s`;
  if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000);
    const sec = Math.round((ms % 60_000) / 1000);
    return sec === 0 ? `${m}m` : `${m}m${String(sec).padStart(2, "0")}s`;
  }
  const hr = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m === 0 ? `${hr}h` : `${hr}h${String(m).padStart(2, "0")}m`;
}

/** "950", "12.3k", "1.2M" */
export function fmtCompact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${+(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${+(n / 1_000_000).toFixed(1)}M`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** "$0.0123", "$1.23", "<$0.0001" */
export function fmtCost(usd: number): string {
  if (usd === 0) return "$0";
  if (usd < 0.0001) return "<$0.0001";
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** Local date and time with milliseconds: "2026-05-14 09:41:07.123". */
export function fmtDateTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "—";
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** "3 minutes ago" style, for the header. */
export function fmtAgo(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return "just now";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Nanosecond decimal string → ms since epoch (precision is fine for display). */
export function nanoToMs(ns: string): number {
  return Number(ns) / 1e6;
}

/** A short label and CSS class per span type. */
export const TYPE_LABEL: Readonly<Record<SpanType, string>> = {
  LLM: "LLM",
  CHAT_MODEL: "CHAT",
  RETRIEVER: "RETR",
  TOOL: "TOOL",
  AGENT: "AGENT",
  CHAIN: "CHAIN",
  EMBEDDING: "EMBED",
  RERANKER: "RERANK",
  PARSER: "PARSE",
  MEMORY: "MEM",
  GUARDRAIL: "GUARD",
  EVALUATOR: "EVAL",
  UNKNOWN: "SPAN",
};

export const TYPE_TITLE: Readonly<Record<SpanType, string>> = {
  LLM: "LLM call",
  CHAT_MODEL: "Chat model call",
  RETRIEVER: "Retriever",
  TOOL: "Tool call",
  AGENT: "Agent",
  CHAIN: "Chain",
  EMBEDDING: "Embedding",
  RERANKER: "Reranker",
  PARSER: "Parser",
  MEMORY: "Memory",
  GUARDRAIL: "Guardrail",
  EVALUATOR: "Evaluator",
  UNKNOWN: "Span",
};

const TIME_STEPS = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

/**
 * A "nice" axis step giving at most `maxTicks` intervals over `totalMs`: 1/2/5 × 10^k below a
 * second, then clock-friendly steps (1s, 2s, 5s, 10s, 15s, 30s, 1m, 2m, 5m, 10m, 15m, 30m, 1h, …).
 */
export function niceStep(totalMs: number, maxTicks: number): number {
  if (!(totalMs > 0) || maxTicks < 1) return 1;
  const raw = totalMs / maxTicks;
  if (raw > 500) {
    for (const s of TIME_STEPS) if (s >= raw) return s;
    return Math.ceil(raw / 86_400_000) * 86_400_000;
  }
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

const OTLP_KINDS = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];
export function fmtSpanKind(kind: number): string {
  return OTLP_KINDS[kind] ?? String(kind);
}
