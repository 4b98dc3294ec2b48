/**
 * The run-compare header: the base and head runs side by side (scorers, selection, start time,
 * status, counts) with actions, and the compatibility warnings and notes. Text only.
 */
import { formatCount, formatDuration, formatTimestamp } from "../../protocol/format";
import type { RunDiff } from "../../protocol/runDiff";
import type { EvalRun } from "../../protocol/scoring";
import { h } from "../lib/dom";

export interface HeaderActions {
  openRun(runId: string): void;
  swap(): void;
  pickBase(): void;
}

const STATUS: Record<EvalRun["status"], string> = { running: "Running", completed: "Completed", cancelled: "Cancelled", failed: "Failed" };

function button(id: string, label: string, title: string, onClick: () => void, cls = "secondary"): HTMLButtonElement {
  const b = h("button", { type: "button", class: cls, id, title }, label);
  b.addEventListener("click", onClick);
  return b;
}

function runCard(run: EvalRun | null, runId: string | null, side: "base" | "head", actions: HeaderActions): HTMLElement {
  const tag = h("span", { class: `rc-tag tag-${side}` }, side === "base" ? "BASE" : "HEAD");
  if (!run) {
    return h(
      "section",
      { class: `rc-card card-${side} missing`, id: `card-${side}` },
      h("div", { class: "rc-card-title" }, tag, h("span", { class: "muted" }, runId === null ? "Not chosen" : "Not available")),
      runId !== null ? h("div", { class: "rc-card-actions" }, h("span", { class: "rc-run-id muted", title: runId }, runId)) : null,
    );
  }
  const names = run.scorers.map((s) => s.name).join(", ") || "(no scorers)";
  const facts = [
    formatTimestamp(run.startedMs),
    `${formatCount(run.scoredCount)} of ${formatCount(run.traceCount)} scored`,
    run.errorCount ? `${formatCount(run.errorCount)} error${run.errorCount === 1 ? "" : "s"}` : "no errors",
    run.durationMs !== null ? formatDuration(run.durationMs) : null,
  ].filter((x): x is string => x !== null);
  return h(
    "section",
    { class: `rc-card card-${side}`, id: `card-${side}` },
    h(
      "div",
      { class: "rc-card-title" },
      tag,
      h("span", { class: "rc-card-name", title: names }, names),
      h("span", { class: `rc-status status-${run.status}` }, STATUS[run.status]),
    ),
    h("div", { class: "rc-card-sub", title: run.selectionLabel }, run.selectionLabel),
    h("div", { class: "rc-card-facts muted" }, facts.join(" · ")),
    h(
      "div",
      { class: "rc-card-actions" },
      button(`open-run-${side}`, "Open results", `Open ${run.runId} in the results panel`, () => actions.openRun(run.runId), "link"),
      h("span", { class: "rc-run-id muted", title: run.runId }, run.runId),
    ),
  );
}

export function renderHeader(diff: RunDiff | null, ids: { base: string | null; head: string }, actions: HeaderActions): HTMLElement[] {
  const middle = h(
    "div",
    { class: "rc-between" },
    h("span", { class: "rc-arrow", "aria-hidden": "true" }, "→"),
    button("swap", "⇄ Swap", "Swap base and head", actions.swap),
    button("pick-base", "Change base…", "Compare the head run with another run", actions.pickBase),
  );
  (middle.querySelector("#swap") as HTMLButtonElement).disabled = diff === null;
  return [runCard(diff?.base ?? null, ids.base, "base", actions), middle, runCard(diff?.head ?? null, ids.head, "head", actions)];
}

/** Warnings (different scorers, partial runs), notes (code changed…) and the panel message. */
export function renderBanners(diff: RunDiff | null, message: string | null, pickBase: () => void): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (message) {
    const pick = diff ? null : button("pick-base-msg", "Pick a base run…", "Choose the run to compare with", pickBase, "");
    out.push(h("div", { class: "rc-banner warn", id: "message", role: "status" }, h("span", {}, message), pick));
  }
  if (!diff) return out;
  for (const w of diff.compatibility.warnings) out.push(h("div", { class: "rc-banner warn", role: "alert" }, w));
  if (diff.compatibility.notes.length) out.push(h("div", { class: "rc-banner note", id: "notes" }, diff.compatibility.notes.join(" ")));
  return out;
}
