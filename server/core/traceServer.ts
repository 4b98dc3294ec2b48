/**
 * The trace server core, shared by the language server and `scorelens serve`: opens the store,
 * takes the database lease, runs the OTLP receiver (when it owns the lease), retention and WAL
 * checkpoints, and publishes a ServerStatus snapshot whenever something changes.
 *
 * Ownership: exactly one server per database runs the receiver. A second server on the same
 * file "attaches": it serves reads and writes through SQLite, reports the owner's port, and
 * takes over within a few seconds if the owner goes away.
 */
import type http from "node:http";
import type { RawSpan, SpanRecord } from "../../protocol/model";
import type { ServerStatus } from "../../protocol/status";
import { log } from "../log";
import { normalizeSpan } from "../normalize/normalizeSpan";
import { openDatabase, sqliteVersion, type Db } from "../store/db";
import { HEARTBEAT_MS, Lease } from "../store/lease";
import { applyRetention, type RetentionPolicy } from "../store/retention";
import { SpanWriter, type CommitInfo, type WriteResult } from "../store/spanWriter";
import { TraceQueries } from "../store/traceQueries";
import { createOtlpReceiver, OTLP_TRACES_PATH, type ReceiverStats } from "../ingest/otlpHttpServer";
import type { EvalRun } from "../../protocol/scoring";
import { saveEvalUpload } from "../scorers/evalUploadStore";
import { bindLoopback } from "../ingest/portBinding";
import { VERSION } from "./version";
import type { MonitoringHttpApi } from "../monitoring/httpRoutes";

export interface TraceServerOptions {
  dbPath: string;
  otlpPort: number;
  maxBodyBytes: number;
  allowedOrigins: readonly string[];
  retention: RetentionPolicy;
  /** How often retention runs; default 10 minutes. */
  retentionIntervalMs?: number;
  maxPendingSpans?: number;
  synchronous?: "NORMAL" | "FULL";
}

export class TraceServer {
  readonly db: Db;
  readonly queries: TraceQueries;
  readonly writer: SpanWriter;
  private readonly lease: Lease;
  private receiver: { server: http.Server; stats: ReceiverStats } | null = null;
  private status: ServerStatus;
  private readonly statusListeners: Array<(s: ServerStatus) => void> = [];
  private readonly commitListeners: Array<(c: CommitInfo) => void> = [];
  private readonly runListeners: Array<(run: EvalRun) => void> = [];
  private timers: NodeJS.Timeout[] = [];
  private counts: { traces: number; spans: number };
  private closed = false;
  private ingested = 0;
  private monitoringApi: MonitoringHttpApi | null = null;

  private constructor(private readonly opts: TraceServerOptions) {
    this.db = openDatabase(opts.dbPath, opts.synchronous ? { synchronous: opts.synchronous } : {});
    this.queries = new TraceQueries(this.db);
    this.writer = new SpanWriter(this.db, opts.maxPendingSpans);
    this.lease = new Lease(this.db);
    this.counts = this.queries.counts();
    this.writer.onCommitted((c) => {
      this.counts.spans += c.inserted;
      this.counts.traces += c.newTraces;
      this.ingested += c.inserted;
      for (const l of this.commitListeners) l(c);
    });
    this.status = {
      health: "starting",
      message: "starting the trace server",
      otlpPort: null,
      otlpEndpoint: null,
      portNote: null,
      dbPath: opts.dbPath,
      pid: process.pid,
      ownerPid: null,
      version: VERSION,
      nodeVersion: process.version,
      sqliteVersion: sqliteVersion(this.db),
      traceCount: this.counts.traces,
      spanCount: this.counts.spans,
      spansIngested: 0,
      startedAtMs: Date.now(),
    };
  }

  /** Opens the store and starts serving (as owner or attached). Throws on a store it can't open. */
  static async start(opts: TraceServerOptions): Promise<TraceServer> {
    const s = new TraceServer(opts);
    await s.claimOrAttach();
    s.timers.push(setInterval(() => void s.tick(), HEARTBEAT_MS));
    for (const t of s.timers) t.unref();
    return s;
  }

  onStatus(listener: (s: ServerStatus) => void): void {
    this.statusListeners.push(listener);
  }

  /** An evaluation run arrived over HTTP (the SDK's evaluate()). */
  onRunUploaded(listener: (run: EvalRun) => void): void {
    this.runListeners.push(listener);
  }

  onCommitted(listener: (c: CommitInfo) => void): void {
    this.commitListeners.push(listener);
  }

  /** Serves the SDK's monitoring routes on the receiver (server/monitoring/httpRoutes.ts); until set they answer 503. */
  setMonitoringApi(api: MonitoringHttpApi | null): void {
    this.monitoringApi = api;
  }

  getStatus(): ServerStatus {
    return {
      ...this.status,
      traceCount: this.counts.traces,
      spanCount: this.counts.spans,
      spansIngested: this.ingested,
    };
  }

  get isOwner(): boolean {
    return this.receiver !== null;
  }

  /** Deletes traces (spans and assessments too) and updates the counts. */
  deleteTraces(traceIds: readonly string[]): number {
    const n = this.queries.deleteTraces(traceIds);
    if (n > 0) {
      this.counts = this.queries.counts();
      this.publishStatus();
    }
    return n;
  }

