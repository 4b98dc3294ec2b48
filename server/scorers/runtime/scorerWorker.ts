/**
 * Scorer worker: a worker_threads entry (bundled to dist/scorerWorker.js) that loads bundled
 * scorer files and runs their scorers on traces. The protocol is in workerProtocol.ts.
 *
 * - `load` compiles the bundle as a CommonJS module named after the scorer file, so `require()`
 *   of the user's packages resolves from the file's folder, and lists the exported scorers.
 * - `score` runs the batch's scorers on each item in turn with the SDK's `runScorer` (which turns
 *   throws and odd return values into error Feedbacks): the item's trace is read once, every call
 *   but the last gets its own copy of it (a scorer that changes its arguments cannot affect
 *   another), the shared progress is marked before each call, and the item's results are sent
 *   when it is done.
 * - A background batch (`nice`) lowers this thread's scheduling priority first (Linux), so scoring
 *   yields the CPU to ingest on the server's main thread.
 * - console.log/info/warn/error/debug are replaced: while a scorer runs, lines go to that trace's
 *   `logs`, tagged with the scorer and trace; other lines go to the pool as `log` messages.
 *
 * Hangs, memory blow-ups and process.exit() are the pool's business: it terminates and replaces
 * this thread. Uncaught errors from stray timers or promises are logged and the worker carries on.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import fs from "node:fs";
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { format } from "node:util";
import { parentPort, workerData } from "node:worker_threads";
import type { FeedbackResult, TraceScore } from "../../../protocol/scoring";
import { isScorer, runScorer, type ScorerArgs, type ScorerLike } from "../../../sdk/index";
import { argsFor, itemReader, type ItemInput } from "./workerItems";
import {
  PROGRESS_BYTES,
  ProgressView,
  rememberLoaded,
  traceLabel,
  type ExportedScorer,
  type FromWorker,
  type LoadFailure,
  type LoadMessage,
  type ScoreMessage,
  type ToWorker,
  type WorkerInit,
} from "./workerProtocol";

/** Lines kept per trace, and characters per line. */
const MAX_LOG_LINES = 200;
const MAX_LINE_CHARS = 2_000;
/** The name `scorer(fn)` gives a scorer whose function has no name. */
const SDK_DEFAULT_NAME = "scorer";

interface LoadedModule {
  filename: string;
  scorers: Map<string, { exported: ExportedScorer; scorer: ScorerLike }>;
}

interface CallContext {
  tag: string;
  lines: string[];
  dropped: number;
  /** The call's result was sent: later output (stray timers) goes to the pool's log. */
  closed: boolean;
}

/** The internals of `node:module` used to compile a module from a string. */
interface ModuleInternals {
  _nodeModulePaths(dir: string): string[];
}
interface CompilableModule {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
  _compile(code: string, filename: string): void;
}

const port = parentPort;
if (!port) throw new Error("scorerWorker must run in a worker thread");

const loaded = new Map<string, LoadedModule>();
const calls = new AsyncLocalStorage<CallContext>();
/** The item running now (items run one at a time): where output goes when async context is lost. */
let current: CallContext | null = null;

process.setSourceMapsEnabled(true);

function post(msg: FromWorker): void {
  try {
    port?.postMessage(msg);
  } catch {
    // A value that cannot be cloned (results are normalized to JSON, so this is a last resort).
    port?.postMessage(JSON.parse(JSON.stringify(msg)) as FromWorker);
  }
}

// ---- console capture ----------------------------------------------------------------------

function capture(level: string, args: unknown[]): void {
  let text: string;
  try {
    text = format(...args);
  } catch {
    text = "<unprintable>";
  }
  const ctx = calls.getStore() ?? current;
  if (!ctx || ctx.closed) {
    post({ type: "log", line: `${ctx ? `${ctx.tag} ` : ""}${level}: ${truncate(text)}` });
    return;
  }
  if (ctx.lines.length >= MAX_LOG_LINES) {
    ctx.dropped++;
    return;
  }
  ctx.lines.push(`${ctx.tag} ${level}: ${truncate(text)}`);
}

