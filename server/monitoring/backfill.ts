/**
 * Backfill (MLflow's backfill_scorers with BackfillScorerConfig): registered scorers over past
 * traces in a time range (default: the last 7 days), each at a sample rate (default: its current
 * rate, 1.0 when it is not active). Traces are walked by (start time, id); every page is scored
 * and then stored in ONE transaction with the job's cursor and counts, so a job resumes after a
 * restart where it stopped, without scoring a page twice. Traces that already have an assessment
 * from the same scorer version are skipped unless `rescore`. Jobs run one at a time.
 */
import crypto from "node:crypto";
import type { BackfillJob } from "../../protocol/monitoring";
import { log } from "../log";
import type { ScorerWorkerPool } from "../scorers/runtime/workerPool";
import type { Db } from "../store/db";
import { EXCLUDING_KEYS, planSamples } from "./admission";
import { AssessmentSink, errorOf, VERSION_KEY } from "./assessmentSink";
import { MonitoringError, type ActiveScorer, type ScorerRegistry } from "./registry";

export const DEFAULT_RANGE_MS = 7 * 24 * 3600_000;
const PAGE = 200;

export interface BackfillRequest {
  scorers: Array<{ name: string; sampleRate?: number | undefined }>;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  rescore?: boolean | undefined;
}

interface JobRow {
  job_id: string;
  scorers: string;
  from_ms: number;
  to_ms: number;
  rescore: number;
  status: string;
  total: number;
  done: number;
  scored: number;
  skipped: number;
  errors: number;
  cursor_ms: number | null;
  cursor_trace: string | null;
  created_ms: number;
  finished_ms: number | null;
  message: string | null;
}

function toJob(r: JobRow): BackfillJob {
  return {
    jobId: r.job_id,
    scorers: JSON.parse(r.scorers) as BackfillJob["scorers"],
    fromMs: r.from_ms,
    toMs: r.to_ms,
    rescore: r.rescore === 1,
    status: r.status as BackfillJob["status"],
    total: Number(r.total),
    done: Number(r.done),
    scored: Number(r.scored),
    skipped: Number(r.skipped),
    errors: Number(r.errors),
    createdMs: r.created_ms,
    finishedMs: r.finished_ms,
    message: r.message,
  };
}

const NOT_EXCLUDED = EXCLUDING_KEYS.map((k) => `json_extract(t.tags, '$."${k}"') IS NULL AND json_extract(t.metadata, '$."${k}"') IS NULL`).join(" AND ");

export class Backfills {
  private readonly sink: AssessmentSink;
  private current: { jobId: string; abort: AbortController } | null = null;
  private chain: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly db: Db,
    private readonly registry: ScorerRegistry,
    private readonly pool: ScorerWorkerPool,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.sink = new AssessmentSink(db);
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

  /** Runs jobs a previous process left queued or running (after a restart). */
  resume(): void {
    const rows = this.db.prepare("SELECT job_id, runner_pid FROM backfill_jobs WHERE status IN ('queued','running') ORDER BY created_ms").all() as Array<{
      job_id: string;
      runner_pid: number | null;
    }>;
    // a job another live process runs (the CLI's) is left to it
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
    this.chain = this.chain.then(() => this.run(jobId)).catch((e: unknown) => log.error(`backfill ${jobId} failed:`, e));
  }

  private async run(jobId: string): Promise<void> {
    const job = this.get(jobId);
    if (!job || this.disposed || (job.status !== "queued" && job.status !== "running")) return;
    const abort = new AbortController();
    this.current = { jobId, abort };
    this.db.prepare("UPDATE backfill_jobs SET status = 'running', runner_pid = ? WHERE job_id = ?").run(process.pid, jobId);
    this.onChange();
    try {
      for (;;) {
        if (abort.signal.aborted || this.disposed) return;
        const more = await this.page(jobId, job, abort.signal);
        this.onChange();
        if (!more) break;
      }
      this.db.prepare("UPDATE backfill_jobs SET status = 'completed', finished_ms = ? WHERE job_id = ? AND status = 'running'").run(Date.now(), jobId);
    } catch (e) {
      this.db
        .prepare("UPDATE backfill_jobs SET status = 'failed', finished_ms = ?, message = ? WHERE job_id = ?")
        .run(Date.now(), e instanceof Error ? e.message : String(e), jobId);
    } finally {
      this.current = null;
      this.onChange();
    }
  }

  /** Scores one page after the cursor; false when the range is exhausted. */
  private async page(jobId: string, job: BackfillJob, signal: AbortSignal): Promise<boolean> {
    const cur = this.db.prepare("SELECT cursor_ms, cursor_trace FROM backfill_jobs WHERE job_id = ?").get(jobId) as { cursor_ms: number | null; cursor_trace: string | null };
    const rows = this.db
      .prepare(
        `SELECT t.trace_id, t.start_ms FROM traces t WHERE t.start_ms >= ? AND t.start_ms < ? AND t.root_span_id IS NOT NULL AND ${NOT_EXCLUDED}
         AND (t.start_ms, t.trace_id) > (?, ?) ORDER BY t.start_ms, t.trace_id LIMIT ?`,
      )
      // the cursor is also the range's lower bound, so each page seeks instead of rescanning from fromMs
      .all(Math.max(job.fromMs, cur.cursor_ms ?? job.fromMs), job.toMs, cur.cursor_ms ?? -1e300, cur.cursor_trace ?? "", PAGE) as Array<{ trace_id: string; start_ms: number }>;
    if (rows.length === 0) return false;
    const ids = rows.map((r) => r.trace_id);
    const configs: ActiveScorer[] = job.scorers.map((s) => ({ ...s, filterString: this.registry.get(s.name)?.filterString ?? null }));
    const plan = planSamples(this.db, ids, configs, new Map());
    const work = new Map<string, string[]>(); // scorer → ids to score
    const assessed = this.db.prepare(`SELECT 1 FROM assessments WHERE source_id = ? AND trace_id = ? AND json_extract(metadata, '$."${VERSION_KEY}"') = ? LIMIT 1`).pluck();
    for (const [id, chosen] of plan) {
      for (const s of chosen) {
        if (!job.rescore && assessed.get(s.name, id, String(s.version)) !== undefined) continue;
        work.set(s.name, [...(work.get(s.name) ?? []), id]);
      }
    }
    const results = await Promise.all(
      job.scorers.map(async (s) => {
        const list = work.get(s.name) ?? [];
        const snap = this.registry.snapshot(s.name, s.version);
        if (list.length === 0 || !snap) return { scorer: s, results: [] };
        const r = await this.pool.run({ bundle: { filename: snap.filename, code: snap.code, sourceHash: snap.sourceHash }, scorerName: snap.exportName, traceIds: list, signal });
        return { scorer: s, results: r.cancelled ? [] : r.results };
      }),
    );
    if (signal.aborted) return false;
    const scoredIds = new Set<string>();
    const errorIds = new Set<string>();
    const last = rows[rows.length - 1] as { trace_id: string; start_ms: number };
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
    return rows.length === PAGE;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.current?.abort.abort();
    await this.chain;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
