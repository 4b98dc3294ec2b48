/**
 * Backfill (MLflow's backfill_scorers with BackfillScorerConfig): registered scorers over past
 * traces in a time range (default: the last 7 days), each at a sample rate (default: its current
 * rate, 1.0 when it is not active). Traces are walked by (start time, id) in pages.
 *
 * Pages are pipelined: while one page is scored in the worker pool, the next one is read
 * (query, sampling plan, skip check) and sent to the pool too, so the workers never wait for the
 * main thread. Results are stored strictly in page order, each page in ONE transaction with the
 * job's cursor and counts; the cursor only ever covers stored pages. A job killed with pages in
 * flight resumes (after a restart, or on the server that takes the store over) after the last
 * stored page: nothing is scored twice or skipped. Traces that already have an assessment from
 * the same scorer version are skipped unless `rescore`. Jobs run one at a time.
 */
import crypto from "node:crypto";
import type { Statement } from "better-sqlite3";
import type { BackfillJob } from "../../protocol/monitoring";
import type { TraceScore } from "../../protocol/scoring";
import { log } from "../log";
import type { ScorerWorkerPool } from "../scorers/runtime/workerPool";
import type { Db } from "../store/db";
import { EXCLUDING_KEYS, planSamples } from "./admission";
import { AssessmentSink, errorOf, VERSION_KEY } from "./assessmentSink";
import { alive, toJob, type JobRow } from "./backfillJob";
import { MonitoringError, type ActiveScorer, type ScorerRegistry, type ScorerSnapshot } from "./registry";

export const DEFAULT_RANGE_MS = 7 * 24 * 3600_000;
const PAGE = 200;
/** Pages in flight at once (being scored, or scored and waiting for the page before them to be stored). */
const PIPELINE_DEPTH = 2;

export interface BackfillRequest {
  scorers: Array<{ name: string; sampleRate?: number | undefined }>;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  rescore?: boolean | undefined;
}

type JobScorer = BackfillJob["scorers"][number];
type Row = { trace_id: string; start_ms: number };

/** One page: its traces in walk order, and per scorer the ids to score (sampled, not yet assessed). */
interface Page {
  rows: Row[];
  work: Map<string, string[]>;
}

/** A page sent to the pool: its results arrive later, in any order relative to other pages. */
interface InFlight {
  page: Page;
  results: Promise<Array<{ scorer: JobScorer; results: readonly TraceScore[] }>>;
}

const NOT_EXCLUDED = EXCLUDING_KEYS.map((k) => `json_extract(t.tags, '$."${k}"') IS NULL AND json_extract(t.metadata, '$."${k}"') IS NULL`).join(" AND ");

export class Backfills {
  private readonly sink: AssessmentSink;
  private current: { jobId: string; abort: AbortController } | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Jobs enqueued and not yet run to their end (so a job is never queued twice). */
  private readonly queued = new Set<string>();
  private disposed = false;
  private readonly pageQuery: Statement;
  private readonly assessedQuery: Statement;
  private readonly filterQuery: Statement;

  constructor(
    private readonly db: Db,
    private readonly registry: ScorerRegistry,
    private readonly pool: ScorerWorkerPool,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.sink = new AssessmentSink(db);
    // the cursor is also the range's lower bound, so each page seeks instead of rescanning from fromMs
    this.pageQuery = db.prepare(
      `SELECT t.trace_id, t.start_ms FROM traces t WHERE t.start_ms >= ? AND t.start_ms < ? AND t.root_span_id IS NOT NULL AND ${NOT_EXCLUDED}
       AND (t.start_ms, t.trace_id) > (?, ?) ORDER BY t.start_ms, t.trace_id LIMIT ?`,
    );
    this.assessedQuery = db.prepare(`SELECT 1 FROM assessments WHERE source_id = ? AND trace_id = ? AND json_extract(metadata, '$."${VERSION_KEY}"') = ? LIMIT 1`).pluck();
    this.filterQuery = db.prepare("SELECT filter_string FROM registered_scorers WHERE name = ?").pluck();
  }

  list(limit = 50): BackfillJob[] {
    return (this.db.prepare("SELECT * FROM backfill_jobs ORDER BY created_ms DESC LIMIT ?").all(limit) as JobRow[]).map(toJob);
  }

  get(jobId: string): BackfillJob | null {
    const r = this.db.prepare("SELECT * FROM backfill_jobs WHERE job_id = ?").get(jobId) as JobRow | undefined;
    return r ? toJob(r) : null;
  }

