/**
 * Registered-scorer lifecycle and backfill commands (the Scorers view's actions, the "Register"
 * lens, the palette): register → start (rate, filter) → update → stop → delete, backfill over a
 * time range with a cancellable progress notification, the dashboard and the registered source.
 * Arguments come from tree items, lenses or nothing (then a quick pick asks); all are validated.
 */
import * as vscode from "vscode";
import { z } from "zod";
import type { CommandId } from "../../protocol/commands";
import { ListScorersRequest } from "../../protocol/lsp";
import {
  CancelBackfillRequest,
  DeleteScorerRequest,
  GetMonitoringRequest,
  RegisterScorerRequest,
  StartBackfillRequest,
  StartScorerRequest,
  StopScorerRequest,
  UpdateScorerRequest,
  type BackfillJob,
  type RegisteredScorer,
} from "../../protocol/monitoring";
import type { ServerClient } from "../serverClient";
import { DashboardPanel } from "../webviews/dashboardPanel";
import { MonitoringModel } from "./monitoringModel";
import { pickRange, pickScorer, pickScorers, pickStartRate, promptFilter, promptRate } from "./monitoringPrompts";
import { backfillProgressText, formatRate, isJobActive } from "./scorerText";

export interface MonitoringCtx {
  context: vscode.ExtensionContext;
  client: ServerClient;
}

/** A scorer argument: its name, a Scorers view node, or a dashboard/lens object with `name`. */
const ScorerArg = z.union([
  z.string().min(1),
  z.object({ scorer: z.object({ name: z.string().min(1) }) }).transform((n) => n.scorer.name),
  z.object({ name: z.string().min(1) }).transform((n) => n.name),
]);
const JobArg = z.union([z.string().min(1), z.object({ job: z.object({ jobId: z.string().min(1) }) }).transform((n) => n.job.jobId)]);

const model = (ctx: MonitoringCtx): MonitoringModel => MonitoringModel.for(ctx.client);

async function resolveScorer(ctx: MonitoringCtx, arg: unknown, title: string, filter?: (s: RegisteredScorer) => boolean): Promise<RegisteredScorer | undefined> {
  const m = model(ctx);
  const snap = m.snapshot ?? (await m.refresh());
  const parsed = ScorerArg.safeParse(arg);
  const name = parsed.success ? parsed.data : await pickScorer(snap?.scorers ?? [], title, filter);
  if (!name) return undefined;
  const sc = m.scorer(name);
  if (!sc) throw new Error(`no registered scorer named "${name}"`);
  return sc;
}

function done(ctx: MonitoringCtx, text: string): void {
  void model(ctx).refresh();
  void vscode.window.setStatusBarMessage(`ScoreLens: ${text}`, 5000);
}

/** Registers (file, export) as a new version; then offers "Start monitoring at…". */
export async function registerScorer(ctx: MonitoringCtx, file?: unknown, exportName?: unknown): Promise<RegisteredScorer | undefined> {
  let f = typeof file === "string" && file ? file : undefined;
  let exp = typeof exportName === "string" && exportName ? exportName : undefined;
  const { scorers } = await ctx.client.request(ListScorersRequest, {});
  if (!f || !exp) {
    const items = scorers.filter((s) => s.exportName).map((s) => ({ label: s.name, description: vscode.workspace.asRelativePath(s.file), file: s.file, exportName: s.exportName as string }));
    const pick = await vscode.window.showQuickPick(items, { title: "Register which scorer for monitoring?", matchOnDescription: true });
    if (!pick) return undefined;
    [f, exp] = [pick.file, pick.exportName];
  }
  const def = scorers.find((s) => s.file === f && s.exportName === exp);
  const defaultName = def?.name ?? exp;
  const name = await vscode.window.showInputBox({
    title: `Register ${exp} for monitoring`,
    prompt: "Name of the registered scorer (unique in this store; registering an existing name makes a new version).",
    value: defaultName,
    validateInput: (v) => (v.trim().length === 0 ? "The name cannot be empty." : v.trim().length > 200 ? "At most 200 characters." : null),
  });
  if (name === undefined) return undefined;
  const sc = await ctx.client.request(RegisterScorerRequest, { file: f, exportName: exp, ...(name.trim() !== defaultName || !def ? { name: name.trim() } : {}) });
  done(ctx, `registered ${sc.name} v${sc.version}`);
  if (sc.state === "active") {
    void vscode.window.showInformationMessage(`ScoreLens: registered ${sc.name} version ${sc.version}; monitoring continues at ${formatRate(sc.sampleRate)} with the new version.`);
    return sc;
  }
  const rate = await pickStartRate(sc.name);
  if (rate === undefined) return sc;
  return start(ctx, sc.name, rate, sc.filterString);
}

