import assert from "node:assert/strict";
import { test } from "node:test";
import type { CodeLens } from "vscode-languageserver";
import type { ScorerDef } from "../../../../../protocol/scoring";
import {
  formatRate,
  registrationStatus,
  scorerLenses,
  type LastRun,
  type LensState,
  type Registration,
  type ScorerLens,
} from "../../../../../server/scorers/discovery/codeLens";
import { findScorers } from "../../../../../server/scorers/discovery/findScorers";
import { fixture } from "./helpers";

const { file, text } = fixture("mlflow-docs.ts");
const defs = findScorers(text, file);

function state(partial: Partial<LensState> = {}): LensState {
  return { trusted: true, lastN: 20, lastRuns: new Map(), registrations: new Map(), ...partial };
}

function summary(lenses: readonly ScorerLens[]): [line: number, title: string, command: string, args: unknown[]][] {
  return lenses.map((l) => [l.range.start.line, l.title, l.command, l.arguments]);
}

function toLsp(l: ScorerLens): CodeLens {
  return { range: l.range, command: { title: l.title, command: l.command, arguments: l.arguments } };
}

test("trusted, never run, not registered: Run on last N, Run on…, Watch, Register", () => {
  const len = defs.filter((d) => d.name === "response_length");
  const lenses = scorerLenses(len, state());
  const line = len[0]?.range.startLine ?? -1;
  assert.deepEqual(summary(lenses), [
    // run arguments name the export (what the runtime loads); this scorer is exported as responseLength
    [line, "▶ Run on last 20 traces", "scorelens.runScorer", [file, len[0]?.exportName ?? "response_length", { kind: "lastN", n: 20 }]],
    [line, "Run on…", "scorelens.runScorerOn", [file, len[0]?.exportName ?? "response_length"]],
    [line, "$(eye) Watch", "scorelens.toggleWatch", [file, len[0]?.exportName ?? "response_length", "response_length"]],
    [line, "Register", "scorelens.registerScorer", [file, len[0]?.exportName ?? "response_length", "response_length"]],
  ]);
  // Until monitoring exists the server turns the Register lens off.
  assert.ok(!scorerLenses(len, state({ registrationEnabled: false })).some((l) => l.title === "Register"));
  // Lenses sit at the start of the definition, zero-width, and are valid LSP CodeLenses.
  const lsp = lenses.map(toLsp);
  assert.deepEqual(lsp[0]?.range.start, lsp[0]?.range.end);
  assert.equal(lenses[0]?.range.start.character, len[0]?.range.startCharacter);
});

test("after a run and with registrations: summary, status, update when the source changed", () => {
  const lastRuns = new Map<string, LastRun>([["response_length", { summary: "✓ 20 traces · mean 41.3 · min 3 · max 120", runId: "run-7", delta: "Δ mean +2.1" }]]);
  const registrations = new Map<string, Registration>([
    ["response_length", { version: 3, sampleRate: 0.1, sourceChanged: false }],
    ["mentionsKeyword", { version: 1, sampleRate: 0, sourceChanged: true }],
  ]);
  const lenses = scorerLenses(defs, state({ lastRuns, registrations, lastN: 1, watched: new Set(["response_length"]) }));
  const titles = (name: string): string[] => {
    const def = defs.find((d) => d.name === name);
    return lenses.filter((l) => l.range.start.line === def?.range.startLine && l.command !== "scorelens.runScorers").map((l) => l.title);
  };
  assert.deepEqual(titles("response_length"), [
    "▶ Run on last 1 trace",
    "Run on…",
    "$(eye) Watching: runs on save (stop)",
    "✓ 20 traces · mean 41.3 · min 3 · max 120 · Δ mean +2.1",
    "Registered v3 · active 10%",
  ]);
  assert.deepEqual(titles("mentionsKeyword"), [
    "▶ Run on last 1 trace",
    "Run on…",
    "$(eye) Watch",
    "Registered v1 · stopped",
    "Source changed since registration — Update",
  ]);
  assert.deepEqual(titles("tool_call_efficiency"), ["▶ Run on last 1 trace", "Run on…", "$(eye) Watch", "Register"]);
  const show = lenses.find((l) => l.command === "scorelens.showRun");
  assert.deepEqual(show?.arguments, ["run-7"]);
  const update = lenses.find((l) => l.command === "scorelens.updateRegistration");
  assert.deepEqual(update?.arguments, [file, "mentionsKeyword", "mentionsKeyword"]);
  const status = lenses.find((l) => l.title.startsWith("Registered v3"));
  assert.equal(status?.command, "");
  assert.equal(lenses.length, 1 + 6 * 4 + 2);
  // One lens above the file's first scorer runs them all in one run.
  const all = lenses.filter((l) => l.command === "scorelens.runScorers");
  assert.equal(all.length, 1);
  assert.equal(all[0]?.title, "▶ Run all 6 scorers on last 1 trace");
  assert.equal(all[0]?.range.start.line, Math.min(...defs.map((d) => d.range.startLine)));
  assert.deepEqual((all[0]?.arguments[0] as Array<{ scorerName: string }>).length, 6);
});

test("untrusted workspace: one lens per file, at the first scorer, to Manage Workspace Trust", () => {
  const lenses = scorerLenses([...defs].reverse(), state({ trusted: false }));
  assert.deepEqual(summary(lenses), [
    [
      defs[0]?.range.startLine ?? -1,
      "Scorers are disabled in untrusted workspaces — Manage Workspace Trust",
      "workbench.trust.manage",
      [],
    ],
  ]);
  assert.deepEqual(scorerLenses([], state({ trusted: false })), []);
  assert.deepEqual(scorerLenses([], state()), []);
});

test("lastN is clamped to a positive integer", () => {
  const one: ScorerDef[] = defs.slice(0, 1);
  assert.equal(scorerLenses(one, state({ lastN: 0 }))[0]?.title, "▶ Run on last 1 trace");
  assert.deepEqual(scorerLenses(one, state({ lastN: 50.7 }))[0]?.arguments[2], { kind: "lastN", n: 50 });
});

test("rates and registration status", () => {
  assert.equal(formatRate(1), "100%");
  assert.equal(formatRate(0.1), "10%");
  assert.equal(formatRate(0.125), "12.5%");
  assert.equal(formatRate(0.0005), "0.05%");
  assert.equal(formatRate(2), "100%");
  assert.equal(registrationStatus({ version: 2, sampleRate: 0.5, sourceChanged: false }), "Registered v2 · active 50%");
  assert.equal(registrationStatus({ version: 2, sampleRate: 0, sourceChanged: true }), "Registered v2 · stopped");
});
