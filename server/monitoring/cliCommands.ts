/**
 * `scorelens scorers …` and `scorelens backfill`: work on the store file directly (a running
 * server reads registrations from the same file, so changes take effect there within a second).
 * A backfill runs in this process with its own workers and prints progress. Exit codes: 0 ok,
 * 1 failed (message on stderr).
 */
import path from "node:path";
import type { BackfillJob, RegisteredScorer } from "../../protocol/monitoring";
import { openDatabase } from "../store/db";
import type { MonitoringCliCommand } from "./cliArgs";
import { MonitoringError } from "./registry";
import { MonitoringService } from "./service";

export interface MonitoringCliIo {
  out(text: string): void;
  err(text: string): void;
}

function line(s: RegisteredScorer): string {
  const rate = s.state === "active" ? ` ${(s.sampleRate * 100).toFixed(s.sampleRate < 0.01 ? 2 : 0)}%` : "";
  const filter = s.filterString ? `  filter: ${s.filterString.replace(/\p{Cc}/gu, " ")}` : "";
  return `${s.name}  v${s.version}  ${s.state}${rate}  backlog ${s.backlog}  scored ${s.scoredCount}${filter}${s.lastError ? `  last error: ${s.lastError.slice(0, 120)}` : ""}`;
}

function progress(j: BackfillJob): string {
  return `${j.jobId} ${j.status}: ${j.done}/${j.total} traces, ${j.scored} scored, ${j.skipped} skipped, ${j.errors} with errors${j.message ? ` (${j.message})` : ""}`;
}

export async function runMonitoringCommand(c: MonitoringCliCommand, io: MonitoringCliIo): Promise<number> {
  const db = openDatabase(path.resolve(c.db));
  const maxActive = c.cmd === "scorers" && (c.command.sub === "start" || c.command.sub === "update") ? c.command.maxActive : null;
  // the CLI never monitors (isOwner false); it runs registry changes and backfills
  const svc = new MonitoringService({ db, isOwner: () => false, ...(maxActive ? { maxActive } : {}) });
  const show = (s: RegisteredScorer, json: boolean) => io.out(json ? JSON.stringify(s, null, 2) : line(s));
  try {
    if (c.cmd === "backfill") {
      let job = svc.startBackfill({ scorers: c.scorers, fromMs: c.fromMs, toMs: c.toMs, rescore: c.rescore });
      const timer = setInterval(() => {
        const j = svc.backfills.get(job.jobId);
        if (j && !c.json) io.err(progress(j));
      }, 1000);
      await svc.backfills.idle();
      clearInterval(timer);
      job = svc.backfills.get(job.jobId) ?? job;
      io.out(c.json ? JSON.stringify(job, null, 2) : progress(job));
      return job.status === "completed" ? 0 : 1;
    }
    const k = c.command;
    switch (k.sub) {
      case "list": {
        const all = svc.registry.list();
        if (k.json) io.out(JSON.stringify(all, null, 2));
        else if (all.length === 0) io.out("no registered scorers (register one with: scorelens scorers register FILE --export NAME)");
        else for (const s of all) io.out(line(s));
        return 0;
      }
      case "register":
        show(await svc.register({ file: k.file, exportName: k.exportName, ...(k.name ? { name: k.name } : {}) }), k.json);
        return 0;
      case "start":
        show(svc.registry.start(k.name, k.sampleRate, k.filter), k.json);
        return 0;
      case "update":
        show(svc.registry.update(k.name, { sampleRate: k.sampleRate, filterString: k.filter }), k.json);
        return 0;
      case "stop":
        show(svc.registry.stop(k.name), k.json);
        return 0;
      case "delete": {
        const deleted = svc.registry.delete(k.name);
        if (k.json) io.out(JSON.stringify({ deleted }));
        else io.out(deleted ? `deleted ${k.name}` : `no registered scorer named ${k.name}`);
        return deleted ? 0 : 1;
      }
    }
  } catch (e) {
    if (MonitoringError.is(e)) {
      io.err(`scorelens: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await svc.dispose();
    db.close();
  }
}
