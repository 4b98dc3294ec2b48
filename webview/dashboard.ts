/**
 * Monitoring dashboard panel: for every registered scorer and assessment, the mean value, pass
 * and error rates and coverage (scored / eligible) per 15-second, minute, hour or day bucket as
 * SVG charts, with a time range picker. The header shows each scorer's state, rate, backlog and last error, the
 * monitoring lag and running backfills (progress, Cancel). Clicking a bucket asks the host to
 * list its traces. The data comes from the host in complete snapshots.
 */
import "./lib/zodConfig";
import { formatCount } from "../protocol/format";
import type { DashboardSeries } from "../protocol/monitoring";
import { DashboardCancelBackfill, DashboardDrill, DashboardRefresh, DashboardSetRange, type RangePreset } from "../protocol/dashboardWebview";
import type { DashboardSnapshot } from "../protocol/webview";
import { h, replaceChildren } from "./lib/dom";
import { onSnapshot, request } from "./lib/vscodeApi";
import { renderCard } from "./dashboard/card";
import { renderControls, type RangeChange } from "./dashboard/controls";
import { renderHeader } from "./dashboard/header";
import { bucketLabel } from "./dashboard/scale";

const RANGE_TEXT: Record<Exclude<RangePreset, "custom">, string> = {
  "5m": "the last 5 minutes",
  "15m": "the last 15 minutes",
  "1h": "the last hour",
  "24h": "the last 24 hours",
  "7d": "the last 7 days",
  "30d": "the last 30 days",
};

let snapshot: DashboardSnapshot | null = null;
let lastFocus: string | null = null;
let renderedWidth = 0;
/** The range and series the cards show: header-only updates (backlogs, jobs) keep the charts and the hover. */
let renderedKey = "";

const app = document.getElementById("app") as HTMLElement;
const headerEl = h("header", { class: "dl-header" });
const toolbarEl = h("div", { class: "dl-toolbar-wrap" });
const statusEl = h("div", { class: "dl-status", id: "status", role: "status" });
const cardsEl = h("div", { class: "dl-cards", id: "cards" });
const emptyEl = h("div", { class: "dl-empty", id: "empty" });
const tipEl = h("div", { class: "dl-tip", id: "tip", role: "tooltip" });
tipEl.hidden = true;

function say(text: string, error = false): void {
  replaceChildren(statusEl, text ? h("span", { class: error ? "error" : "muted" }, text) : null);
}

function fail(what: string, e: unknown): void {
  say(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, true);
}

function tip(at: { x: number; y: number } | null, lines: string[]): void {
  if (!at || lines.length === 0) {
    tipEl.hidden = true;
    return;
  }
  replaceChildren(tipEl, ...lines.map((l, i) => h("div", { class: i === 0 ? "dl-tip-head" : i === lines.length - 1 && l.startsWith("Click") ? "dl-tip-hint muted" : undefined }, l)));
  tipEl.hidden = false;
  const r = tipEl.getBoundingClientRect();
  const x = at.x + 14 + r.width > window.innerWidth ? at.x - 14 - r.width : at.x + 14;
  const y = Math.min(window.innerHeight - r.height - 4, Math.max(4, at.y + 14));
  tipEl.style.left = `${Math.max(4, x)}px`;
  tipEl.style.top = `${y}px`;
}

function drill(sr: DashboardSeries, fromMs: number, toMs: number, label: string): void {
  say(`Listing the traces of ${sr.scorer} · ${sr.assessment}, ${label}…`);
  request(DashboardDrill, { scorer: sr.scorer, assessment: sr.assessment, fromMs, toMs })
    .then((r) => say(`${formatCount(r.count)} trace${r.count === 1 ? "" : "s"} in ${label} (${sr.scorer} · ${sr.assessment}).`))
    .catch((e: unknown) => fail("Listing the traces", e));
}

function changeRange(c: RangeChange): void {
  say("Loading…");
  request(DashboardSetRange, c).catch((e: unknown) => fail("Changing the range", e));
}

/** Charts per row (3 on wide panels) and the width of each, from the cards' width. */
function chartWidth(): number {
  const w = cardsEl.clientWidth || app.clientWidth - 32 || 900;
  const cols = w >= 1000 ? 3 : w >= 640 ? 2 : 1;
  cardsEl.dataset.cols = String(cols);
  return Math.floor((w - 26 - (cols - 1) * 16) / cols);
}

function renderCards(): void {
  const s = snapshot;
  if (!s) return;
  renderedWidth = cardsEl.clientWidth;
  const width = chartWidth();
  replaceChildren(cardsEl, ...s.series.map((sr) => renderCard(sr, s.range, width, { tip, drill })));
  const none = s.series.length === 0;
  cardsEl.hidden = none;
  emptyEl.hidden = !none;
  if (!none) return;
  const range = s.range.preset === "custom" ? `${bucketLabel(s.range.fromMs, "day")} – ${bucketLabel(s.range.toMs - 1, "day")}` : RANGE_TEXT[s.range.preset];
  replaceChildren(
    emptyEl,
    s.message
      ? h("p", { class: "error" }, s.message)
      : s.scorers.length === 0
        ? h("p", {}, "No registered scorers yet. Register a scorer from its “Register” lens (or `scorelens scorers register`), then start it from the Scorers view.")
        : h("p", {}, `No assessments from registered scorers in ${range}. Start a scorer or run a backfill from the Scorers view, or pick a longer range.`),
  );
}

function onDashboard(s: DashboardSnapshot): void {
  snapshot = s;
  document.body.dataset.theme = s.theme;
  app.setAttribute("aria-busy", "false");
  replaceChildren(
    headerEl,
    ...renderHeader(s.scorers, s.jobs, { p50: s.lagP50Ms, p95: s.lagP95Ms }, s.nowMs, (jobId) =>
      request(DashboardCancelBackfill, { jobId }).catch((e: unknown) => fail("Cancel", e)),
    ),
  );
  replaceChildren(toolbarEl, renderControls(s.range, changeRange, () => void request(DashboardRefresh, {}).catch((e: unknown) => fail("Refresh", e)), say));
  const key = JSON.stringify([s.range, s.series, s.message, s.scorers.length === 0]);
  if (key !== renderedKey) {
    renderedKey = key;
    tipEl.hidden = true;
    say("");
    renderCards();
  }
  if (s.focusScorer && s.focusScorer !== lastFocus) {
    const focus = s.focusScorer;
    const card = [...cardsEl.querySelectorAll<HTMLElement>(".dl-card")].find((c) => c.dataset.scorer === focus);
    card?.scrollIntoView({ block: "start" });
    card?.classList.add("focused");
  }
  lastFocus = s.focusScorer;
}

let resizeTimer = 0;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    if (snapshot && Math.abs(cardsEl.clientWidth - renderedWidth) > 8) renderCards();
  }, 120);
}).observe(cardsEl);

replaceChildren(app, headerEl, toolbarEl, statusEl, cardsEl, emptyEl);
document.body.append(tipEl);
app.classList.add("dl");
emptyEl.hidden = true;

onSnapshot("dashboard", (msg) => {
  if (msg.type === "dashboard/snapshot") onDashboard(msg);
});
