/** Registered scorers, monitoring, backfill and dashboard requests over LSP (MonitoringService does the work). */
import type { Connection } from "vscode-languageserver/node";
import {
  CancelBackfillRequest,
  DashboardTracesRequest,
  DeleteScorerRequest,
  GetDashboardRequest,
  GetMonitoringRequest,
  MonitoringChangedNotification,
  RegisterScorerRequest,
  StartBackfillRequest,
  StartScorerRequest,
  StopScorerRequest,
  UpdateScorerRequest,
} from "../../protocol/monitoring";
import { handleRequest, sendNotification } from "../lspBinding";
import type { MonitoringService } from "../monitoring/service";

export interface MonitoringHandlerDeps {
  /** The service once the trace server has started (null before). */
  monitoring: () => MonitoringService | null;
}

/** Registers every request of protocol/monitoring.ts. Call `attach(service)` once the service exists to push MonitoringChanged. */
export function registerMonitoringHandlers(connection: Connection, deps: MonitoringHandlerDeps): { attach(service: MonitoringService): void } {
  const svc = (): MonitoringService => {
    const m = deps.monitoring();
    if (!m) throw new Error("the trace server is still starting");
    return m;
  };
  handleRequest(connection, RegisterScorerRequest, (p) => svc().register(p));
  handleRequest(connection, StartScorerRequest, (p) => svc().mutate((r) => r.start(p.name, p.sampleRate, p.filterString)));
  handleRequest(connection, UpdateScorerRequest, (p) => svc().mutate((r) => r.update(p.name, { sampleRate: p.sampleRate, filterString: p.filterString })));
  handleRequest(connection, StopScorerRequest, (p) => svc().mutate((r) => r.stop(p.name)));
  handleRequest(connection, DeleteScorerRequest, (p) => ({ deleted: svc().mutate((r) => r.delete(p.name)) }));
  handleRequest(connection, GetMonitoringRequest, () => svc().snapshot());
  handleRequest(connection, StartBackfillRequest, (p) => svc().startBackfill(p));
  handleRequest(connection, CancelBackfillRequest, (p) => {
    const job = svc().backfills.cancel(p.jobId);
    if (!job) throw new Error(`no backfill job ${p.jobId}`);
    return job;
  });
  handleRequest(connection, GetDashboardRequest, (p) => ({ series: svc().dashboard(p), fromMs: p.fromMs, toMs: p.toMs, bucket: p.bucket }));
  handleRequest(connection, DashboardTracesRequest, (p) => ({ traceIds: svc().dashboardTraces(p) }));
  return {
    attach(service) {
      service.onChange((snapshot) => sendNotification(connection, MonitoringChangedNotification, snapshot));
    },
  };
}
