/**
 * Hover over a scorer definition, and completions inside scorer code:
 *   - parameter names in a scorer's destructuring: `scorer(({ | }) => …)`, `score({ | })`
 *   - span types in `spanType: "|"` (also `spanType: ["LLM", "|"]` and `span.spanType === "|"`)
 *   - aggregation names in `aggregations: ["|"]` (or `aggregations: [|]`, which inserts the quotes)
 * Pure: text and position in, markdown / LSP-shaped completion items out.
 */
import ts from "typescript";
import { SPAN_TYPES } from "../../../protocol/model";
import { AGGREGATIONS, SCORER_PARAMS, type ScorerDef } from "../../../protocol/scoring";
import { registrationStatus, type LastRun, type Registration } from "./codeLens";
import { collectSdkBindings, parseSource, propertyNameText, type SdkBindings } from "./findScorers";
import { lineStarts, offsetAt, positionAt, rangeContains, type Position, type Range } from "./positions";

// ---------------------------------------------------------------------------------------------
// Hover

const MD_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>]/g;

function escapeMarkdown(text: string): string {
  return text.replace(MD_SPECIAL, (c) => `\\${c}`);
}

function code(text: string): string {
  const ticks = text.includes("`") ? "``" : "`";
  return `${ticks}${text}${ticks}`;
}

function hoverTarget(defs: readonly ScorerDef[], position: Position): ScorerDef | null {
  const onName = defs.find((d) => rangeContains(d.nameRange, position));
  if (onName) return onName;
  return defs.find((d) => d.range.startLine === position.line && rangeContains(d.range, position)) ?? null;
}

