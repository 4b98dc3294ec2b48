/**
 * Diagnostics for scorer definitions, shaped as LSP `Diagnostic`s, and the quick fixes for them.
 *
 *   unknown-param            a destructured key that is not inputs/outputs/expectations/trace
 *   duplicate-name           two scorers with the same name in the workspace
 *   unknown-aggregation      an aggregation name the SDK rejects
 *   unnamed-feedbacks        a returned list of several `new Feedback(...)` where some have no name
 *   duplicate-feedback-names a returned list of Feedbacks where two share a literal name
 *
 * Pure: the caller passes the document text and a name lookup (the workspace index).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AGGREGATIONS, SCORER_PARAMS, type ScorerDef } from "../../../protocol/scoring";
import { analyzeFile, type FileAnalysis, type ScorerAnalysis } from "./findScorers";
import { lineStarts, offsetAt, toLspRange, type Range } from "./positions";

export type DiagnosticCode = "unknown-param" | "duplicate-name" | "unknown-aggregation" | "unnamed-feedbacks" | "duplicate-feedback-names";

/** LSP DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint. */
export type Severity = 1 | 2 | 3 | 4;

/** `data` of a diagnostic that has a quick fix: what is written at the range and what should be. */
export interface ReplacementData {
  /** The text at the diagnostic's range when it was computed (quotes excluded for aggregations). */
  original: string;
  /** The suggested name. */
  replacement: string;
  /** For `{ output }`: the fix writes `outputs: output` so the local name the body uses is kept. */
  shorthand?: boolean;
}

export interface RelatedInformation {
  location: { uri: string; range: Range };
  message: string;
}

/** Assignable to `Diagnostic` from vscode-languageserver. */
export interface ScorerDiagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  source: "scorelens";
  data?: ReplacementData;
  relatedInformation?: RelatedInformation[];
}

/** What the diagnostics need from the workspace index. */
export interface ScorerLookup {
  byName(name: string): readonly ScorerDef[];
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  isPreferred: boolean;
}

const ALLOWED_PARAMS: readonly string[] = SCORER_PARAMS;
const ALLOWED_AGGREGATIONS: readonly string[] = AGGREGATIONS;

/** Names people reach for, mapped to MLflow 3's (MLflow 2 / agent-evaluation names included). */
const PARAM_SYNONYMS: Readonly<Record<string, string>> = {
  input: "inputs",
  request: "inputs",
  output: "outputs",
  response: "outputs",
  prediction: "outputs",
  expectation: "expectations",
  expected: "expectations",
  expected_response: "expectations",
  expectedresponse: "expectations",
  expected_facts: "expectations",
  ground_truth: "expectations",
  groundtruth: "expectations",
  traces: "trace",
  retrieved_context: "trace",
};

const AGGREGATION_SYNONYMS: Readonly<Record<string, string>> = {
  avg: "mean",
  average: "mean",
  minimum: "min",
  maximum: "max",
  med: "median",
  p50: "median",
  var: "variance",
  p90th: "p90",
  percentile90: "p90",
};

/** Damerau–Levenshtein distance (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

/** The closest allowed name: a known synonym, or one within a small edit distance; else null. */
export function suggestName(word: string, allowed: readonly string[], synonyms: Readonly<Record<string, string>> = {}): string | null {
  const lower = word.toLowerCase();
  const synonym = synonyms[lower] ?? synonyms[lower.replace(/[-\s]/g, "_")];
  if (synonym !== undefined) return synonym;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const dist = editDistance(lower, candidate);
    if (dist < bestDistance) {
      bestDistance = dist;
      best = candidate;
    }
  }
  if (best === null) return null;
  if (bestDistance === 0) return best === word ? null : best; // only the case differs
  return bestDistance <= 2 && bestDistance * 2 < word.length ? best : null;
}

function quoteList(names: readonly string[]): string {
  return names.slice(0, -1).join(", ") + (names.length > 1 ? " and " : "") + (names[names.length - 1] ?? "");
}

function defKey(d: ScorerDef): string {
  return `${d.name}@${d.range.startLine}:${d.range.startCharacter}`;
}

function where(fromFile: string, other: ScorerDef): string {
  const rel = path.relative(path.dirname(fromFile), other.file) || path.basename(other.file);
  return `${rel.split(path.sep).join("/")}:${other.nameRange.startLine + 1}`;
}

/**
 * Diagnostics for the scorers of one document. `defs` are the document's definitions (the ones
 * to report on); `analysis` may be passed when the caller already has it for this exact text.
 */
