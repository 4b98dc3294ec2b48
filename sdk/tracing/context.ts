/**
 * The current span, carried across `await`, timers and callbacks by `AsyncLocalStorage`.
 * Each `trace()` / `withSpan()` call runs its body in a new context holding its span, so
 * concurrent branches (`Promise.all`) each see their own parent.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { LiveSpan } from "./span";

const storage = new AsyncLocalStorage<LiveSpan | undefined>();

/** The span whose body is running, or undefined outside any span. */
export function getActiveSpan(): LiveSpan | undefined {
  return storage.getStore();
}

/** Runs `fn` with `span` as the current span (for it and everything it awaits or schedules). */
export function runWithActiveSpan<T>(span: LiveSpan, fn: () => T): T {
  return storage.run(span, fn);
}

/** Runs `fn` with no current span, so the spans it starts begin new traces. */
export function runWithoutActiveSpan<T>(fn: () => T): T {
  return storage.run(undefined, fn);
}
