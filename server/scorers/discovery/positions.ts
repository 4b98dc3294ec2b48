/**
 * Offsets ↔ 0-based LSP positions (UTF-16 code units; line breaks are \n, \r\n and \r, as in LSP).
 * Shared by discovery, diagnostics, quick fixes and completions so every range agrees.
 */
import type { SourceRange } from "../../../protocol/scoring";

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Offsets where each line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

export function positionAt(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - (starts[lo] ?? 0) };
}

/** The offset of a position, clamped to the line's end (line break excluded) and to the text. */
export function offsetAt(text: string, starts: readonly number[], pos: Position): number {
  if (pos.line < 0) return 0;
  const start = starts[pos.line];
  if (start === undefined) return text.length;
  let end = starts[pos.line + 1] ?? text.length;
  while (end > start && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return Math.min(start + Math.max(0, pos.character), end);
}

export function sourceRange(starts: readonly number[], from: number, to: number): SourceRange {
  const s = positionAt(starts, from);
  const e = positionAt(starts, to);
  return { startLine: s.line, startCharacter: s.character, endLine: e.line, endCharacter: e.character };
}

export function toLspRange(r: SourceRange): Range {
  return { start: { line: r.startLine, character: r.startCharacter }, end: { line: r.endLine, character: r.endCharacter } };
}

export function fromLspRange(r: Range): SourceRange {
  return { startLine: r.start.line, startCharacter: r.start.character, endLine: r.end.line, endCharacter: r.end.character };
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Whether `pos` is inside `r`, both ends included (a cursor right after a name still "touches" it). */
export function rangeContains(r: SourceRange, pos: Position): boolean {
  return (
    comparePositions({ line: r.startLine, character: r.startCharacter }, pos) <= 0 &&
    comparePositions(pos, { line: r.endLine, character: r.endCharacter }) <= 0
  );
}