async function start(ctx: MonitoringCtx, name: string, sampleRate: number, filterString: string | null): Promise<RegisteredScorer> {
  const sc = await ctx.client.request(StartScorerRequest, { name, sampleRate, filterString });
  done(ctx, `${name} monitors ${formatRate(sc.sampleRate)} of new traces`);
  void vscode.window.showInformationMessage(`ScoreLens: ${name} scores ${formatRate(sc.sampleRate)} of new ${sc.filterString ? "matching " : ""}traces.`, "Open Dashboard").then((a) => {
    if (a) DashboardPanel.show(ctx.context, ctx.client, name);
  });
  return sc;
}

export async function startScorer(ctx: MonitoringCtx, arg?: unknown): Promise<RegisteredScorer | undefined> {
  const sc = await resolveScorer(ctx, arg, "Start monitoring which scorer?", (s) => s.state !== "active");
  if (!sc) return undefined;
  const rate = await promptRate(`Start monitoring ${sc.name}: sample rate`, sc.sampleRate > 0 ? sc.sampleRate : null);
  if (rate === undefined) return undefined;
  const filter = await promptFilter(ctx.client, `Start monitoring ${sc.name}: filter (optional)`, sc.filterString);
  if (filter === undefined) return undefined;
  return start(ctx, sc.name, rate, filter);
}

export async function updateScorer(ctx: MonitoringCtx, arg?: unknown): Promise<RegisteredScorer | undefined> {
  const sc = await resolveScorer(ctx, arg, "Update which scorer?");
  if (!sc) return undefined;
  const rate = await promptRate(`Update ${sc.name}: sample rate (0% stops it)`, sc.sampleRate, { allowZero: true });
  if (rate === undefined) return undefined;
  const filter = await promptFilter(ctx.client, `Update ${sc.name}: filter (optional)`, sc.filterString);
  if (filter === undefined) return undefined;
  const next = await ctx.client.request(UpdateScorerRequest, { name: sc.name, sampleRate: rate, filterString: filter });
  done(ctx, `${next.name}: ${next.state === "active" ? formatRate(next.sampleRate) : next.state}`);
  return next;
}

export async function stopScorer(ctx: MonitoringCtx, arg?: unknown): Promise<RegisteredScorer | undefined> {
  const sc = await resolveScorer(ctx, arg, "Stop monitoring which scorer?", (s) => s.state === "active");
  if (!sc) return undefined;
  const next = await ctx.client.request(StopScorerRequest, { name: sc.name });
  done(ctx, `${next.name} stopped`);
  return next;
}

export async function deleteScorer(ctx: MonitoringCtx, arg?: unknown): Promise<boolean> {
  const sc = await resolveScorer(ctx, arg, "Delete which registered scorer?");
  if (!sc) return false;
  const ok = await vscode.window.showWarningMessage(
    `Delete the registered scorer "${sc.name}" (all ${sc.version} version${sc.version === 1 ? "" : "s"})?`,
    { modal: true, detail: "Monitoring stops. The assessments it already made stay on their traces. The scorer's file is not touched." },
    "Delete",
  );
  if (ok !== "Delete") return false;
  const r = await ctx.client.request(DeleteScorerRequest, { name: sc.name });
  done(ctx, r.deleted ? `deleted ${sc.name}` : `${sc.name} was already deleted`);
  return r.deleted;
}