/** Markdown for the scorer under the cursor (its name, or the first line of its definition), else null. */
export function scorerHover(
  defs: readonly ScorerDef[],
  position: Position,
  lastRuns: ReadonlyMap<string, LastRun>,
  registrations: ReadonlyMap<string, Registration>,
): string | null {
  const def = hoverTarget(defs, position);
  if (!def) return null;
  const lines: string[] = [];
  const exported = def.exportName === null ? "not exported" : `exported as ${code(def.exportName)}`;
  lines.push(`**Scorer ${code(def.name)}** · ${def.kind === "class" ? "class" : "function"} · ${exported}`);
  if (def.description) lines.push("", escapeMarkdown(def.description));
  lines.push("");
  const params = def.params.length > 0 ? def.params.map(code).join(", ") : "— (no destructured parameters)";
  lines.push(`- **Reads:** ${params}`);
  if (def.aggregations === null) {
    lines.push(`- **Aggregations:** ${code("mean")} (default) → metric ${code(`${def.name}/mean`)}`);
  } else if (def.aggregations.length === 0) {
    lines.push("- **Aggregations:** none");
  } else {
    const metrics = def.aggregations.map((a) => code(`${def.name}/${a}`)).join(", ");
    lines.push(`- **Aggregations:** ${def.aggregations.map(code).join(", ")} → metrics ${metrics}`);
  }
  const last = lastRuns.get(def.name);
  if (last) lines.push(`- **Last run:** ${escapeMarkdown(last.summary)}`);
  const reg = registrations.get(def.name);
  if (reg) lines.push(`- **Monitoring:** ${escapeMarkdown(registrationStatus(reg))}${reg.sourceChanged ? " · source changed since registration" : ""}`);
  else lines.push("- **Monitoring:** not registered");
  if (def.exportName === null) lines.push("", "_Export it to run it from the editor or register it._");
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Completion

/** LSP CompletionItemKind values used here. */
const KIND = { property: 10, value: 12, enumMember: 20 } as const;

export interface CompletionItem {
  label: string;
  kind: (typeof KIND)[keyof typeof KIND];
  detail: string;
  documentation?: { kind: "markdown"; value: string };
  sortText: string;
  /** Replaces the string literal's contents (for values typed inside quotes). */
  textEdit?: { range: Range; newText: string };
  insertText?: string;
}

const PARAM_DOCS: Readonly<Record<(typeof SCORER_PARAMS)[number], string>> = {
  inputs: "The request: the trace's root-span inputs (or the dataset row's `inputs`).",
  outputs: "The response: the trace's root-span outputs (or the dataset row's `outputs`).",
  expectations: "Ground truth for the example, name → value (the dataset's `expectations`, or the trace's expectation assessments).",
  trace: 'The whole trace: spans, timing, tags. Find spans with `trace.searchSpans({ spanType: "TOOL" })`.',
};

const AGGREGATION_DOCS: Readonly<Record<(typeof AGGREGATIONS)[number], string>> = {
  mean: "Average of the numeric values (booleans and yes/no count as 1/0).",
  min: "Smallest value.",
  max: "Largest value.",
  median: "Median (linear interpolation, as numpy).",
  variance: "Population variance (n, as numpy's `np.var`).",
  p90: "90th percentile (linear interpolation, as numpy).",
};

interface Located {
  /** Root-to-leaf nodes containing the offset. */
  path: ts.Node[];
  sf: ts.SourceFile;
}

function isStringLike(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

function locate(sf: ts.SourceFile, offset: number): Located {
  const path: ts.Node[] = [sf];
  let node: ts.Node = sf;
  for (;;) {
    let inside: ts.Node | undefined;
    let touching: ts.Node | undefined;
    ts.forEachChild(node, (child) => {
      const start = child.getStart(sf);
      const end = child.getEnd();
      // At the very end of the text, unterminated constructs (`scorer(({ `) end at or just before the cursor.
      const atOpenEnd = offset === sf.text.length && offset >= end && sf.text.slice(end, offset).trim() === "";
      if (start <= offset && (offset < end || atOpenEnd) && !inside) inside = child;
      else if (end === offset && start < end && (ts.isIdentifier(child) || isStringLike(child) || ts.isBindingElement(child) || ts.isShorthandPropertyAssignment(child))) {
        touching = child;
      }
    });
    const next = inside ?? touching;
    if (!next) return { path, sf };
    path.push(next);
    node = next;
  }
}

function namedAs(node: ts.Node | undefined, name: string): boolean {
  if (!node) return false;
  if ((ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) && propertyNameText(node.name) === name) return true;
  return false;
}

/** `x.spanType` / `x?.spanType` / `x["spanType"]`. */
function isSpanTypeAccess(e: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(e)) return e.name.text === "spanType";
  if (ts.isElementAccessExpression(e)) return isStringLike(e.argumentExpression) && e.argumentExpression.text === "spanType";
  return false;
}

type ValueContext = "spanType" | "aggregations" | null;

/** What values a string (or an array element slot) takes, from its parent chain. */
function valueContext(node: ts.Node): ValueContext {
  let parent = node.parent;
  if (parent && ts.isArrayLiteralExpression(parent) && parent !== node) {
    const holder = parent.parent;
    if (namedAs(holder, "aggregations")) return "aggregations";
    if (namedAs(holder, "spanType")) return "spanType";
    return null;
  }
  if (ts.isArrayLiteralExpression(node)) {
    parent = node.parent;
    if (namedAs(parent, "aggregations")) return "aggregations";
    if (namedAs(parent, "spanType")) return "spanType";
    return null;
  }
  if (namedAs(parent, "spanType")) return "spanType";
  if (parent && ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    const equality =
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsToken;
    const other = parent.left === node ? parent.right : parent.left;
    if (equality && isSpanTypeAccess(other)) return "spanType";
  }
  return null;
}

function valuesFor(context: "spanType" | "aggregations"): readonly string[] {
  return context === "spanType" ? SPAN_TYPES : AGGREGATIONS;
}

/** Other string elements already in the array (not offered again). */
function siblingsOf(node: ts.Node): Set<string> {
  const arr = ts.isArrayLiteralExpression(node) ? node : node.parent && ts.isArrayLiteralExpression(node.parent) ? node.parent : null;
  const out = new Set<string>();
  for (const el of arr?.elements ?? []) if (el !== node && isStringLike(el)) out.add(el.text);
  return out;
}

function valueItem(context: "spanType" | "aggregations", value: string, index: number): CompletionItem {
  const item: CompletionItem =
    context === "spanType"
      ? { label: value, kind: KIND.enumMember, detail: "span type (MLflow SpanType)", sortText: String(index).padStart(3, "0") }
      : {
          label: value,
          kind: KIND.value,
          detail: "aggregation",
          documentation: { kind: "markdown", value: AGGREGATION_DOCS[value as (typeof AGGREGATIONS)[number]] },
          sortText: String(index).padStart(3, "0"),
        };
  return item;
}

function stringCompletions(lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral, offset: number, located: Located, starts: readonly number[]): CompletionItem[] {
  const { sf } = located;
  const start = lit.getStart(sf);
  const end = lit.getEnd();
  if (offset <= start) return [];
  const quote = sf.text[start];
  const terminated = end - start >= 2 && sf.text[end - 1] === quote;
  if (terminated && offset >= end) return [];
  const context = valueContext(lit);
  if (context === null) return [];
  const contentEnd = terminated ? end - 1 : end;
  const range: Range = { start: positionAt(starts, start + 1), end: positionAt(starts, Math.max(offset, contentEnd)) };
  const taken = siblingsOf(lit);
  return valuesFor(context)
    .filter((v) => !taken.has(v))
    .map((v, i) => ({ ...valueItem(context, v, i), textEdit: { range, newText: v } }));
}

/** `scorer`, an SDK alias of it, `ns.scorer`, or (leniently) any callee spelled scorer. */
function isScorerCallee(sdk: SdkBindings, e: ts.Expression): boolean {
  if (ts.isIdentifier(e)) return e.text === "scorer" || sdk.scorer.has(e.text);
  if (ts.isPropertyAccessExpression(e)) return e.name.text === "scorer";
  return false;
}

function isScorerClass(sdk: SdkBindings, node: ts.Node | undefined): boolean {
  if (!node || !ts.isClassLike(node)) return false;
  const base = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  if (!base) return false;
  if (ts.isIdentifier(base)) return base.text === "Scorer" || sdk.Scorer.has(base.text);
  return ts.isPropertyAccessExpression(base) && base.name.text === "Scorer";
}

/** Whether the object pattern/literal `obj` is the first parameter of a scorer function or `score` method. */
function isScorerParamObject(sdk: SdkBindings, obj: ts.Node): boolean {
  let node: ts.Node = obj;
  let parent = node.parent;
  // ({ … }) as a parameter: pattern → Parameter → function.
  if (parent && ts.isParameter(parent)) {
    const fn = parent.parent;
    if (!fn || !ts.isFunctionLike(fn)) return false;
    const params = (fn as ts.SignatureDeclaration).parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === "this"));
    if (params[0] !== parent) return false;
    if ((ts.isMethodDeclaration(fn) || ts.isPropertyDeclaration(fn.parent)) && isScoreMember(sdk, fn)) return true;
    node = fn;
    parent = fn.parent;
  } else {
    // Not yet a function (`scorer(({ out` while typing): the literal is parenthesized, maybe as `async (…)`.
    if (parent && ts.isParenthesizedExpression(parent)) {
      node = parent;
      parent = parent.parent;
    } else if (parent && ts.isCallExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === "async") {
      node = parent;
      parent = parent.parent;
    } else {
      return false;
    }
  }
  if (parent && ts.isParenthesizedExpression(parent)) {
    node = parent;
    parent = parent.parent;
  }
  return !!parent && ts.isCallExpression(parent) && parent.arguments.some((a) => a === node) && isScorerCallee(sdk, parent.expression);
}