  /** Creates a job (queued) and runs it in the background. */
  start(req: BackfillRequest): BackfillJob {
    const scorers = req.scorers.map((s) => {
      const reg = this.registry.get(s.name);
      if (!reg) throw new MonitoringError(`no registered scorer named "${s.name}"`, "not-found");
      const rate = s.sampleRate ?? (reg.sampleRate > 0 ? reg.sampleRate : 1);
      if (!(rate >= 0 && rate <= 1)) throw new MonitoringError(`sample rate of ${s.name} must be between 0 and 1`, "invalid");
      return { name: reg.name, version: reg.version, sampleRate: rate };
    });
    const toMs = req.toMs ?? Date.now();
    const fromMs = req.fromMs ?? toMs - DEFAULT_RANGE_MS;
    if (!(fromMs < toMs)) throw new MonitoringError("the time range is empty (from must be before to)", "invalid");
    const jobId = `bf-${Date.now().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
    const total = Number(
      this.db.prepare(`SELECT count(*) FROM traces t WHERE t.start_ms >= ? AND t.start_ms < ? AND t.root_span_id IS NOT NULL AND ${NOT_EXCLUDED}`).pluck().get(fromMs, toMs),
    );
    this.db
      .prepare("INSERT INTO backfill_jobs (job_id, scorers, from_ms, to_ms, rescore, status, total, created_ms) VALUES (?,?,?,?,?,'queued',?,?)")
      .run(jobId, JSON.stringify(scorers), fromMs, toMs, req.rescore ? 1 : 0, total, Date.now());
    this.enqueue(jobId);
    return this.get(jobId) as BackfillJob;
  }

  /**
   * Runs jobs that are queued or running but that no live process runs: after a restart, and when
   * this server takes the store over from one that died. A job another live process runs (the
   * CLI's `scorelens backfill`, or a server that lost the lease but is still running it) is left to it.
   */
  resume(): void {
    const rows = this.db.prepare("SELECT job_id, runner_pid FROM backfill_jobs WHERE status IN ('queued','running') ORDER BY created_ms").all() as Array<{
      job_id: string;
      runner_pid: number | null;
    }>;
    for (const r of rows) if (r.runner_pid === null || r.runner_pid === process.pid || !alive(r.runner_pid)) this.enqueue(r.job_id);
  }

  cancel(jobId: string): BackfillJob | null {
    const job = this.get(jobId);
    if (!job) return null;
    if (job.status === "queued" || job.status === "running") {
      this.db.prepare("UPDATE backfill_jobs SET status = 'cancelled', finished_ms = ?, message = 'cancelled' WHERE job_id = ?").run(Date.now(), jobId);
      if (this.current?.jobId === jobId) this.current.abort.abort();
      this.onChange();
    }
    return this.get(jobId);
  }

  /** Resolves when every job enqueued so far has ended. */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(jobId: string): void {
    if (this.queued.has(jobId)) return;
    this.queued.add(jobId);
    this.chain = this.chain
      .then(() => this.run(jobId))
      .catch((e: unknown) => log.error(`backfill ${jobId} failed:`, e))
      .finally(() => this.queued.delete(jobId));
  }

  private async run(jobId: string): Promise<void> {
    const job = this.get(jobId);
    if (!job || this.disposed || (job.status !== "queued" && job.status !== "running")) return;
    const abort = new AbortController();
    this.current = { jobId, abort };
    this.db.prepare("UPDATE backfill_jobs SET status = 'running', runner_pid = ? WHERE job_id = ?").run(process.pid, jobId);
    this.onChange();
    const inflight: InFlight[] = [];
    const snapshots = new Map<string, ScorerSnapshot | null>();
    try {
      const cur = this.db.prepare("SELECT cursor_ms, cursor_trace FROM backfill_jobs WHERE job_id = ?").get(jobId) as { cursor_ms: number | null; cursor_trace: string | null };
      // where the next page starts: the cursor (stored pages) at first, then the last page sent
      let after: Row | null = cur.cursor_ms === null ? null : { start_ms: cur.cursor_ms, trace_id: cur.cursor_trace ?? "" };
      let exhausted = false;
      const refill = (): void => {
        while (!exhausted && inflight.length < PIPELINE_DEPTH && !abort.signal.aborted) {
          const page = this.readPage(job, after);
          exhausted = page.rows.length < PAGE;
          if (page.rows.length === 0) return;
          after = page.rows[page.rows.length - 1] as Row;
          const results = this.score(job, page, snapshots, abort.signal);
          results.catch(() => undefined); // awaited in order below; handled meanwhile
          inflight.push({ page, results });
        }
      };
      refill();
      for (let head = inflight[0]; head; head = inflight[0]) {
        const results = await head.results;
        if (abort.signal.aborted || this.disposed) return;
        this.store(jobId, head.page, results);
        inflight.shift();
        this.onChange();
        refill();
      }
      this.db.prepare("UPDATE backfill_jobs SET status = 'completed', finished_ms = ? WHERE job_id = ? AND status = 'running'").run(Date.now(), jobId);
    } catch (e) {
      this.db
        .prepare("UPDATE backfill_jobs SET status = 'failed', finished_ms = ?, message = ? WHERE job_id = ?")
        .run(Date.now(), e instanceof Error ? e.message : String(e), jobId);
    } finally {
      if (inflight.length > 0) {
        // cancelled, disposed or failed with pages in the pool: stop them, store nothing of them
        abort.abort();
        await Promise.allSettled(inflight.map((f) => f.results));
      }
      this.current = null;
      this.onChange();
    }
  }

  /** The page after `after` (null: from the range's start), with what each scorer has to score in it. */
  private readPage(job: BackfillJob, after: Row | null): Page {
    const rows = this.pageQuery.all(Math.max(job.fromMs, after?.start_ms ?? job.fromMs), job.toMs, after?.start_ms ?? -1e300, after?.trace_id ?? "", PAGE) as Row[];
    const work = new Map<string, string[]>();
    if (rows.length === 0) return { rows, work };
    const configs: ActiveScorer[] = job.scorers.map((s) => ({ ...s, filterString: (this.filterQuery.get(s.name) as string | null | undefined) ?? null }));
    const plan = planSamples(
      this.db,
      rows.map((r) => r.trace_id),
      configs,
      new Map(),
    );
    for (const [id, chosen] of plan) {
      for (const s of chosen) {
        if (!job.rescore && this.assessedQuery.get(s.name, id, String(s.version)) !== undefined) continue;
        const list = work.get(s.name);
        if (list) list.push(id);
        else work.set(s.name, [id]);
      }
    }
    return { rows, work };
  }

  /** Sends a page to the pool: one run per scorer, all at once. */
  private score(job: BackfillJob, page: Page, snapshots: Map<string, ScorerSnapshot | null>, signal: AbortSignal): InFlight["results"] {
    return Promise.all(
      job.scorers.map(async (s) => {
        const list = page.work.get(s.name) ?? [];
        if (!snapshots.has(s.name)) snapshots.set(s.name, this.registry.snapshot(s.name, s.version));
        const snap = snapshots.get(s.name);
        if (list.length === 0 || !snap) return { scorer: s, results: [] };
        const r = await this.pool.run({ bundle: { filename: snap.filename, code: snap.code, sourceHash: snap.sourceHash }, scorerName: snap.exportName, traceIds: list, signal });
        return { scorer: s, results: r.cancelled ? [] : r.results };
      }),
    );
  }

  /** Stores a page's results with the cursor at its last trace and the job's counts, in one transaction. */
  private store(jobId: string, page: Page, results: Awaited<InFlight["results"]>): void {
    const scoredIds = new Set<string>();
    const errorIds = new Set<string>();
    const { rows } = page;
    const last = rows[rows.length - 1] as Row;
    this.db.transaction(() => {
      for (const { scorer, results: list } of results) {
        for (const score of list) {
          if (this.sink.store(scorer, score, `backfill:${jobId}`)) scoredIds.add(score.traceId);
          if (errorOf(score) !== null) errorIds.add(score.traceId);
        }
        this.registry.noteResults(scorer.name, list.length, undefined);
      }
      this.db
        .prepare(
          `UPDATE backfill_jobs SET cursor_ms = ?, cursor_trace = ?, done = done + ?, scored = scored + ?, skipped = skipped + ?, errors = errors + ?
           WHERE job_id = ? AND status = 'running'`,
        )
        .run(last.start_ms, last.trace_id, rows.length, scoredIds.size, rows.length - scoredIds.size, errorIds.size, jobId);
    })();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.current?.abort.abort();
    await this.chain;
  }
}