export async function backfill(ctx: MonitoringCtx, arg?: unknown): Promise<BackfillJob | undefined> {
  const m = model(ctx);
  const snap = m.snapshot ?? (await m.refresh());
  const pre = ScorerArg.safeParse(arg);
  const chosen = await pickScorers(snap?.scorers ?? [], "Backfill which scorers?", pre.success ? pre.data : undefined);
  if (!chosen) return undefined;
  const range = await pickRange(Date.now());
  if (!range) return undefined;
  const rateOf = (s: RegisteredScorer): number => (s.sampleRate > 0 ? s.sampleRate : 1);
  const ratePick = await vscode.window.showQuickPick(
    [
      { label: "Current rates", description: chosen.map((s) => `${s.name} ${formatRate(rateOf(s))}`).join(", "), custom: false },
      { label: "Set a rate per scorer…", custom: true },
    ],
    { title: "Backfill: sample rate" },
  );
  if (!ratePick) return undefined;
  const scorers: Array<{ name: string; sampleRate: number }> = [];
  for (const s of chosen) {
    const rate = ratePick.custom ? await promptRate(`Backfill ${s.name}: sample rate`, rateOf(s)) : rateOf(s);
    if (rate === undefined) return undefined;
    scorers.push({ name: s.name, sampleRate: rate });
  }
  const rescore = await vscode.window.showQuickPick(
    [
      { label: "Skip traces already assessed", description: "by the same scorer version (default)", rescore: false },
      { label: "Re-score them", description: "score every sampled trace again", rescore: true },
    ],
    { title: "Backfill: traces that already have an assessment" },
  );
  if (!rescore) return undefined;
  const job = await ctx.client.request(StartBackfillRequest, { scorers, fromMs: range.fromMs, toMs: range.toMs, rescore: rescore.rescore });
  void m.refresh();
  void trackBackfill(ctx, job, `${chosen.map((s) => s.name).join(", ")} over ${range.label}`);
  return job;
}

