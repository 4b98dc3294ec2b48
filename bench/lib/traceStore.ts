/**
 * A big trace store for the scorer and monitoring benchmarks, written through the server's
 * SpanWriter (the same build as bench/scorers.ts): `count` realistic 10-span traces
 * (bench/lib/genaiTraces.ts), 2,000 traces (20,000 spans) per transaction. The first `templates`
 * traces are generated, encoded as OTLP protobuf and decoded + normalized as ingest does; the
 * others are copies of them with fresh random ids and later start times (the protobuf round trip
 * of 1M spans would dominate the wall time). Setup-only pragmas (no auto-checkpoint,
 * synchronous=OFF, a bigger page cache) are restored to openDatabase's values before returning.
 */
import { performance } from "node:perf_hooks";
import type { SpanRecord } from "../../protocol/model";
import type { Db } from "../../server/store/db";
import { SpanWriter } from "../../server/store/spanWriter";
import { fmtNum } from "./common";
import { Rng, encodeRequest, generateTrace } from "./genaiTraces";
import { decodeAndNormalize } from "./rawBaseline";

const TRACES_PER_WRITE = 2_000;
const SPANS_PER_BODY = 512;

export interface TraceStoreBuild {
  traces: number;
  spans: number;
  /** Distinct traces generated; the rest are copies of them with fresh ids and later times. */
  templates: number;
  generateMs: number;
  copyMs: number;
  writeMs: number;
  checkpointMs: number;
}

const addNs = (ns: string, deltaNs: bigint): string => (BigInt(ns) + deltaNs).toString();

/** A copy of a template trace's records with fresh trace/span ids, `shiftNs` later. */
function copyTrace(template: readonly SpanRecord[], rng: Rng, shiftNs: bigint): SpanRecord[] {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  const traceId = hex(rng.bytes(16));
  const ids = new Map<string, string>();
  for (const r of template) ids.set(r.spanId, hex(rng.bytes(8)));
  return template.map((r) => ({
    ...r,
    traceId,
    spanId: ids.get(r.spanId) as string,
    parentSpanId: r.parentSpanId === null ? null : (ids.get(r.parentSpanId) ?? r.parentSpanId),
    startTimeUnixNano: addNs(r.startTimeUnixNano, shiftNs),
    endTimeUnixNano: addNs(r.endTimeUnixNano, shiftNs),
    events: r.events.map((e) => ({ ...e, timeUnixNano: addNs(e.timeUnixNano, shiftNs) })),
  }));
}

/** Writes `count` traces starting at `startMs` (50 ms apart) into `db`. */
export function buildTraceStore(db: Db, count: number, startMs: number, templatesWanted = 2_000): TraceStoreBuild {
  const rng = new Rng(20251123);
  const out: TraceStoreBuild = { traces: 0, spans: 0, templates: 0, generateMs: 0, copyMs: 0, writeMs: 0, checkpointMs: 0 };
  const g0 = performance.now();
  const templates: SpanRecord[][] = [];
  let pending: ReturnType<typeof generateTrace> = [];
  const decodeInto = (spans: ReturnType<typeof generateTrace>) => {
    for (const r of decodeAndNormalize(encodeRequest(spans)).records) {
      const last = templates[templates.length - 1];
      if (last && last[0]?.traceId === r.traceId) last.push(r);
      else templates.push([r]);
    }
  };
  for (let n = 0; n < Math.min(count, templatesWanted); n++) {
    pending.push(...generateTrace(rng, n, startMs + n * 50));
    if (pending.length >= SPANS_PER_BODY) {
      decodeInto(pending);
      pending = [];
    }
  }
  if (pending.length > 0) decodeInto(pending);
  out.templates = templates.length;
  out.generateMs = performance.now() - g0;

  db.pragma("wal_autocheckpoint = 0");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  const writer = new SpanWriter(db, 10_000_000);
  let lastLog = performance.now();
  for (let first = 0; first < count; first += TRACES_PER_WRITE) {
    const t0 = performance.now();
    const records: SpanRecord[] = [];
    for (let n = first; n < Math.min(count, first + TRACES_PER_WRITE); n++) {
      const k = n % templates.length;
      const template = templates[k] as SpanRecord[];
      const trace = n < templates.length ? template : copyTrace(template, rng, BigInt(n - k) * 50_000_000n);
      for (const r of trace) records.push(r);
      out.traces++;
    }
    const t1 = performance.now();
    void writer.write(records);
    writer.flush();
    const t2 = performance.now();
    out.copyMs += t1 - t0;
    out.writeMs += t2 - t1;
    out.spans += records.length;
    if (t2 - lastLog > 10_000) {
      console.log(`    … ${fmtNum(out.traces)} traces written`);
      lastLog = t2;
    }
  }
  writer.close();
  const c0 = performance.now();
  db.pragma("wal_checkpoint(TRUNCATE)");
  out.checkpointMs = performance.now() - c0;
  db.pragma("wal_autocheckpoint = 8000");
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -32000");
  return out;
}