export function scorerDiagnostics(
  defs: readonly ScorerDef[],
  text: string,
  file: string,
  workspaceIndex: ScorerLookup,
  analysis: FileAnalysis = analyzeFile(text, file),
): ScorerDiagnostic[] {
  const wanted = new Set(defs.map(defKey));
  const out: ScorerDiagnostic[] = [];
  for (const a of analysis.scorers) {
    if (!wanted.has(defKey(a.def))) continue;
    out.push(...paramDiagnostics(a), ...aggregationDiagnostics(a), ...feedbackDiagnostics(a));
  }
  out.push(...duplicateNameDiagnostics(defs, file, workspaceIndex));
  return out.sort(
    (x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character || x.code.localeCompare(y.code),
  );
}

function paramDiagnostics(a: ScorerAnalysis): ScorerDiagnostic[] {
  const out: ScorerDiagnostic[] = [];
  for (const p of a.paramElements) {
    if (ALLOWED_PARAMS.includes(p.name)) continue;
    const replacement = suggestName(p.name, ALLOWED_PARAMS, PARAM_SYNONYMS);
    const allowed = `A scorer receives one object with ${quoteList(ALLOWED_PARAMS)}`;
    const message =
      replacement !== null
        ? `"${p.name}" is not a scorer parameter; did you mean "${replacement}"? ${allowed}.`
        : `"${p.name}" is not a scorer parameter: it is always undefined. ${allowed} (read other values from inputs, outputs or expectations).`;
    const d: ScorerDiagnostic = { range: toLspRange(p.range), severity: 1, code: "unknown-param", message, source: "scorelens" };
    if (replacement !== null) d.data = { original: p.name, replacement, shorthand: p.shorthand };
    out.push(d);
  }
  return out;
}

function aggregationDiagnostics(a: ScorerAnalysis): ScorerDiagnostic[] {
  const out: ScorerDiagnostic[] = [];
  for (const el of a.aggregationElements) {
    if (el.value === null || ALLOWED_AGGREGATIONS.includes(el.value)) continue;
    const replacement = suggestName(el.value, ALLOWED_AGGREGATIONS, AGGREGATION_SYNONYMS);
    const allowed = `Use ${quoteList(ALLOWED_AGGREGATIONS)}, or a function (values: number[]) => number.`;
    const message =
      replacement !== null
        ? `Unknown aggregation "${el.value}"; did you mean "${replacement}"? ${allowed}`
        : `Unknown aggregation "${el.value}". ${allowed}`;
    const d: ScorerDiagnostic = { range: toLspRange(el.range), severity: 1, code: "unknown-aggregation", message, source: "scorelens" };
    if (replacement !== null) d.data = { original: el.value, replacement };
    out.push(d);
  }
  return out;
}

function feedbackDiagnostics(a: ScorerAnalysis): ScorerDiagnostic[] {
  const out: ScorerDiagnostic[] = [];
  for (const arr of a.feedbackArrays) {
    for (const r of arr.unnamed) {
      const which = arr.unnamed.length === arr.count ? "none has a name" : `${arr.unnamed.length} have no name`;
      out.push({
        range: toLspRange(r),
        severity: 1,
        code: "unnamed-feedbacks",
        message:
          `This Feedback needs a name: scorer "${a.def.name}" returns ${arr.count} Feedbacks here and ${which}. ` +
          `When a scorer returns several Feedbacks each needs a unique name, otherwise the result is a single error Feedback: new Feedback({ name, value }).`,
        source: "scorelens",
      });
    }
    for (const dup of arr.duplicateNames) {
      out.push({
        range: toLspRange(dup.range),
        severity: 1,
        code: "duplicate-feedback-names",
        message: `Another Feedback in this list is also named "${dup.name}": each Feedback a scorer returns needs a unique name, otherwise the result is a single error Feedback.`,
        source: "scorelens",
      });
    }
  }
  return out;
}

function duplicateNameDiagnostics(defs: readonly ScorerDef[], file: string, index: ScorerLookup): ScorerDiagnostic[] {
  const out: ScorerDiagnostic[] = [];
  for (const def of defs) {
    const sameFile = defs.filter((d) => d !== def && d.name === def.name);
    const elsewhere = index.byName(def.name).filter((d) => d.file !== file);
    const others = [...sameFile, ...elsewhere];
    if (others.length === 0) continue;
    const listed = others.slice(0, 3).map((o) => where(file, o));
    const more = others.length > 3 ? ` and ${others.length - 3} more` : "";
    out.push({
      range: toLspRange(def.nameRange),
      severity: 2,
      code: "duplicate-name",
      message: `Another scorer is also named "${def.name}" (${listed.join(", ")}${more}). Scorer names must be unique in the workspace: results, metrics and registrations are keyed by name.`,
      source: "scorelens",
      relatedInformation: others.map((o) => ({
        location: { uri: pathToFileURL(o.file).href, range: toLspRange(o.nameRange) },
        message: `scorer "${o.name}"`,
      })),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Quick fixes

function isReplacementData(data: unknown): data is ReplacementData {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d.original === "string" && typeof d.replacement === "string" && (d.shorthand === undefined || typeof d.shorthand === "boolean");
}

/** The diagnostic as the client sends it back in a code-action request (code and data are untyped there). */
export interface DiagnosticLike {
  range: Range;
  code?: string | number;
  data?: unknown;
}

/**
 * Text edits that fix an unknown-param near miss or an unknown aggregation. Returns [] when the
 * diagnostic has no suggestion or the document changed under it.
 */
export function quickFixes(diagnostic: DiagnosticLike, text: string): QuickFix[] {
  const data = diagnostic.data;
  if (!isReplacementData(data)) return [];
  const starts = lineStarts(text);
  const from = offsetAt(text, starts, diagnostic.range.start);
  const to = offsetAt(text, starts, diagnostic.range.end);
  const current = text.slice(from, to);
  if (diagnostic.code === "unknown-param") {
    if (current !== data.original || !/^[A-Za-z_$][\w$]*$/.test(data.replacement)) return [];
    if (data.shorthand) {
      return [
        {
          title: `Read "${data.replacement}" into "${data.original}" (${data.replacement}: ${data.original})`,
          edits: [{ range: diagnostic.range, newText: `${data.replacement}: ${data.original}` }],
          isPreferred: true,
        },
      ];
    }
    return [{ title: `Change "${data.original}" to "${data.replacement}"`, edits: [{ range: diagnostic.range, newText: data.replacement }], isPreferred: true }];
  }
  if (diagnostic.code === "unknown-aggregation") {
    const quote = current[0];
    if ((quote !== '"' && quote !== "'" && quote !== "`") || current !== `${quote}${data.original}${quote}`) return [];
    return [
      {
        title: `Change aggregation "${data.original}" to "${data.replacement}"`,
        edits: [{ range: diagnostic.range, newText: `${quote}${data.replacement}${quote}` }],
        isPreferred: true,
      },
    ];
  }
  return [];
}
