/**
 * One run of the scorer worker pool: several scorers over a list of traces, each position asking
 * for all of them or a subset. It holds the results (position × scorer), which positions are left
 * to send (a cursor, and positions to send again after a worker was replaced), and the load error
 * of each scorer whose file could not be loaded. The pool (workerPool.ts) does the scheduling.
 */
import type { FeedbackError, TraceScore } from "../../../protocol/scoring";
import { log } from "../../log";
import { errorScore } from "./poolErrors";
import type { LoadFailure, ScoreItem } from "./workerProtocol";

/** A bundled scorer file, as bundleScorerFile returns it. */
export interface PoolBundle {
  filename: string;
  code: string;
  sourceHash: string;
}

/** What to send for the id at a position of the run (null: the trace is gone). */
export type PrepareItem = (traceId: string, position: number) => ScoreItem | null | Promise<ScoreItem | null>;

export interface JobScorer {
  bundle: PoolBundle;
  /** The bundle's identity in a worker (filename + sourceHash). */
  key: string;
  /** Export name or scorer name, as asked. */
  scorerName: string;
  /** The scorer's resolved name once a worker loaded the file (for messages). */
  displayName: string;
  loadError: LoadFailure | null;
}

export interface JobResult {
  /** [position][scorer]: null where the position did not ask for the scorer, or (cancelled) it did not finish. */
  results: Array<Array<TraceScore | null>>;
  cancelled: boolean;
  /** Per scorer: its file could not be loaded or has no such scorer (every result of it carries the error too). */
  loadErrors: Array<LoadFailure | null>;
}

export interface JobInit {
  id: number;
  scorers: Array<{ bundle: PoolBundle; scorerName: string }>;
  traceIds: readonly string[];
  /** Per position, the scorer indices it asks for; null or absent: every scorer. */
  wanted?: ReadonlyArray<readonly number[] | null> | undefined;
  prepareItem: PrepareItem | null;
  onProgress?: ((done: number, total: number) => void) | undefined;
  background: boolean;
  resolve: (r: JobResult) => void;
}

export class PoolJob {
  readonly id: number;
  readonly scorers: JobScorer[];
  readonly traceIds: readonly string[];
  readonly prepareItem: PrepareItem | null;
  readonly background: boolean;
  /** [position][scorer]. */
  readonly results: Array<Array<TraceScore | undefined>>;
  /** Next position never sent. */
  cursor = 0;
  /** Positions to send again (after a worker was replaced), before the cursor's. */
  requeued: number[] = [];
  /** Tasks of this job on workers (including ones being loaded). */
  inflight = 0;
  cancelled = false;
  finished = false;
  removeAbortListener: () => void = () => {};
  private readonly wanted: ReadonlyArray<readonly number[] | null> | undefined;
  private readonly all: readonly number[];
  /** Results each position still waits for. */
  private readonly remaining: Int32Array;
  private done = 0;

  constructor(private readonly init: JobInit) {
    this.id = init.id;
    this.scorers = init.scorers.map((s) => ({ bundle: s.bundle, key: `${s.bundle.filename}\0${s.bundle.sourceHash}`, scorerName: s.scorerName, displayName: s.scorerName, loadError: null }));
    this.traceIds = init.traceIds;
    this.prepareItem = init.prepareItem;
    this.background = init.background;
    this.wanted = init.wanted;
    this.all = this.scorers.map((_, i) => i);
    this.results = Array.from({ length: init.traceIds.length }, () => new Array<TraceScore | undefined>(this.scorers.length));
    this.remaining = new Int32Array(init.traceIds.length);
    for (let pos = 0; pos < init.traceIds.length; pos++) {
      this.remaining[pos] = this.wantedAt(pos).length;
      if (this.remaining[pos] === 0) this.done++;
    }
  }

  get total(): number {
    return this.traceIds.length;
  }

  get complete(): boolean {
    return this.done >= this.traceIds.length;
  }

  wantedAt(pos: number): readonly number[] {
    return this.wanted?.[pos] ?? this.all;
  }

  /** Scorers of `pos` without a result yet, in ascending order. */
  missing(pos: number): number[] {
    const row = this.results[pos];
    return this.wantedAt(pos)
      .filter((s) => row?.[s] === undefined)
      .sort((a, b) => a - b);
  }

  hasWork(): boolean {
    return !this.finished && !this.cancelled && (this.requeued.length > 0 || this.cursor < this.traceIds.length);
  }

  take(batchSize: number): number[] {
    const positions: number[] = [];
    while (positions.length < batchSize && this.requeued.length > 0) positions.push(this.requeued.shift() as number);
    while (positions.length < batchSize && this.cursor < this.traceIds.length) positions.push(this.cursor++);
    return positions;
  }

  /** Positions of a task that still lack results go back in the queue (unless the run is over). */
  requeue(positions: readonly number[]): void {
    if (this.finished || this.cancelled) return;
    this.requeued.unshift(...positions.filter((p) => this.remaining[p] !== undefined && (this.remaining[p] as number) > 0));
  }

  /** Bundle keys of the scorers still to run (those without a load error). */
  keys(): string[] {
    return [...new Set(this.scorers.filter((s) => s.loadError === null).map((s) => s.key))];
  }

  /** Records one result; false when it is not wanted or already there. */
  record(pos: number | undefined, scorer: number, result: TraceScore, notify = true): boolean {
    if (pos === undefined || this.finished) return false;
    const row = this.results[pos];
    if (!row || row[scorer] !== undefined || !this.wantedAt(pos).includes(scorer)) return false;
    row[scorer] = result;
    const left = (this.remaining[pos] as number) - 1;
    this.remaining[pos] = left;
    if (left === 0) {
      this.done++;
      if (notify) this.progress();
    }
    return true;
  }

  /** The scorer's file could not be loaded: every position asking for it gets the error. */
  failScorer(scorer: number, failure: LoadFailure): void {
    const s = this.scorers[scorer];
    if (!s || s.loadError || this.finished) return;
    s.loadError = failure;
    const error: FeedbackError = { type: failure.type, message: failure.message, stack: failure.stack };
    let any = false;
    for (let pos = 0; pos < this.traceIds.length; pos++) any = this.record(pos, scorer, errorScore(s.displayName, this.traceIds[pos] as string, error), false) || any;
    if (any) this.progress();
  }

  /** Every scorer failed to load: nothing is left to run. */
  get allFailed(): boolean {
    return this.scorers.every((s) => s.loadError !== null);
  }

  /** Resolves the run (once). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.removeAbortListener();
    const complete = this.complete;
    this.init.resolve({
      results: this.results.map((row, pos) => {
        const want = this.wantedAt(pos);
        return this.scorers.map((_, s) => (want.includes(s) ? (row[s] ?? null) : null));
      }),
      cancelled: this.cancelled && !complete,
      loadErrors: this.scorers.map((s) => s.loadError),
    });
  }

  private progress(): void {
    try {
      this.init.onProgress?.(this.done, this.traceIds.length);
    } catch (err) {
      log.warn("scorer run progress callback failed:", err);
    }
  }
}
