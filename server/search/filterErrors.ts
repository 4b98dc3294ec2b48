/** The one error type of MLflow filter_string (and order_by) parsing, pointing at a 1-based column. */
import type { FilterError } from "../../protocol/model";

/** Widest excerpt shown around the error column (longer inputs are windowed with "…"). */
const EXCERPT_WIDTH = 80;

export class FilterSyntaxError extends Error {
  /** Machine-readable code, as other ScoreLens errors carry one. */
  readonly reason = "invalid-filter";
  /** What went wrong, without the position: "expected a value after '=' but found end of input". */
  readonly detail: string;
  /** 1-based column in `input` (input.length + 1 means "at the end"). */
  readonly column: number;
  /** The input line (windowed when long) and a caret under the column: "status = \n         ^". */
  readonly excerpt: string;
  readonly input: string;

  constructor(input: string, column: number, detail: string, what = "filter") {
    const col = Math.max(1, Math.min(column, input.length + 1));
    super(`invalid ${what} at column ${col}: ${detail}`);
    this.name = "FilterSyntaxError";
    this.detail = detail;
    this.column = col;
    this.input = input;
    this.excerpt = excerptOf(input, col);
  }

  /** The protocol shape (protocol/model.ts FilterError) sent to the extension and webviews. */
  toFilterError(): FilterError {
    return { message: this.message, column: this.column, excerpt: this.excerpt };
  }

  static is(e: unknown): e is FilterSyntaxError {
    return e instanceof FilterSyntaxError;
  }
}

/** One line of the input with a caret under `column`; tabs/newlines become spaces so the caret lines up. */
export function excerptOf(input: string, column: number): string {
  const flat = input.replace(/[\t\r\n\v\f]/g, " ");
  let start = 0;
  let end = flat.length;
  if (flat.length > EXCERPT_WIDTH) {
    start = Math.max(0, column - 1 - Math.floor(EXCERPT_WIDTH / 2));
    end = Math.min(flat.length, start + EXCERPT_WIDTH);
    start = Math.max(0, end - EXCERPT_WIDTH);
  }
  const prefix = start > 0 ? "…" : "";
  const suffix = end < flat.length ? "…" : "";
  const line = prefix + flat.slice(start, end) + suffix;
  const caretAt = prefix.length + (column - 1 - start);
  return `${line}\n${" ".repeat(Math.max(0, caretAt))}^`;
}
