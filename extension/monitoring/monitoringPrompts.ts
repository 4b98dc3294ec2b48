/**
 * The dialogs of the monitoring commands: sample rate (percent, validated), filter string
 * (validated by the server's own parser through a 1-row listTraces), the scorer pick, the
 * "Start monitoring at…" pick and the backfill range pick. Each returns undefined when dismissed.
 */
import * as vscode from "vscode";
import { ListTracesRequest } from "../../protocol/lsp";
import type { RegisteredScorer } from "../../protocol/monitoring";
import type { ServerClient } from "../serverClient";
import { formatRate, parseDateTime, parseRate, scorerDescription } from "./scorerText";

export async function promptRate(title: string, current: number | null, opts: { allowZero?: boolean; prompt?: string } = {}): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: opts.prompt ?? "Sample rate: the share of new matching traces to score, from 0 to 100%.",
    value: current !== null ? formatRate(current) : "50%",
    placeHolder: "e.g. 50%",
    validateInput: (v) => {
      const r = parseRate(v, opts);
      return r.ok ? null : r.error;
    },
  });
  if (text === undefined) return undefined;
  const r = parseRate(text, opts);
  return r.ok ? r.rate : undefined;
}

/** A filter_string (MLflow search syntax); "" → null (every trace). The server parses it as it types. */
export async function promptFilter(client: ServerClient, title: string, current: string | null): Promise<string | null | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: "Only score traces that match this filter (the Traces view's syntax). Empty: every trace.",
    value: current ?? "",
    placeHolder: "e.g. trace.name = 'rag.answer_question' AND trace.status = 'OK'",
    validateInput: async (v) => {
      if (v.trim() === "") return null;
      try {
        const r = await client.request(ListTracesRequest, { limit: 1, filter: v.trim() });
        return r.filterError ? `Column ${r.filterError.column}: ${r.filterError.message}` : null;
      } catch {
        return null; // the server decides on submit
      }
    },
  });
  if (text === undefined) return undefined;
  return text.trim() === "" ? null : text.trim();
}

type ScorerPick = vscode.QuickPickItem & { name: string };

export async function pickScorer(scorers: readonly RegisteredScorer[], title: string, filter: (s: RegisteredScorer) => boolean = () => true): Promise<string | undefined> {
  const items: ScorerPick[] = scorers.filter(filter).map((s) => ({ label: s.name, description: scorerDescription(s), detail: s.filterString ?? undefined, name: s.name }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(scorers.length ? "ScoreLens: no registered scorer fits." : "ScoreLens: no registered scorers yet. Use the “Register” lens above a scorer.");
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true }))?.name;
}

export async function pickScorers(scorers: readonly RegisteredScorer[], title: string, preselect: string | undefined): Promise<RegisteredScorer[] | undefined> {
  if (scorers.length === 0) {
    void vscode.window.showInformationMessage("ScoreLens: no registered scorers yet. Use the “Register” lens above a scorer.");
    return undefined;
  }
  const items = scorers.map((s) => ({ label: s.name, description: scorerDescription(s), picked: preselect === undefined || s.name === preselect, scorer: s }));
  const picked = await vscode.window.showQuickPick(items, { title, canPickMany: true });
  return picked?.length ? picked.map((p) => p.scorer) : undefined;
}

/** "Start monitoring at…" 10% / 50% / 100% / custom. */
export async function pickStartRate(name: string): Promise<number | undefined> {
  const items: Array<vscode.QuickPickItem & { rate: number | null }> = [
    { label: "10%", description: "score one new trace in ten", rate: 0.1 },
    { label: "50%", description: "score half of the new traces", rate: 0.5 },
    { label: "100%", description: "score every new trace", rate: 1 },
    { label: "Custom…", description: "another rate, and a filter", rate: null },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Start monitoring ${name} at…`, placeHolder: "Sample rate for new traces (Esc: stay registered, not monitoring)" });
  if (!pick) return undefined;
  return pick.rate ?? promptRate(`Start monitoring ${name}`, null);
}

const DAY = 86_400_000;

/** Last 24 h / 7 days (default) / 30 days / custom dates. */
export async function pickRange(now: number): Promise<{ fromMs: number; toMs: number; label: string } | undefined> {
  const items: Array<vscode.QuickPickItem & { days: number | null }> = [
    { label: "Last 7 days", description: "default", days: 7 },
    { label: "Last 24 hours", days: 1 },
    { label: "Last 30 days", days: 30 },
    { label: "Custom range…", description: "from and to dates", days: null },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: "Backfill: which traces (by start time)?" });
  if (!pick) return undefined;
  if (pick.days !== null) return { fromMs: now - pick.days * DAY, toMs: now, label: pick.label.toLowerCase() };
  const validate = (v: string): string | null => (parseDateTime(v) === null ? "Type a date, 2026-05-01, or a date and time, 2026-05-01 13:00 (local time)." : null);
  const from = await vscode.window.showInputBox({ title: "Backfill from (local time)", value: new Date(now - 7 * DAY).toISOString().slice(0, 10), validateInput: validate });
  if (from === undefined) return undefined;
  const fromMs = parseDateTime(from) as number;
  const to = await vscode.window.showInputBox({
    title: "Backfill to (local time; a date alone means the end of that day)",
    value: new Date(now).toISOString().slice(0, 10),
    validateInput: (v) => validate(v) ?? ((parseDateTime(v) as number) + (v.trim().length <= 10 ? DAY : 0) <= fromMs ? "The end is before the start." : null),
  });
  if (to === undefined) return undefined;
  const toMs = (parseDateTime(to) as number) + (to.trim().length <= 10 ? DAY : 0);
  return { fromMs, toMs, label: `${from.trim()} – ${to.trim()}` };
}
