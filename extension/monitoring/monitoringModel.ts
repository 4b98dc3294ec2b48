/**
 * The extension's copy of the server's monitoring state (registered scorers, backfill jobs,
 * lag): one per ServerClient, fed by scorelens/monitoringChanged pushes and refreshed with
 * scorelens/getMonitoring when the server becomes ready or a command changed something.
 * The Scorers view, the commands and the dashboard all read it.
 */
import * as vscode from "vscode";
import { GetMonitoringRequest, MonitoringChangedNotification, type BackfillJob, type MonitoringSnapshot, type RegisteredScorer } from "../../protocol/monitoring";
import { log } from "../log";
import type { ServerClient } from "../serverClient";

export class MonitoringModel implements vscode.Disposable {
  private static readonly models = new WeakMap<ServerClient, MonitoringModel>();
  /** The newest snapshot, or null before the first one. */
  snapshot: MonitoringSnapshot | null = null;
  /** Why there is no snapshot (server down, request failed), or null. */
  error: string | null = "Starting the ScoreLens server…";
  private readonly changed = new vscode.EventEmitter<MonitoringSnapshot | null>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private wasReady = false;
  private inflight: Promise<MonitoringSnapshot | null> | null = null;

  /** The model of `client` (created on first use). */
  static for(client: ServerClient): MonitoringModel {
    let m = MonitoringModel.models.get(client);
    if (!m) MonitoringModel.models.set(client, (m = new MonitoringModel(client)));
    return m;
  }

  private constructor(private readonly client: ServerClient) {
    client.onNotification(MonitoringChangedNotification, (s) => this.set(s, null));
    this.disposables.push(
      client.onDidChange(() => {
        const ready = client.isReady;
        if (ready && !this.wasReady) void this.refresh();
        else if (!ready && this.wasReady) this.set(null, "The ScoreLens server is not running.");
        this.wasReady = ready;
      }),
    );
    if (client.isReady) void this.refresh();
  }

  private set(s: MonitoringSnapshot | null, error: string | null): void {
    this.snapshot = s;
    this.error = error;
    this.changed.fire(s);
  }

  /** Fetches the snapshot now (concurrent calls share one request). */
  refresh(): Promise<MonitoringSnapshot | null> {
    if (!this.client.isReady) return Promise.resolve(this.snapshot);
    this.inflight ??= this.client
      .request(GetMonitoringRequest, {})
      .then((s) => {
        this.set(s, null);
        return s;
      })
      .catch((e: unknown) => {
        const msg = e instanceof Error ? e.message : String(e);
        log.warn(`getMonitoring failed: ${msg}`);
        this.set(null, `Cannot read the registered scorers: ${msg}`);
        return null;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  scorer(name: string): RegisteredScorer | undefined {
    return this.snapshot?.scorers.find((s) => s.name === name);
  }

  job(jobId: string): BackfillJob | undefined {
    return this.snapshot?.jobs.find((j) => j.jobId === jobId);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