function isScoreMember(sdk: SdkBindings, fn: ts.Node): boolean {
  if (ts.isMethodDeclaration(fn)) return propertyNameText(fn.name) === "score" && isScorerClass(sdk, fn.parent);
  const prop = fn.parent;
  return !!prop && ts.isPropertyDeclaration(prop) && propertyNameText(prop.name) === "score" && isScorerClass(sdk, prop.parent);
}

function paramCompletions(located: Located, offset: number): CompletionItem[] | null {
  const { path } = located;
  // The innermost object pattern/literal, reached only through its elements' names (not initializers).
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i] as ts.Node;
    if (!ts.isObjectBindingPattern(node) && !ts.isObjectLiteralExpression(node)) continue;
    const child = path[i + 1];
    if (!child && !/[{,]$/.test(located.sf.text.slice(node.getStart(located.sf), offset).trimEnd())) return null; // after `=` or `:`
    if (child) {
      // Only on the key being typed: not in a default value, a renamed local or a nested pattern.
      const key = ts.isBindingElement(child) ? (child.propertyName ?? child.name) : ts.isShorthandPropertyAssignment(child) ? child.name : null;
      if (!key || !ts.isIdentifier(key) || offset > key.getEnd()) return null;
    }
    const sdk = collectSdkBindings(located.sf);
    if (!isScorerParamObject(sdk, node)) return null;
    const present = new Set<string>();
    const elements: readonly ts.Node[] = ts.isObjectBindingPattern(node) ? node.elements : node.properties;
    for (const el of elements) {
      if (el === child) continue;
      const key = ts.isBindingElement(el) ? (el.propertyName ?? el.name) : ts.isShorthandPropertyAssignment(el) || ts.isPropertyAssignment(el) ? el.name : null;
      const text = key ? propertyNameText(key) : null;
      if (text !== null) present.add(text);
    }
    return SCORER_PARAMS.filter((p) => !present.has(p)).map((p, idx) => ({
      label: p,
      kind: KIND.property,
      detail: "scorer parameter",
      documentation: { kind: "markdown", value: PARAM_DOCS[p] },
      sortText: String(idx).padStart(3, "0"),
    }));
  }
  return null;
}

/**
 * Completion items at `position`, or [] when the cursor is in none of the contexts above.
 * `file` only picks the parser's language (TSX/JSX); default TS.
 */
export function scorerCompletions(text: string, position: Position, file = "untitled.ts"): CompletionItem[] {
  const starts = lineStarts(text);
  const offset = offsetAt(text, starts, position);
  const sf = parseSource(text, file, true);
  const located = locate(sf, offset);
  const leaf = located.path[located.path.length - 1] as ts.Node;

  if (isStringLike(leaf)) return stringCompletions(leaf, offset, located, starts);

  // `aggregations: [|]` / `spanType: ["LLM", |]`: insert quoted values.
  if (ts.isArrayLiteralExpression(leaf) && offset > leaf.getStart(sf) && offset < leaf.getEnd()) {
    const context = valueContext(leaf);
    if (context !== null) {
      const taken = siblingsOf(leaf);
      return valuesFor(context)
        .filter((v) => !taken.has(v))
        .map((v, i) => ({ ...valueItem(context, v, i), insertText: JSON.stringify(v) }));
    }
  }

  return paramCompletions(located, offset) ?? [];
}
