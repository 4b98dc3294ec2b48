/**
 * The process-wide cap on simultaneous judge model calls. Every HTTP attempt takes a slot and gives
 * it back when its answer is read (or it fails); backoff waits between retries hold no slot. The cap
 * is read on every acquire ({@link judgeMaxConcurrency}), so changing it applies to the next calls.
 */
import { judgeMaxConcurrency } from "./config";

let active = 0;
const waiting: Array<() => void> = [];

function drain(): void {
  while (waiting.length > 0 && active < judgeMaxConcurrency()) {
    const next = waiting.shift();
    if (next === undefined) return;
    active++;
    next();
  }
}

/** Waits for a slot; returns the function that gives it back (idempotent). */
export async function acquireJudgeSlot(): Promise<() => void> {
  if (active < judgeMaxConcurrency() && waiting.length === 0) {
    active++;
  } else {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    active--;
    drain();
  };
}

/** Calls in flight and waiting, for diagnostics and tests. */
export function judgeSlotStats(): { active: number; waiting: number } {
  return { active, waiting: waiting.length };
}
