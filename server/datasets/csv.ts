/**
 * RFC 4180 CSV, read and written. Pure.
 *
 * Reading: quoted fields (with embedded delimiters, doubled quotes and line breaks), CRLF / LF / CR
 * line ends, a last line with or without a line end. The delimiter is the comma, unless the header
 * line has none and has tabs or semicolons instead (spreadsheets in some locales write `;`).
 * Writing: CRLF line ends; a field is quoted when it holds the delimiter, a quote or a line break.
 */

export class CsvError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

export interface CsvRecords {
  delimiter: string;
  records: string[][];
  /** The 1-based line each record starts on (records may span lines). */
  lines: number[];
}

/** The delimiter of the header line: ",", else a tab or ";" when the header has those and no comma. */
export function sniffDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const header = end < 0 ? text : text.slice(0, end);
  if (header.includes(",")) return ",";
  if (header.includes("\t")) return "\t";
  if (header.includes(";")) return ";";
  return ",";
}

function countBreaks(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  // A lone CR is a line end too.
  for (let i = s.indexOf("\r"); i >= 0; i = s.indexOf("\r", i + 1)) if (s[i + 1] !== "\n") n++;
  return n;
}

/** Parses CSV text (without a BOM). `maxRecords` stops early with an error (the caller's row cap). */
export function parseCsv(text: string, opts: { delimiter?: string; maxRecords?: number; tooMany?: (line: number) => string } = {}): CsvRecords {
  const delimiter = opts.delimiter ?? sniffDelimiter(text);
  const records: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let record: string[] = [];
  let recordLine = 1;
  while (i < n) {
    let field: string;
    if (text[i] === '"') {
      const openLine = line;
      let value = "";
      let pos = i + 1;
      for (;;) {
        const q = text.indexOf('"', pos);
        if (q < 0) throw new CsvError(openLine, "a quoted field starts here and is never closed (a missing closing quote)");
        value += text.slice(pos, q);
        if (text[q + 1] === '"') {
          value += '"';
          pos = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      line += countBreaks(value);
      const next = text[i];
      if (i < n && next !== delimiter && next !== "\n" && next !== "\r") {
        throw new CsvError(line, `unexpected ${JSON.stringify(next)} after the closing quote of a quoted field (write a quote inside a quoted field as two quotes: "")`);
      }
      field = value;
    } else {
      let j = i;
      while (j < n) {
        const c = text[j];
        if (c === delimiter || c === "\n" || c === "\r") break;
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    record.push(field);
    const c = text[i];
    if (c === delimiter) {
      i++;
      if (i < n) continue;
      record.push(""); // "a,b," at the very end: an empty last field
    } else if (c === "\r") i += text[i + 1] === "\n" ? 2 : 1;
    else if (c === "\n") i++;
    // End of the record: a line end or the end of the text.
    records.push(record);
    lines.push(recordLine);
    if (opts.maxRecords !== undefined && records.length > opts.maxRecords) {
      throw new CsvError(recordLine, opts.tooMany?.(recordLine) ?? `more than ${opts.maxRecords} records`);
    }
    line++;
    record = [];
    recordLine = line;
  }
  return { delimiter, records, lines };
}

function quote(field: string, delimiter: string): string {
  const needs = field.includes(delimiter) || field.includes('"') || field.includes("\n") || field.includes("\r");
  return needs ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Writes records as CSV text with CRLF line ends (and a final CRLF). */
export function writeCsv(records: readonly (readonly string[])[], delimiter = ","): string {
  let out = "";
  for (const r of records) out += r.map((f) => quote(f, delimiter)).join(delimiter) + "\r\n";
  return out;
}
