/**
 * The trace panel's persisted UI state (VS Code keeps it across reloads): per trace, which spans
 * are collapsed and which is selected; globally, the detail tab and the tree column width.
 * Collapse state is stored as a base ("everything expanded" / "everything but the roots
 * collapsed") plus the ids toggled away from it, so "collapse all" on a 50k-span trace stays small.
 * Only navigation state is stored, never trace data.
 */
import { z } from "zod";
import { getUiState, setUiState } from "../lib/vscodeApi";

const MAX_TRACES = 25;
const MAX_TOGGLED = 5000;

const TraceUi = z.object({
  traceId: z.string(),
  base: z.enum(["expanded", "collapsed"]),
  toggled: z.array(z.string()).max(MAX_TOGGLED),
  selected: z.string().nullable(),
});
export type TraceUi = z.infer<typeof TraceUi>;

const PanelUi = z.object({
  v: z.literal(1),
  traces: z.array(TraceUi).max(MAX_TRACES),
  tab: z.string().max(40).default("chat"),
  treeWidth: z.number().min(120).max(4000).nullable().default(null),
});
type PanelUi = z.infer<typeof PanelUi>;

let state: PanelUi = getUiState(PanelUi) ?? { v: 1, traces: [], tab: "chat", treeWidth: null };
let saveTimer: ReturnType<typeof setTimeout> | null = null;

function save(): void {
  if (saveTimer !== null) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    setUiState(state);
  }, 150);
}

export function traceUi(traceId: string): TraceUi {
  const found = state.traces.find((t) => t.traceId === traceId);
  return found ? { ...found, toggled: [...found.toggled] } : { traceId, base: "expanded", toggled: [], selected: null };
}

export function saveTraceUi(ui: TraceUi): void {
  const toggled = ui.toggled.length > MAX_TOGGLED ? ui.toggled.slice(-MAX_TOGGLED) : ui.toggled;
  state = { ...state, traces: [{ ...ui, toggled }, ...state.traces.filter((t) => t.traceId !== ui.traceId)].slice(0, MAX_TRACES) };
  save();
}

export function savedTab(): string {
  return state.tab;
}

export function saveTab(tab: string): void {
  state = { ...state, tab };
  save();
}

export function savedTreeWidth(): number | null {
  return state.treeWidth;
}

export function saveTreeWidth(px: number): void {
  state = { ...state, treeWidth: Math.round(px) };
  save();
}
