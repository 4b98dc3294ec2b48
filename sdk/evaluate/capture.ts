/**
 * In-process capture of the trace each `evaluate()` row produces.
 *
 * A {@link RowCapture} runs predictFn with no current span (so every row starts its own trace) and
 * with itself in an AsyncLocalStorage. A span listener on the tracing pipeline then:
 * - adopts each new trace started inside that context (a root span, or a span under a remote
 *   parent): the row's tags go on it, and its trace id is remembered;
 * - keeps every span of an adopted trace when it ends, wherever it ends (client API spans, other
 *   async contexts), until the row is closed.
 *
 * The spans are the same objects the exporter sends, so the trace scorers see is the one the store
 * gets. The listener is installed while at least one evaluation is running.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { runWithoutActiveSpan } from "../tracing/context";
import { addSpanListener } from "../tracing/pipeline";
import type { LiveSpan } from "../tracing/span";
import { applyTraceUpdate } from "../tracing/trace-update";

const rowContext = new AsyncLocalStorage<RowCapture>();
/** Adopted trace id → the row that owns it. */
const byTrace = new Map<string, RowCapture>();
let removeListener: (() => void) | null = null;
let users = 0;

function onStart(span: LiveSpan): void {
  const capture = rowContext.getStore();
  if (capture === undefined || capture.closed) return;
  // A child of a local span belongs to its parent's trace, which is adopted (or not) already.
  if (span.parentSpanId !== null && !span.parentIsRemote) return;
  if (byTrace.has(span.traceId)) return;
  capture.adopt(span);
}

function onEnd(span: LiveSpan): void {
  byTrace.get(span.traceId)?.record(span);
}

/** Installs the span listener for one evaluation; call the returned function when it is done. */
export function acquireCaptureListener(): () => void {
  users++;
  removeListener ??= addSpanListener({ onStart, onEnd });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users--;
    if (users === 0 && removeListener !== null) {
      removeListener();
      removeListener = null;
    }
  };
}

/** The traces one row's predictFn call started, and their ended spans. */
export class RowCapture {
  /** The first span of each adopted trace, in start order. */
  readonly roots: LiveSpan[] = [];
  readonly #spans = new Map<string, LiveSpan[]>();
  readonly #rootWaiters = new Set<() => void>();
  closed = false;

  constructor(readonly tags: Readonly<Record<string, string>>) {}

  /** Runs `fn` as this row: outside any current span, with new traces adopted by this capture. */
  run<T>(fn: () => T): T {
    return rowContext.run(this, () => runWithoutActiveSpan(fn));
  }

  /** @internal Called by the listener for a new trace started in this row's context. */
  adopt(span: LiveSpan): void {
    this.roots.push(span);
    this.#spans.set(span.traceId, []);
    byTrace.set(span.traceId, this);
    applyTraceUpdate(span, { tags: { ...this.tags } });
  }

  /** @internal Called by the listener when a span of an adopted trace ends. */
  record(span: LiveSpan): void {
    if (this.closed) return;
    this.#spans.get(span.traceId)?.push(span);
    if (this.roots.includes(span)) for (const wake of this.#rootWaiters) wake();
  }

  /** True once every adopted root span has ended. */
  get rootsEnded(): boolean {
    return this.roots.every((root) => root.isEnded);
  }

  /** Resolves when every root span has ended, or after `timeoutMs`. */
  async waitForRoots(timeoutMs: number): Promise<void> {
    if (this.rootsEnded) return;
    let wake: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      wake = () => {
        if (this.rootsEnded) resolve();
      };
      // Not unref()ed: evaluate() is awaited, so the wait must keep the process alive.
      timer = setTimeout(resolve, timeoutMs);
      this.#rootWaiters.add(wake);
    });
    clearTimeout(timer);
    this.#rootWaiters.delete(wake);
  }

  /** The ended spans of the row's trace: the first trace it started. Empty when it started none. */
  spansOfFirstTrace(): LiveSpan[] {
    const first = this.roots[0];
    return first === undefined ? [] : [...(this.#spans.get(first.traceId) ?? [])];
  }

  /** Stops capturing: spans that end later are exported as usual but not kept here. */
  close(): void {
    this.closed = true;
    for (const root of this.roots) if (byTrace.get(root.traceId) === this) byTrace.delete(root.traceId);
    this.#spans.clear();
    this.#rootWaiters.clear();
  }
}
