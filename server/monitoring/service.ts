/**
 * Monitoring as one object for the language server, `scorelens serve`, the HTTP routes and
 * tests: the registry, the online monitor, backfill jobs and the dashboard over one store, with
 * one worker pool, and a throttled change signal (at most every `notifyMs`).
 *
 * Ownership: monitoring and backfills run on the server that owns the store. The service watches
 * `isOwner` (every `ownerPollMs`): when this server becomes the owner (the previous owner died and
 * the lease passed to it), it resumes the backfill jobs no live process runs and wakes the
 * monitor for the pending rows, without a restart.
 *
 * Wiring (server/main.ts or cli.ts serve):
 *   const monitoring = new MonitoringService({ db: s.db, isOwner: () => s.isOwner, ... });
 *   s.onCommitted(() => monitoring.notifyCommitted());
 *   s.setScorersApi(scorersHttpApi(monitoring));   // the SDK's HTTP routes
 *   … await monitoring.dispose() before s.close()
 */
import type { BackfillJob, Bucket, DashboardSeries, MonitoringSnapshot, RegisteredScorer } from "../../protocol/monitoring";
import { log } from "../log";
import { defaultSdkEntry } from "../scorers/runtime/runScorerOnTraces";
import { storeFileOf } from "../scorers/runtime/traceLoader";
import { ScorerWorkerPool, type WorkerPoolOptions } from "../scorers/runtime/workerPool";
import type { Db } from "../store/db";
import { Backfills, type BackfillRequest } from "./backfill";
import { dashboardSeries, dashboardTraces } from "./dashboard";
import { Monitor, type MonitorOptions } from "./monitor";
import { ScorerRegistry } from "./registry";

export interface MonitoringServiceOptions {
  db: Db;
  /** Monitoring and backfills run only on the server that owns the store. Default: always. */
  isOwner?: () => boolean;
  /** Most scorers active at once (default 20). */
  maxActive?: number;
  /** The SDK that scorer files' "scorelens" imports resolve to (default: dist/sdk beside the server). */
  sdkEntry?: string;
  /** Worker pool settings (timeoutMs, size, memory…); workers read traces from the store file. */
  pool?: WorkerPoolOptions;
  monitor?: Partial<Omit<MonitorOptions, "db" | "registry" | "pool" | "isOwner" | "onChange">>;
  /** Snapshot pushes at most this often (default 500 ms). */
  notifyMs?: number;
  /** How often `isOwner` is checked for a takeover (default 1000 ms). */
  ownerPollMs?: number;
}

export class MonitoringService {
  readonly registry: ScorerRegistry;
  readonly monitor: Monitor;
  readonly backfills: Backfills;
  private readonly pool: ScorerWorkerPool;
  private readonly listeners: Array<(s: MonitoringSnapshot) => void> = [];
  private notifyTimer: NodeJS.Timeout | null = null;
  private lastNotify = 0;
  private disposed = false;
  private owner: boolean;
  private readonly ownerTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: MonitoringServiceOptions) {
    this.registry = new ScorerRegistry(opts.db, { sdkEntry: opts.sdkEntry ?? defaultSdkEntry(), ...(opts.maxActive ? { maxActive: opts.maxActive } : {}) });
    this.pool = new ScorerWorkerPool({ dbPath: storeFileOf(opts.db), ...opts.pool });
    const changed = () => this.changed();
    this.monitor = new Monitor({
      ...opts.monitor,
      db: opts.db,
      registry: this.registry,
      pool: this.pool,
      ...(opts.isOwner ? { isOwner: opts.isOwner } : {}),
      onChange: changed,
    });
    this.backfills = new Backfills(opts.db, this.registry, this.pool, changed);
    this.owner = !opts.isOwner || opts.isOwner();
    if (this.owner) this.backfills.resume();
    if (opts.isOwner) {
      this.ownerTimer = setInterval(() => this.checkOwner(), opts.ownerPollMs ?? 1000);
      this.ownerTimer.unref();
    }
  }

  /** Takes the work over when this server has just become the store's owner. */
  private checkOwner(): void {
    if (this.disposed) return;
    const owner = this.opts.isOwner?.() ?? true;
    if (owner && !this.owner) {
      log.info("this server owns the store now: resuming backfill jobs and pending monitoring");
      this.backfills.resume();
      this.monitor.notifyCommitted();
      this.changed();
    }
    this.owner = owner;
  }

  /** Spans were committed: look for newly completed traces. */
  notifyCommitted(): void {
    this.monitor.notifyCommitted();
  }

  onChange(listener: (s: MonitoringSnapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Throttled: listeners get the snapshot at most every notifyMs, and always after the last change. */
  changed(): void {
    if (this.disposed || this.listeners.length === 0 || this.notifyTimer) return;
    const wait = Math.max(0, this.lastNotify + (this.opts.notifyMs ?? 500) - Date.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      this.lastNotify = Date.now();
      if (this.disposed) return;
      const snap = this.snapshot();
      for (const l of this.listeners) l(snap);
    }, wait);
    this.notifyTimer.unref();
  }

  snapshot(): MonitoringSnapshot {
    const lag = this.monitor.lag.percentiles();
    return { scorers: this.registry.list(), jobs: this.backfills.list(20), maxActive: this.registry.maxActive, lagP50Ms: lag.p50, lagP95Ms: lag.p95 };
  }

  async register(req: { file: string; exportName: string; name?: string | undefined }): Promise<RegisteredScorer> {
    const r = await this.registry.register(req);
    this.changed();
    return r;
  }

  /** Runs a registry change and signals it. */
  mutate<T>(fn: (r: ScorerRegistry) => T): T {
    const out = fn(this.registry);
    this.changed();
    this.monitor.notifyCommitted();
    return out;
  }

  startBackfill(req: BackfillRequest): BackfillJob {
    const job = this.backfills.start(req);
    this.changed();
    return job;
  }

  dashboard(q: { fromMs: number; toMs: number; bucket: Bucket; scorers?: string[] | undefined }): DashboardSeries[] {
    const registered = this.registry.list();
    const names = q.scorers ?? registered.map((s) => s.name);
    const scorers = names.map((name) => ({ name, filterString: registered.find((s) => s.name === name)?.filterString ?? null }));
    return dashboardSeries(this.opts.db, { fromMs: q.fromMs, toMs: q.toMs, bucket: q.bucket, scorers });
  }

  dashboardTraces(q: { scorer: string; assessment: string; fromMs: number; toMs: number; limit: number }): string[] {
    return dashboardTraces(this.opts.db, q);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    if (this.ownerTimer) clearInterval(this.ownerTimer);
    await this.monitor.dispose();
    await this.backfills.dispose();
    await this.pool.dispose();
  }
}