/** A progress notification that follows the job (monitoringChanged pushes, polled as a fallback); Cancel cancels it. */
function trackBackfill(ctx: MonitoringCtx, first: BackfillJob, what: string): Thenable<void> {
  const m = model(ctx);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ScoreLens: backfill ${what}`, cancellable: true }, (progress, token) =>
    new Promise<void>((resolve) => {
      let last = 0;
      let job = first;
      const report = (): void => {
        const pct = job.total > 0 ? (job.done / job.total) * 100 : 0;
        progress.report({ message: backfillProgressText(job), increment: Math.max(0, pct - last) });
        last = Math.max(last, pct);
      };
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        sub.dispose();
        clearInterval(poll);
        resolve();
        const text = `backfill ${job.status}: ${backfillProgressText(job)}${job.message ? ` — ${job.message}` : ""}`;
        if (job.status === "failed") void vscode.window.showErrorMessage(`ScoreLens: ${text}`);
        else
          void vscode.window.showInformationMessage(`ScoreLens: ${text}`, "Open Dashboard").then((a) => {
            if (a) DashboardPanel.show(ctx.context, ctx.client, job.scorers[0]?.name);
          });
      };
      const sub = m.onDidChange(() => {
        const j = m.job(first.jobId);
        if (!j) return;
        job = j;
        report();
        if (!isJobActive(j)) finish();
      });
      const poll = setInterval(() => void m.refresh(), 3000);
      token.onCancellationRequested(() => void ctx.client.request(CancelBackfillRequest, { jobId: first.jobId }).then((j) => ((job = j), finish())));
      report();
      if (!isJobActive(first)) finish();
    }),
  );
}

export async function cancelBackfill(ctx: MonitoringCtx, arg?: unknown): Promise<BackfillJob | undefined> {
  const parsed = JobArg.safeParse(arg);
  let jobId = parsed.success ? parsed.data : undefined;
  if (!jobId) {
    const active = (model(ctx).snapshot?.jobs ?? []).filter(isJobActive);
    if (active.length === 0) return void vscode.window.showInformationMessage("ScoreLens: no backfill is running.");
    jobId = (await vscode.window.showQuickPick(active.map((j) => ({ label: backfillProgressText(j), description: j.scorers.map((s) => s.name).join(", "), jobId: j.jobId })), { title: "Cancel which backfill?" }))?.jobId;
    if (!jobId) return undefined;
  }
  const job = await ctx.client.request(CancelBackfillRequest, { jobId });
  done(ctx, `backfill ${job.status}`);
  return job;
}

export function openDashboard(ctx: MonitoringCtx, arg?: unknown): void {
  const parsed = ScorerArg.safeParse(arg);
  DashboardPanel.show(ctx.context, ctx.client, parsed.success ? parsed.data : undefined);
}

export async function revealScorerSource(ctx: MonitoringCtx, arg?: unknown): Promise<void> {
  const sc = await resolveScorer(ctx, arg, "Reveal the source of which scorer?");
  if (!sc) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(sc.file));
  const editor = await vscode.window.showTextDocument(doc);
  const { scorers } = await ctx.client.request(ListScorersRequest, {});
  const def = scorers.find((s) => s.file === sc.file && (s.exportName === sc.exportName || s.name === sc.exportName));
  if (def) {
    const pos = new vscode.Position(def.nameRange.startLine, def.nameRange.startCharacter);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  }
}

/**
 * The lens's "Source changed since registration — Update": registers the file's current code as a
 * new version of the registration made from this file + export (its rate and filter carry over).
 */
export async function updateRegistration(ctx: MonitoringCtx, file: unknown, exportName: unknown): Promise<RegisteredScorer | undefined> {
  if (typeof file !== "string" || typeof exportName !== "string") return registerScorer(ctx);
  const { scorers } = await ctx.client.request(GetMonitoringRequest, {});
  const reg = scorers.find((s) => s.file === file && s.exportName === exportName);
  if (!reg) return registerScorer(ctx, file, exportName);
  const sc = await ctx.client.request(RegisterScorerRequest, { file, exportName, name: reg.name });
  done(ctx, `updated ${sc.name} to v${sc.version}`);
  void vscode.window.showInformationMessage(
    `ScoreLens: ${sc.name} is now version ${sc.version}${sc.state === "active" ? `; monitoring continues at ${formatRate(sc.sampleRate)} with it` : ""}.`,
  );
  return sc;
}

type MonitoringCommandId = Extract<
  CommandId,
  | "scorelens.registerScorer"
  | "scorelens.updateRegistration"
  | "scorelens.startScorer"
  | "scorelens.updateScorer"
  | "scorelens.stopScorer"
  | "scorelens.deleteScorer"
  | "scorelens.backfillScorers"
  | "scorelens.cancelBackfill"
  | "scorelens.openDashboard"
  | "scorelens.revealScorerSource"
  | "scorelens.refreshScorers"
>;

/** The monitoring entries of extension/commands.ts's COMMANDS table. */
export const MONITORING_COMMANDS: Record<MonitoringCommandId, (ctx: MonitoringCtx, ...args: unknown[]) => unknown> = {
  "scorelens.registerScorer": (ctx, file, exportName) => registerScorer(ctx, file, exportName),
  "scorelens.updateRegistration": (ctx, file, exportName) => updateRegistration(ctx, file, exportName),
  "scorelens.startScorer": (ctx, arg) => startScorer(ctx, arg),
  "scorelens.updateScorer": (ctx, arg) => updateScorer(ctx, arg),
  "scorelens.stopScorer": (ctx, arg) => stopScorer(ctx, arg),
  "scorelens.deleteScorer": (ctx, arg) => deleteScorer(ctx, arg),
  "scorelens.backfillScorers": (ctx, arg) => backfill(ctx, arg),
  "scorelens.cancelBackfill": (ctx, arg) => cancelBackfill(ctx, arg),
  "scorelens.openDashboard": (ctx, arg) => openDashboard(ctx, arg),
  "scorelens.revealScorerSource": (ctx, arg) => revealScorerSource(ctx, arg),
  "scorelens.refreshScorers": (ctx) => model(ctx).refresh(),
};
