/**
 * The server process's one log module. In the language server, lines go to the LSP
 * connection's console (the extension's "ScoreLens" output channel); in the CLI they go to
 * stderr. Nothing in the server writes to stdout except the CLI's own output.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogSink = (level: LogLevel, line: string) => void;

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function stderrSink(level: LogLevel, line: string): void {
  process.stderr.write(`[${new Date().toISOString()}] ${level.toUpperCase().padEnd(5)} ${line}\n`);
}

let sink: LogSink = stderrSink;
let threshold: LogLevel = process.env.SCORELENS_LOG_LEVEL === "debug" ? "debug" : "info";

export function setLogSink(next: LogSink): void {
  sink = next;
}

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function emit(level: LogLevel, parts: unknown[]): void {
  if (order[level] < order[threshold]) return;
  const line = parts
    .map((p) => (p instanceof Error ? (p.stack ?? p.message) : typeof p === "string" ? p : safeJson(p)))
    .join(" ");
  try {
    sink(level, line);
  } catch {
    // a broken sink (closed pipe) must never take the server down
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export const log = {
  debug: (...parts: unknown[]) => emit("debug", parts),
  info: (...parts: unknown[]) => emit("info", parts),
  warn: (...parts: unknown[]) => emit("warn", parts),
  error: (...parts: unknown[]) => emit("error", parts),
};
