/**
 * One row of the Traces list. Trace data is untrusted: text only, through h(). Traces ScoreLens
 * made itself (an LLM judge's calls: tag `scorelens.source`) carry a badge with the source
 * ("judge"): they are listed, but runs over "last N traces" leave them out.
 */
import { SCORELENS_SOURCE_TAG } from "../../protocol/judgeCost";
import type { AssessmentBadge, TraceListRow, TraceState } from "../../protocol/model";
import { badgeClass, badgeGlyph, formatAge, formatCost, formatDuration, formatTimestamp, formatTokens } from "../../protocol/format";
import { h } from "../lib/dom";

export const STATUS_LABEL: Record<TraceState, string> = { OK: "OK", ERROR: "Error", IN_PROGRESS: "In progress" };
const STATUS_GLYPH: Record<TraceState, string> = { OK: "✓", ERROR: "✕", IN_PROGRESS: "◔" };

export function statusIcon(state: TraceState): HTMLElement {
  return h("span", { class: `status-icon st-${state.toLowerCase()}`, title: STATUS_LABEL[state], "aria-hidden": "true" }, STATUS_GLYPH[state]);
}

/** The id attribute of a row (trace ids are hex, so this is a safe id). */
export function rowDomId(traceId: string): string {
  return `trace-${traceId}`;
}

const MAX_BADGES = 4;

function badge(b: AssessmentBadge): HTMLElement {
  const kind = b.kind === "expectation" ? "expectation" : "feedback";
  return h(
    "span",
    { class: `assess ${badgeClass(b)}`, title: `${b.name} (${kind}): ${b.text}` },
    h("span", { class: "assess-glyph" }, badgeGlyph(b)),
    h("span", { class: "assess-name" }, b.name),
  );
}

function badges(list: readonly AssessmentBadge[], source: HTMLElement | null): HTMLElement | null {
  if (list.length === 0) return source ? h("span", { class: "tv-badges" }, source) : null;
  const shown = list.slice(0, MAX_BADGES).map(badge);
  const more =
    list.length > MAX_BADGES
      ? h(
          "span",
          { class: "assess assess-more", title: list.slice(MAX_BADGES).map((b) => `${b.name}: ${b.text}`).join("\n") },
          `+${list.length - MAX_BADGES}`,
        )
      : null;
  return h("span", { class: list.length > 1 ? "tv-badges multi" : "tv-badges" }, source, ...shown, more);
}

function tooltip(r: TraceListRow): string {
  const lines = [
    r.name || "(unnamed trace)",
    `${STATUS_LABEL[r.state]} · ${formatDuration(r.durationMs)} · ${r.spanCount} span${r.spanCount === 1 ? "" : "s"}` +
      (r.errorCount > 0 ? ` · ${r.errorCount} error${r.errorCount === 1 ? "" : "s"}` : ""),
    `Tokens: ${formatTokens(r.totalTokens)} (in ${formatTokens(r.inputTokens)}, out ${formatTokens(r.outputTokens)}) · Cost: ${formatCost(r.costUsd)}`,
    `Started ${formatTimestamp(r.startTimeMs)}`,
    r.requestId,
  ];
  const clip = (s: string): string => (s.length > 300 ? `${s.slice(0, 300)}…` : s);
  if (r.requestPreview) lines.push(`Request: ${clip(r.requestPreview)}`);
  if (r.responsePreview) lines.push(`Response: ${clip(r.responsePreview)}`);
  return lines.join("\n");
}

/** The "judge" badge of a trace ScoreLens made itself, else null. */
export function sourceBadge(r: Pick<TraceListRow, "tags" | "metadata">): HTMLElement | null {
  const source = r.tags[SCORELENS_SOURCE_TAG] ?? r.metadata[SCORELENS_SOURCE_TAG];
  if (source === undefined) return null;
  const label = source.trim() === "" ? "scorelens" : source.slice(0, 40);
  return h(
    "span",
    { class: "assess assess-neutral tv-source", "data-source": label, title: `Made by ScoreLens (${SCORELENS_SOURCE_TAG} = ${label}), not by your app: runs on the last N traces leave it out` },
    label,
  );
}

export interface RowState {
  selected: boolean;
  focused: boolean;
  nowMs: number;
}

export function renderRow(r: TraceListRow, s: RowState): HTMLElement {
  const cls = ["tv-row", `state-${r.state.toLowerCase()}`];
  if (s.selected) cls.push("selected");
  if (s.focused) cls.push("focused");
  const el = h(
    "div",
    {
      class: cls.join(" "),
      role: "option",
      id: rowDomId(r.traceId),
      "aria-selected": s.selected ? "true" : "false",
      title: tooltip(r),
    },
    statusIcon(r.state),
    h("span", { class: "tv-name" }, r.name || "(unnamed trace)"),
    h("span", { class: "tv-age", title: formatTimestamp(r.startTimeMs) }, formatAge(s.nowMs, r.startTimeMs)),
    h(
      "span",
      { class: "tv-meta" },
      h("span", { class: "tv-dur" }, formatDuration(r.durationMs)),
      h("span", { class: "tv-tok", title: "Total tokens" }, r.totalTokens > 0 ? `${formatTokens(r.totalTokens)} tok` : ""),
      h("span", { class: "tv-cost", title: "Cost (USD)" }, r.costUsd !== null && r.costUsd > 0 ? formatCost(r.costUsd) : ""),
      badges(r.badges, sourceBadge(r)),
    ),
  );
  el.dataset.id = r.traceId;
  el.dataset.t = String(r.startTimeMs);
  return el;
}

/** Refreshes the "3m ago" labels of the rendered rows without re-rendering them. */
export function refreshAges(root: HTMLElement, nowMs: number): void {
  for (const el of root.querySelectorAll<HTMLElement>(".tv-row")) {
    const t = Number(el.dataset.t);
    const age = el.querySelector(".tv-age");
    if (age && Number.isFinite(t)) age.textContent = formatAge(nowMs, t);
  }
}