function truncate(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (${text.length - MAX_LINE_CHARS} more chars)` : text;
}

const target = globalThis.console as unknown as Record<string, unknown>;
for (const level of ["log", "info", "warn", "error", "debug", "trace"] as const) {
  target[level] = (...args: unknown[]): void => capture(level, args);
}

process.on("uncaughtException", (err) => capture("uncaught", [err]));
process.on("unhandledRejection", (reason) => capture("unhandledRejection", [reason]));

// ---- load -----------------------------------------------------------------------------------

function load(msg: LoadMessage): void {
  try {
    const mod = compile(msg.code, msg.filename);
    rememberLoaded(loaded, msg.key, mod, msg.keep);
    post({ type: "loaded", key: msg.key, scorers: [...mod.scorers.values()].map((s) => s.exported) });
  } catch (err) {
    post({ type: "loadFailed", key: msg.key, error: loadFailure(err, msg.filename) });
  }
}

function compile(code: string, filename: string): LoadedModule {
  const m = new Module(filename) as unknown as CompilableModule;
  m.filename = filename;
  m.paths = (Module as unknown as ModuleInternals)._nodeModulePaths(path.dirname(filename));
  m._compile(code, filename);
  m.loaded = true;

  const scorers = new Map<string, { exported: ExportedScorer; scorer: ScorerLike }>();
  const exportsValue = m.exports;
  if (isScorer(exportsValue)) {
    const exported = { exportName: "module.exports", name: scorerName(exportsValue, "module.exports") };
    scorers.set(exported.exportName, { exported, scorer: exportsValue });
  } else if (typeof exportsValue === "object" && exportsValue !== null) {
    for (const exportName of Object.keys(exportsValue)) {
      let value: unknown;
      try {
        value = (exportsValue as Record<string, unknown>)[exportName];
      } catch {
        continue;
      }
      if (!isScorer(value)) continue;
      const exported = { exportName, name: scorerName(value, exportName) };
      scorers.set(exportName, { exported, scorer: value });
    }
  }
  return { filename, scorers };
}

/**
 * The scorer's name, as discovery names it: its own name, except that a scorer left with the SDK's
 * default name ("scorer", from `export const x = scorer(({ outputs }) => …)`) takes its export name.
 */
function scorerName(scorer: ScorerLike, exportName: string): string {
  const named = exportName !== "default" && exportName !== "module.exports";
  try {
    const name: unknown = scorer.name;
    if (typeof name !== "string" || name === "" || (name === SDK_DEFAULT_NAME && named)) return exportName;
    return name;
  } catch {
    return exportName;
  }
}

function loadFailure(err: unknown, filename: string): LoadFailure {
  const e = err instanceof Error ? err : null;
  const stack = typeof e?.stack === "string" ? e.stack : null;
  let line: number | null = null;
  let column: number | null = null;
  if (stack) {
    // The first frame in the scorer file (source maps are on, so these are the user's own lines).
    const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const m = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
    if (m) {
      line = Number(m[1]);
      column = Number(m[2]) - 1;
    }
  }
  return {
    type: e ? e.name || "Error" : typeof err,
    message: e ? e.message : String(err),
    stack,
    file: filename,
    line,
    column,
  };
}

// ---- score ----------------------------------------------------------------------------------

function findScorer(mod: LoadedModule, name: string): { exported: ExportedScorer; scorer: ScorerLike } | null {
  const byExport = mod.scorers.get(name);
  if (byExport) return byExport;
  for (const s of mod.scorers.values()) if (s.exported.name === name) return s;
  return null;
}

function errorFeedback(name: string, type: string, message: string, stack: string | null = null): FeedbackResult {
  return { name, value: null, rationale: null, error: { type, message, stack }, metadata: {}, source: { type: "CODE", id: name } };
}

type Found = { exported: ExportedScorer; scorer: ScorerLike } | { missing: string };

async function score(msg: ScoreMessage): Promise<void> {
  if (msg.nice !== undefined) lowerPriority(msg.nice);
  const found: Found[] = msg.calls.map((c) => {
    const mod = loaded.get(c.key);
    const f = mod ? findScorer(mod, c.scorerName) : null;
    return f ?? { missing: mod ? `no exported scorer named "${c.scorerName}"` : "the scorer file is not loaded" };
  });
  const every = msg.calls.map((_, i) => i);
  for (let index = 0; index < msg.items.length; index++) {
    const item = msg.items[index];
    if (!item) continue;
    const calls = item.calls ?? every;
    const results: TraceScore[] = [];
    let input: ItemInput | null = null;
    for (let k = 0; k < calls.length; k++) {
      const c = calls[k] as number;
      progress.mark(msg.batchId, index, c, Date.now());
      const f = found[c];
      const call = msg.calls[c];
      if (!f || !call || "missing" in f) {
        const why = f && "missing" in f ? f.missing : "no such call in the batch";
        results.push({ traceId: item.traceId, feedbacks: [errorFeedback(call?.scorerName ?? "scorer", "ScorerNotFoundError", why)], durationMs: 0, logs: [] });
        continue;
      }
      input ??= readItem(item);
      if ("error" in input) {
        results.push({ traceId: item.traceId, feedbacks: [errorFeedback(f.exported.name, input.error.type, input.error.message)], durationMs: 0, logs: [] });
        continue;
      }
      // every call but the last gets a copy: the original is still untouched when it is copied
      results.push(await scoreOne(f.exported.name, f.scorer, item.traceId, argsFor(item, input, k < calls.length - 1)));
    }
    post({ type: "item", batchId: msg.batchId, index, results });
  }
  post({ type: "scored", batchId: msg.batchId });
}

// ---- priority --------------------------------------------------------------------------------

let nice = 0;

/** Lowers this thread's priority (setpriority on the thread's own id; Linux only, where a tid is a valid "pid"). */
function lowerPriority(to: number): void {
  if (to <= nice) return;
  nice = to;
  try {
    const tid = Number(path.basename(fs.readlinkSync("/proc/thread-self")));
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, to);
  } catch {
    // not Linux, or not allowed: scoring runs at the normal priority
  }
}

const init = (workerData ?? { dbPath: null, progress: new SharedArrayBuffer(PROGRESS_BYTES) }) as WorkerInit;
const progress = new ProgressView(init.progress);
const readItem = itemReader(init.dbPath);

async function scoreOne(name: string, scorer: ScorerLike, traceId: string, args: ScorerArgs): Promise<TraceScore> {
  const ctx: CallContext = { tag: `[${name} ${traceLabel(traceId)}]`, lines: [], dropped: 0, closed: false };
  current = ctx;
  const started = performance.now();
  let feedbacks: FeedbackResult[];
  try {
    feedbacks = await calls.run(ctx, () => runScorer(scorer, args, { name }));
  } catch (err) {
    // runScorer catches the scorer's own errors; this is a failure around it.
    const e = err instanceof Error ? err : null;
    feedbacks = [errorFeedback(name, e?.name ?? typeof err, e?.message ?? String(err), e?.stack ?? null)];
  } finally {
    current = null;
    ctx.closed = true;
  }
  const durationMs = performance.now() - started;
  const logs = ctx.lines;
  if (ctx.dropped > 0) logs.push(`${ctx.tag} … ${ctx.dropped} more line${ctx.dropped === 1 ? "" : "s"} not kept (limit ${MAX_LOG_LINES})`);
  return { traceId, feedbacks, durationMs, logs };
}

// ---- message loop ---------------------------------------------------------------------------

let queue: Promise<void> = Promise.resolve();
port.on("message", (msg: ToWorker) => {
  queue = queue
    .then(async () => {
      if (msg.type === "load") load(msg);
      else if (msg.type === "score") await score(msg);
    })
    .catch((err: unknown) => capture("error", ["scorer worker:", err]));
});
