/**
 * Tokens of MLflow's filter_string. Keywords (AND, OR, LIKE, IN, NOT, IS, NULL, TRUE, FALSE…) are
 * plain words; the parser recognizes them case-insensitively.
 *
 * Strings: 'single' or "double" quoted. Inside, a doubled quote ('it''s') or a backslash before
 * the quote ('it\'s') is a literal quote, and `\\` is one backslash; any other backslash is kept
 * as written, so regexes ('^\d+$') and LIKE escapes ('100\%') pass through untouched.
 * Quoted keys: `backticks`, with a doubled backtick for a literal one.
 */
import { FilterSyntaxError } from "./filterErrors";

export type TokenType =
  | "word"
  | "backtick"
  | "string"
  | "number"
  | "op"
  | "lparen"
  | "rparen"
  | "comma"
  | "dot"
  | "eof";

export interface Token {
  type: TokenType;
  /** Unquoted value: the word, the string's content, the number's spelling, the operator. */
  value: string;
  /** Source text as written (quotes included). */
  raw: string;
  /** 1-based column of the first character. */
  column: number;
  /** For strings: the quote character used. */
  quote?: "'" | '"';
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = input.length;
  const fail = (at: number, detail: string): never => {
    throw new FilterSyntaxError(input, at + 1, detail);
  };

  while (i < n) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const col = i + 1;
    if (WORD_START.test(c)) {
      while (i < n && WORD_CHAR.test(input[i] as string)) i++;
      const w = input.slice(start, i);
      tokens.push({ type: "word", value: w, raw: w, column: col });
      continue;
    }
    if (DIGIT.test(c) || (c === "-" && DIGIT.test(input[i + 1] ?? ""))) {
      i++;
      while (i < n && DIGIT.test(input[i] as string)) i++;
      if (input[i] === "." && DIGIT.test(input[i + 1] ?? "")) {
        i++;
        while (i < n && DIGIT.test(input[i] as string)) i++;
      }
      if ((input[i] === "e" || input[i] === "E") && /[0-9+-]/.test(input[i + 1] ?? "")) {
        const save = i;
        i++;
        if (input[i] === "+" || input[i] === "-") i++;
        if (DIGIT.test(input[i] ?? "")) while (i < n && DIGIT.test(input[i] as string)) i++;
        else i = save;
      }
      if (i < n && WORD_CHAR.test(input[i] as string)) {
        while (i < n && WORD_CHAR.test(input[i] as string)) i++;
        fail(start, `'${input.slice(start, i)}' is not a valid number (quote text values: '${input.slice(start, i)}')`);
      }
      const num = input.slice(start, i);
      tokens.push({ type: "number", value: num, raw: num, column: col });
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      let out = "";
      let closed = false;
      while (i < n) {
        const ch = input[i] as string;
        if (ch === "\\" && i + 1 < n) {
          const next = input[i + 1] as string;
          if (next === c || next === "\\") {
            out += next;
            i += 2;
            continue;
          }
          out += ch;
          i++;
          continue;
        }
        if (ch === c) {
          if (input[i + 1] === c) {
            out += c;
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        out += ch;
        i++;
      }
      if (!closed) fail(start, `unterminated string: the ${c === "'" ? "single" : "double"} quote opened here is never closed`);
      tokens.push({ type: "string", value: out, raw: input.slice(start, i), column: col, quote: c });
      continue;
    }
    if (c === "`") {
      i++;
      let out = "";
      let closed = false;
      while (i < n) {
        const ch = input[i] as string;
        if (ch === "`") {
          if (input[i + 1] === "`") {
            out += "`";
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        out += ch;
        i++;
      }
      if (!closed) fail(start, "unterminated quoted key: the backtick opened here is never closed");
      if (out === "") fail(start, "empty quoted key ``");
      tokens.push({ type: "backtick", value: out, raw: input.slice(start, i), column: col });
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === "!=" || two === "<>" || two === "<=" || two === ">=" || two === "==") {
      i += 2;
      const op = two === "<>" ? "!=" : two === "==" ? "=" : two;
      tokens.push({ type: "op", value: op, raw: two, column: col });
      continue;
    }
    if (c === "=" || c === "<" || c === ">") {
      i++;
      tokens.push({ type: "op", value: c, raw: c, column: col });
      continue;
    }
    const punct: Partial<Record<string, TokenType>> = { "(": "lparen", ")": "rparen", ",": "comma", ".": "dot" };
    const p = punct[c];
    if (p) {
      i++;
      tokens.push({ type: p, value: c, raw: c, column: col });
      continue;
    }
    if (two === "||" || two === "&&") {
      fail(start, two === "||" ? "OR is not supported (MLflow filters are AND-only)" : "use AND instead of &&");
    }
    fail(start, `unexpected character '${c}' (quote keys with special characters in backticks: tag.\`my-key\`)`);
  }
  tokens.push({ type: "eof", value: "", raw: "", column: n + 1 });
  return tokens;
}
