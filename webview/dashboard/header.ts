/**
 * The dashboard's header: each registered scorer's state, version, sample rate, filter, backlog,
 * scored count and last error; the monitoring lag (p50/p95); and the backfill jobs that are
 * queued or running (a progress bar and Cancel) or finished in the last hour.
 */
import { formatCount, formatDuration } from "../../protocol/format";
import type { BackfillJob, RegisteredScorer } from "../../protocol/monitoring";
import { h } from "../lib/dom";
import { pct } from "./scale";

const RECENT_MS = 3_600_000;

function stateText(sc: RegisteredScorer): string {
  return sc.state === "active" ? `active ${pct(sc.sampleRate)}` : sc.state;
}

function scorerRow(sc: RegisteredScorer): HTMLElement {
  return h(
    "tr",
    { class: `dl-scorer s-${sc.state}`, "data-scorer": sc.name },
    h("td", { class: "dl-sc-name" }, sc.name, h("span", { class: "muted" }, ` v${sc.version}`)),
    h("td", {}, h("span", { class: `dl-state s-${sc.state}` }, stateText(sc))),
    h("td", { class: "num" }, formatCount(sc.backlog)),
    h("td", { class: "num" }, formatCount(sc.scoredCount)),
    h("td", { class: "dl-sc-filter", title: sc.filterString ?? "every trace" }, sc.filterString ?? h("span", { class: "muted" }, "every trace")),
    h("td", { class: "dl-sc-error", title: sc.lastError ?? "" }, sc.lastError ?? ""),
  );
}

export function jobTitle(j: BackfillJob): string {
  return `Backfill ${j.scorers.map((x) => `${x.name} @ ${pct(x.sampleRate)}`).join(", ")}`;
}

function jobRow(j: BackfillJob, cancel: (jobId: string) => void): HTMLElement {
  const running = j.status === "running" || j.status === "queued";
  const fill = h("span", { class: "dl-progress-fill" });
  const share = j.total > 0 ? Math.min(1, j.done / j.total) : 0;
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  const bar = h(
    "span",
    { class: "dl-progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": String(j.total), "aria-valuenow": String(j.done), "aria-label": jobTitle(j) },
    fill,
  );
  const cancelBtn = running ? h("button", { type: "button", class: "secondary dl-cancel", "data-job": j.jobId }, "Cancel") : null;
  cancelBtn?.addEventListener("click", () => {
    cancelBtn.disabled = true;
    cancel(j.jobId);
  });
  const counts = `${formatCount(j.done)} / ${formatCount(j.total)}${j.errors ? ` · ${formatCount(j.errors)} errors` : ""} · ${formatCount(j.scored)} scored · ${formatCount(j.skipped)} skipped`;
  return h(
    "div",
    { class: `dl-job j-${j.status}`, "data-job": j.jobId },
    h("span", { class: "dl-job-title" }, jobTitle(j), h("span", { class: "muted" }, ` · ${new Date(j.fromMs).toLocaleDateString()} – ${new Date(j.toMs).toLocaleDateString()}${j.rescore ? " · re-score" : ""}`)),
    bar,
    h("span", { class: "dl-job-counts" }, counts),
    h("span", { class: `dl-job-status j-${j.status}` }, j.status),
    j.message ? h("span", { class: "dl-job-msg muted", title: j.message }, j.message) : null,
    cancelBtn,
  );
}

export function renderHeader(
  scorers: readonly RegisteredScorer[],
  jobs: readonly BackfillJob[],
  lag: { p50: number | null; p95: number | null },
  nowMs: number,
  cancel: (jobId: string) => void,
): HTMLElement[] {
  const out: HTMLElement[] = [];
  const lagText = lag.p50 === null && lag.p95 === null ? "no recent assessments" : `p50 ${formatDuration(lag.p50)} · p95 ${formatDuration(lag.p95)}`;
  const active = scorers.filter((x) => x.state === "active").length;
  out.push(
    h(
      "div",
      { class: "dl-summary" },
      h("h1", {}, "Monitoring"),
      h("span", { class: "muted" }, `${formatCount(scorers.length)} registered · ${formatCount(active)} active`),
      h("span", { id: "lag", class: "dl-lag" }, h("span", { class: "muted" }, "lag "), lagText),
    ),
  );
  if (scorers.length) {
    const table = h(
      "table",
      { class: "dl-scorers", id: "scorers" },
      h("thead", {}, h("tr", {}, ...["Scorer", "State", "Backlog", "Scored", "Filter", "Last error"].map((c, i) => h("th", { class: i === 2 || i === 3 ? "num" : undefined }, c)))),
      h("tbody", {}, ...scorers.map(scorerRow)),
    );
    out.push(h("div", { class: "dl-scorers-wrap" }, table));
  }
  const shown = jobs.filter((j) => j.status === "running" || j.status === "queued" || (j.finishedMs !== null && nowMs - j.finishedMs < RECENT_MS));
  if (shown.length) out.push(h("div", { class: "dl-jobs", id: "jobs" }, ...shown.map((j) => jobRow(j, cancel))));
  return out;
}
