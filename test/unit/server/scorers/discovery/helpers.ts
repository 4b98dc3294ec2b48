/** Test helpers for scorer discovery: fixture files and "where is this text" positions. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ScorerDef, SourceRange } from "../../../../../protocol/scoring";
import type { Position } from "../../../../../server/scorers/discovery/positions";

export const FIXTURES = path.resolve(__dirname, "../../../../fixtures/scorers");

export function fixture(name: string): { file: string; text: string } {
  const file = path.join(FIXTURES, name);
  return { file, text: readFileSync(file, "utf8") };
}

/** The 0-based position of the `nth` occurrence of `needle` (plus `delta` characters). */
export function at(text: string, needle: string, delta = 0, nth = 0): Position {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`not found: ${JSON.stringify(needle)} (#${nth})`);
  }
  const offset = index + delta;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The range of the `nth` occurrence of `needle`. */
export function rangeOf(text: string, needle: string, nth = 0): SourceRange {
  const s = at(text, needle, 0, nth);
  const e = at(text, needle, needle.length, nth);
  return { startLine: s.line, startCharacter: s.character, endLine: e.line, endCharacter: e.character };
}

/** The text a range covers. */
export function textAt(text: string, r: SourceRange): string {
  const lines = text.split("\n");
  if (r.startLine === r.endLine) return (lines[r.startLine] ?? "").slice(r.startCharacter, r.endCharacter);
  const first = (lines[r.startLine] ?? "").slice(r.startCharacter);
  const middle = lines.slice(r.startLine + 1, r.endLine);
  const last = (lines[r.endLine] ?? "").slice(0, r.endCharacter);
  return [first, ...middle, last].join("\n");
}

export function byName(defs: readonly ScorerDef[], name: string): ScorerDef {
  const def = defs.find((d) => d.name === name);
  if (!def) throw new Error(`no scorer named ${name}; have ${defs.map((d) => d.name).join(", ")}`);
  return def;
}

export function tempDir(prefix = "scorelens-discovery-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
