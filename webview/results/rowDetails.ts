/**
 * Full rows for the detail pane, requested from the host one at a time and kept (a few hundred
 * at most) until the table changes. An answer that arrives after `reset` is dropped.
 */
import type { RunResultRow } from "../../protocol/scoring";
import type { DetailBody } from "./detail";

const KEEP = 300;

export class RowDetails {
  private cache = new Map<number, DetailBody>();
  private generation = 0;

  constructor(
    private readonly fetchRow: (index: number) => Promise<RunResultRow | null>,
    /** A requested row arrived (or failed): re-render if it is still the one shown. */
    private readonly onLoaded: (index: number) => void,
  ) {}

  /** The row if known; otherwise "loading", and the request is sent (once). */
  get(index: number): DetailBody {
    const known = this.cache.get(index);
    if (known) return known;
    const loading: DetailBody = { kind: "loading" };
    this.cache.set(index, loading);
    if (this.cache.size > KEEP) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined && oldest !== index) this.cache.delete(oldest);
    }
    const gen = this.generation;
    this.fetchRow(index).then(
      (row) => this.settle(gen, index, row ? { kind: "row", row } : { kind: "gone" }),
      (e: unknown) => this.settle(gen, index, { kind: "error", message: e instanceof Error ? e.message : String(e) }),
    );
    return loading;
  }

  private settle(gen: number, index: number, body: DetailBody): void {
    if (gen !== this.generation) return;
    this.cache.set(index, body);
    this.onLoaded(index);
    // failures are not kept: selecting the row again retries
    if (body.kind === "error") this.cache.delete(index);
  }

  /** Forgets every row (the table changed). */
  reset(): void {
    this.generation++;
    this.cache.clear();
  }
}