  /** Normalizes and stores spans (used by the receiver and by imports). Resolves after commit. */
  ingest(raw: RawSpan[]): Promise<WriteResult> {
    const spans: SpanRecord[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i] as RawSpan;
      spans[i] = { ...r, ...normalizeSpan(r) };
    }
    return this.writer.write(spans);
  }

  private lastPublished = "";

  private setStatus(patch: Partial<ServerStatus>): void {
    this.status = { ...this.status, ...patch };
    this.publishStatus();
  }

  /** Pushes the status snapshot to listeners if anything in it changed. */
  publishStatus(): void {
    const snapshot = this.getStatus();
    const key = JSON.stringify(snapshot);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    for (const l of this.statusListeners) l(snapshot);
  }

  private async claimOrAttach(): Promise<void> {
    const outcome = this.lease.tryAcquire();
    if (!outcome.owned) {
      const h = outcome.holder;
      const port = h.otlpPort;
      this.setStatus({
        health: "attached",
        message:
          port === null
            ? `another ScoreLens server (pid ${h.pid}) owns this database and is starting its OTLP receiver`
            : `another ScoreLens server (pid ${h.pid}, e.g. another VS Code window) owns this database; traces go to its receiver on port ${port}`,
        otlpPort: port,
        otlpEndpoint: port === null ? null : `http://127.0.0.1:${port}${OTLP_TRACES_PATH}`,
        ownerPid: h.pid,
        portNote: null,
      });
      return;
    }
    // Another server may have written since we last looked (we were attached, or it crashed).
    this.counts = this.queries.counts();
    const receiver = createOtlpReceiver(
      {
        hasRoomFor: (n) => this.writer.hasRoomFor(n),
        ingest: (spans) => this.ingest(spans),
        health: () => ({ pid: process.pid, traces: this.counts.traces, spans: this.counts.spans }),
        uploadRun: (body) => {
          const run = saveEvalUpload(this.db, body);
          log.info(`evaluate() logged run ${run.runId}: ${run.selectionLabel}`);
          for (const l of this.runListeners) l(run);
          return { runId: run.runId };
        },
        monitoring: (req) =>
          this.monitoringApi
            ? this.monitoringApi(req)
            : Promise.resolve({ status: 503, body: { error: "monitoring is not running in this server yet", code: "unavailable" } }),
      },
      { maxBodyBytes: this.opts.maxBodyBytes, allowedOrigins: this.opts.allowedOrigins },
    );
    try {
      const bound = await bindLoopback(receiver.server, this.opts.otlpPort);
      receiver.server.keepAliveTimeout = 30_000;
      this.receiver = receiver;
      this.lease.setPort(bound.port);
      if (bound.note) log.warn(bound.note);
      log.info(`OTLP/HTTP receiver listening on http://127.0.0.1:${bound.port}${OTLP_TRACES_PATH}; store ${this.opts.dbPath}`);
      this.setStatus({
        health: "ready",
        message: bound.note ?? `receiving traces on port ${bound.port}`,
        otlpPort: bound.port,
        otlpEndpoint: `http://127.0.0.1:${bound.port}${OTLP_TRACES_PATH}`,
        portNote: bound.note,
        ownerPid: process.pid,
      });
      this.runRetention();
    } catch (e) {
      this.lease.release();
      receiver.server.close();
      const message = e instanceof Error ? e.message : String(e);
      this.setStatus({ health: "error", message, otlpPort: null, otlpEndpoint: null });
      throw e;
    }
  }

  private lastRetention = 0;

  private runRetention(): void {
    this.lastRetention = Date.now();
    try {
      const r = applyRetention(this.db, this.queries, this.opts.retention);
      if (r.deletedByAge + r.deletedBySize > 0) {
        this.counts = this.queries.counts();
        log.info(`retention deleted ${r.deletedByAge} trace(s) by age and ${r.deletedBySize} by size`);
      }
    } catch (e) {
      log.error("retention failed:", e);
    }
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.receiver) {
        if (!this.lease.heartbeat()) {
          log.warn("lost the database lease to another server; switching to attached mode");
          await this.stopReceiver();
          await this.claimOrAttach();
          return;
        }
        if (Date.now() - this.lastRetention > (this.opts.retentionIntervalMs ?? 600_000)) this.runRetention();
        if (this.writer.pending === 0) this.db.pragma("wal_checkpoint(PASSIVE)");
      } else {
        const before = this.status.health;
        await this.claimOrAttach();
        if (before === "attached" && this.status.health === "ready") log.info("the owning server went away; this server took over");
        else if (this.status.health === "attached") {
          // The owner writes; we only see its commits through the file. Tell our client when they happen.
          const before = this.counts;
          this.counts = this.queries.counts();
          if (this.counts.spans !== before.spans || this.counts.traces !== before.traces) {
            const info = { inserted: Math.max(0, this.counts.spans - before.spans), newTraces: 0, traceIds: [] };
            for (const l of this.commitListeners) l(info);
          }
        }
      }
    } catch (e) {
      log.error("background tick failed:", e);
    }
  }

  private stopReceiver(): Promise<void> {
    const r = this.receiver;
    this.receiver = null;
    if (!r) return Promise.resolve();
    return new Promise((resolve) => {
      r.server.close(() => resolve());
      r.server.closeAllConnections();
    });
  }

  get receiverStats(): ReceiverStats | null {
    return this.receiver?.stats ?? null;
  }

  /** Stops the receiver, writes what is queued, releases the lease and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.stopReceiver();
    try {
      this.writer.close();
      this.lease.release();
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      this.db.close();
    }
  }
}
