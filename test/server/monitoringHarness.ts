/**
 * Helpers of the monitoring server tests: OTLP traces with known ids sent to a real receiver, the
 * monitoring HTTP API, and read-only looks into the store file (assessments, pending rows, jobs)
 * while a server writes to it.
 */
import assert from "node:assert/strict";
import { nowNs, otlpJsonBody } from "./otlpBodies";
import { openReadonly, rawRequest } from "./serveHarness";

let seq = 0;
/** Fresh 32-hex trace ids, unique within the test process (`tag` keeps files apart). */
export function newIds(n: number, tag = "c0ffee"): string[] {
  return Array.from({ length: n }, () => (++seq).toString(16).padStart(8, "0") + tag.padEnd(24, "0"));
}

/** One root span per id, 50 traces per OTLP/JSON request; resolves when each request was committed (200). */
export async function sendTraces(port: number, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 50) {
    const t = nowNs();
    const spans = ids.slice(i, i + 50).map((traceId, k) => ({
      traceId,
      spanId: (k + 1).toString(16).padStart(16, "0"),
      name: "agent",
      startNs: t,
      endNs: t + 1_000_000n,
      attributes: { "mlflow.spanOutputs": JSON.stringify(`answer ${traceId.slice(0, 8)}`) },
    }));
    const r = await rawRequest(port, { body: otlpJsonBody(spans), headers: { "content-type": "application/json" } });
    assert.equal(r.status, 200, r.body.toString());
  }
}

/** A JSON request to the monitoring routes. */
export async function api<T>(port: number, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await rawRequest(port, {
    method,
    path: p,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: JSON.parse(r.body.toString("utf8")) as T };
}

function withStore<T>(db: string, f: (d: ReturnType<typeof openReadonly>) => T): T {
  const d = openReadonly(db);
  try {
    return f(d);
  } finally {
    d.close();
  }
}

/** Assessment rows per trace from one scorer. */
export function assessed(db: string, scorer: string): Map<string, number> {
  return withStore(db, (d) => {
    const rows = d.prepare("SELECT trace_id, count(*) AS n FROM assessments WHERE source_id = ? GROUP BY trace_id").all(scorer) as Array<{ trace_id: string; n: number }>;
    return new Map(rows.map((r) => [r.trace_id, r.n]));
  });
}

/** The `scorelens.scorer.origin` of every assessment from one scorer, with how many have it. */
export function origins(db: string, scorer: string): Map<string, number> {
  return withStore(db, (d) => {
    const rows = d
      .prepare(`SELECT json_extract(metadata, '$."scorelens.scorer.origin"') AS o, count(*) AS n FROM assessments WHERE source_id = ? GROUP BY o`)
      .all(scorer) as Array<{ o: string; n: number }>;
    return new Map(rows.map((r) => [r.o, r.n]));
  });
}

export function pendingCount(db: string): number {
  return withStore(db, (d) => Number(d.prepare("SELECT count(*) FROM monitor_pending").pluck().get()));
}

export function unmonitoredCount(db: string): number {
  return withStore(db, (d) => Number(d.prepare("SELECT count(*) FROM traces WHERE monitored_ms IS NULL").pluck().get()));
}

export interface JobRowView {
  status: string;
  total: number;
  done: number;
  scored: number;
  skipped: number;
  errors: number;
  runner_pid: number | null;
  cursor_trace: string | null;
}

export function jobRow(db: string, jobId: string): JobRowView {
  return withStore(db, (d) => d.prepare("SELECT status, total, done, scored, skipped, errors, runner_pid, cursor_trace FROM backfill_jobs WHERE job_id = ?").get(jobId) as JobRowView);
}

export async function until(what: string, f: () => boolean | Promise<boolean>, ms = 60_000, everyMs = 100): Promise<void> {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
