/**
 * Code lenses above scorer definitions (pure: the server turns them into LSP CodeLens objects).
 *
 *   ▶ Run all 3 scorers on last 20 traces                      (above the file's first scorer)
 *   ▶ Run on last 20 traces | Run on… | 👁 Watch | mean 0.82 · 20 traces · Δ mean +0.05 | Registered v2 · active 10% | Register
 *
 * In an untrusted workspace a file gets one lens that leads to the Workspace Trust editor, since
 * running a scorer means running workspace code.
 */
import type { ScorerDef } from "../../../protocol/scoring";
import type { Range } from "./positions";

/** Commands the lenses invoke. The scorelens.* ones are to be contributed by the extension. */
export const SCORER_LENS_COMMANDS = {
  run: "scorelens.runScorer",
  runAll: "scorelens.runScorers",
  runOn: "scorelens.runScorerOn",
  watch: "scorelens.toggleWatch",
  showRun: "scorelens.showRun",
  register: "scorelens.registerScorer",
  updateRegistration: "scorelens.updateRegistration",
  manageTrust: "workbench.trust.manage",
} as const;

export interface LastRun {
  /** One line, e.g. "0.82 mean · 20 traces · 1 error". */
  summary: string;
  runId: string;
  /** Change from the run before it on the same selection, e.g. "Δ mean +0.05 · errors −2"; null when there is none. */
  delta?: string | null;
}

export interface Registration {
  version: number;
  /** 0..1; 0 means stopped. */
  sampleRate: number;
  /** The scorer's source differs from the registered one. */
  sourceChanged: boolean;
}

export interface LensState {
  trusted: boolean;
  /** N in "Run on last N traces". */
  lastN: number;
  /** By scorer name. */
  lastRuns: ReadonlyMap<string, LastRun>;
  /** By scorer name. */
  registrations: ReadonlyMap<string, Registration>;
  /** False until registration (monitoring) is available: no "Register" lens. Default true. */
  registrationEnabled?: boolean;
  /** Scorer names in watch mode (re-run on save). */
  watched?: ReadonlySet<string>;
}

export interface RunTarget {
  kind: "lastN";
  n: number;
}

export interface ScorerLens {
  /** A zero-width range at the start of the definition (lenses show above its line). */
  range: Range;
  title: string;
  /** "" for a label that does nothing when clicked (the registration status). */
  command: string;
  arguments: unknown[];
}

/** "10%", "12.5%", "0.05%". */
export function formatRate(sampleRate: number): string {
  const pct = Math.min(1, Math.max(0, sampleRate)) * 100;
  const text = pct >= 1 ? String(Number(pct.toFixed(1))) : String(Number(pct.toPrecision(1)));
  return `${text}%`;
}

/** "Registered v3 · active 10%" or "Registered v3 · stopped". */
export function registrationStatus(r: Registration): string {
  return `Registered v${r.version} · ${r.sampleRate > 0 ? `active ${formatRate(r.sampleRate)}` : "stopped"}`;
}

function startOf(def: ScorerDef): Range {
  const at = { line: def.range.startLine, character: def.range.startCharacter };
  return { start: at, end: { ...at } };
}

export function scorerLenses(defs: readonly ScorerDef[], state: LensState): ScorerLens[] {
  if (defs.length === 0) return [];
  if (!state.trusted) {
    const first = [...defs].sort((a, b) => a.range.startLine - b.range.startLine || a.range.startCharacter - b.range.startCharacter)[0] as ScorerDef;
    return [
      {
        range: startOf(first),
        title: "Scorers are disabled in untrusted workspaces — Manage Workspace Trust",
        command: SCORER_LENS_COMMANDS.manageTrust,
        arguments: [],
      },
    ];
  }
  const lenses: ScorerLens[] = [];
  const n = Math.max(1, Math.floor(state.lastN));
  const traces = `${n} ${n === 1 ? "trace" : "traces"}`;
  const ordered = [...defs].sort((a, b) => a.range.startLine - b.range.startLine || a.range.startCharacter - b.range.startCharacter);
  if (ordered.length >= 2) {
    // One run of every scorer in the file: one results panel with a column per assessment.
    const first = ordered[0] as ScorerDef;
    const refs = ordered.map((d) => ({ file: d.file, scorerName: d.exportName ?? d.name }));
    lenses.push({ range: startOf(first), title: `▶ Run all ${ordered.length} scorers on last ${traces}`, command: SCORER_LENS_COMMANDS.runAll, arguments: [refs, { kind: "lastN", n }] });
  }
  for (const def of defs) {
    const range = startOf(def);
    const lens = (title: string, command: string, args: unknown[]): void => {
      lenses.push({ range: { start: { ...range.start }, end: { ...range.end } }, title, command, arguments: args });
    };
    const target: RunTarget = { kind: "lastN", n };
    // The runtime finds a scorer by its export name (always unambiguous) or its scorer name.
    const runName = def.exportName ?? def.name;
    lens(`▶ Run on last ${traces}`, SCORER_LENS_COMMANDS.run, [def.file, runName, target]);
    lens("Run on…", SCORER_LENS_COMMANDS.runOn, [def.file, runName]);
    const watching = state.watched?.has(def.name) ?? false;
    lens(watching ? "$(eye) Watching: runs on save (stop)" : "$(eye) Watch", SCORER_LENS_COMMANDS.watch, [def.file, runName, def.name]);
    const last = state.lastRuns.get(def.name);
    if (last) lens(last.delta ? `${last.summary} · ${last.delta}` : last.summary, SCORER_LENS_COMMANDS.showRun, [last.runId]);
    const reg = state.registrations.get(def.name);
    if (reg) {
      lens(registrationStatus(reg), "", []);
      if (reg.sourceChanged) lens("Source changed since registration — Update", SCORER_LENS_COMMANDS.updateRegistration, [def.file, runName, def.name]);
    } else if (state.registrationEnabled !== false && def.exportName !== null) {
      // Registration snapshots an export (a scorer that isn't exported can't be loaded).
      lens("Register", SCORER_LENS_COMMANDS.register, [def.file, runName, def.name]);
    }
  }
  return lenses;
}
