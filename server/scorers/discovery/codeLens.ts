/**
 * Code lenses above scorer definitions (pure: the server turns them into LSP CodeLens objects).
 *
 *   ▶ Run on last 20 traces | Run on… | 0.82 mean · 20 traces | Registered v2 · active 10% | Register
 *
 * In an untrusted workspace a file gets one lens that leads to the Workspace Trust editor, since
 * running a scorer means running workspace code.
 */
import type { ScorerDef } from "../../../protocol/scoring";
import type { Range } from "./positions";

/** Commands the lenses invoke. The scorelens.* ones are to be contributed by the extension. */
export const SCORER_LENS_COMMANDS = {
  run: "scorelens.runScorer",
  runOn: "scorelens.runScorerOn",
  showRun: "scorelens.showRun",
  register: "scorelens.registerScorer",
  updateRegistration: "scorelens.updateRegistration",
  manageTrust: "workbench.trust.manage",
} as const;

export interface LastRun {
  /** One line, e.g. "0.82 mean · 20 traces · 1 error". */
  summary: string;
  runId: string;
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
  for (const def of defs) {
    const range = startOf(def);
    const lens = (title: string, command: string, args: unknown[]): void => {
      lenses.push({ range: { start: { ...range.start }, end: { ...range.end } }, title, command, arguments: args });
    };
    const target: RunTarget = { kind: "lastN", n };
    // The runtime finds a scorer by its export name (always unambiguous) or its scorer name.
    const runName = def.exportName ?? def.name;
    lens(`▶ Run on last ${n} ${n === 1 ? "trace" : "traces"}`, SCORER_LENS_COMMANDS.run, [def.file, runName, target]);
    lens("Run on…", SCORER_LENS_COMMANDS.runOn, [def.file, runName]);
    const last = state.lastRuns.get(def.name);
    if (last) lens(last.summary, SCORER_LENS_COMMANDS.showRun, [last.runId]);
    const reg = state.registrations.get(def.name);
    if (reg) {
      lens(registrationStatus(reg), "", []);
      if (reg.sourceChanged) lens("Source changed since registration — Update", SCORER_LENS_COMMANDS.updateRegistration, [def.file, def.name]);
    } else if (state.registrationEnabled !== false) {
      lens("Register", SCORER_LENS_COMMANDS.register, [def.file, def.name]);
    }
  }
  return lenses;
}
