/** A backfill job's row in `backfill_jobs` and its protocol form; whether a runner process is alive. */
import type { BackfillJob } from "../../protocol/monitoring";

export interface JobRow {
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

export function toJob(r: JobRow): BackfillJob {
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

/** True while process `pid` exists (EPERM: it exists but belongs to someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
