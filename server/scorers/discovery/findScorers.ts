/**
 * Static discovery of scorer definitions in one TS/JS file, with the TypeScript compiler API
 * (no type checking: one `createSourceFile` and a walk over the top-level statements).
 *
 * Recognised shapes (the SDK's `scorer`/`Scorer`/`Feedback`, under any import alias):
 *   export const x = scorer(fn) | scorer("name", fn) | scorer({ name, aggregations, description }, fn)
 *   const x = scorer(...)                      (not exported: exportName null)
 *   export default scorer(...)
 *   class X extends Scorer { score({ outputs }) {…} }   (name from `super({ name: "…" })`, else X)
 *   export const y = x / export { x as z } / export default x      (aliases of a local scorer)
 *   exports.x = scorer(...) / module.exports = { x, y: scorer(...) }  (CommonJS)
 * Names, as the SDK and the scorer worker name them at runtime: an explicit string name (first
 * argument, `name` in the options object, or `super("…")` / `super({ name })`), else the
 * function's own name (`scorer(function y…)`, or `scorer(ref)` → the referenced function's name),
 * else the binding's name (the worker names an anonymous `export const x = scorer(({ outputs }) => …)`
 * after its export), else "scorer", the SDK's default. The runner looks scorers up by
 * `exportName` first, which is always unambiguous.
 * Exports that forward another module's binding (`export { a } from "./other"`, `export * from`,
 * `import { a } from "./o"; export { a as b }`) are reported by `findReExports` for the index to
 * resolve across files.
 *
 * The SDK is any import whose specifier ends with "scorelens", "/sdk" or "/sdk/index", or that
 * contains "sdk/scoring" (file extensions ignored): ESM named/default/namespace imports,
 * `import x = require(...)`, `require(...)` and `await import(...)`.
 */
import path from "node:path";
import ts from "typescript";
import type { ScorerDef, SourceRange } from "../../../protocol/scoring";
import { isJudgeExport, JUDGE_CLASSES, JUDGE_FACTORIES, judgeOptions } from "./judgeDefs";
import { lineStarts, sourceRange } from "./positions";

export const SCORER_FILE_EXTENSIONS: readonly string[] = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];

/** Cheap test before parsing (dependency-probe §4): a file that never says scorer/Scorer defines none. */
/** Cheap test for files that may define scorers: the SDK's scorer/Scorer, or one of its judges. */
export const SCORER_WORD =
  /\bscorer\b|\bScorer\b|\b(?:Guidelines|Safety|Correctness|RelevanceToQuery|Completeness|RetrievalGroundedness|RetrievalRelevance|RetrievalSufficiency|customPromptJudge|makeJudge)\b/;
/** Cheap test for files that may forward scorers from other files (barrels): `export *` or `export {`. */
export const EXPORT_LIST = /\bexport\s*(?:\*|\{)/;

export function scriptKindFor(file: string): ts.ScriptKind | null {
  switch (path.extname(file).toLowerCase()) {
    case ".ts":
    case ".mts":
    case ".cts":
      return ts.ScriptKind.TS;
    case ".tsx":
      return ts.ScriptKind.TSX;
    case ".js":
    case ".mjs":
    case ".cjs":
      return ts.ScriptKind.JS;
    case ".jsx":
      return ts.ScriptKind.JSX;
    default:
      return null;
  }
}

/** Parses `text` as the file's language (TS for unknown extensions). */
export function parseSource(text: string, file: string, setParentNodes = false): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, setParentNodes, scriptKindFor(file) ?? ts.ScriptKind.TS);
}

/** Whether a module specifier names the ScoreLens SDK (package or a relative path to it). */
export function isSdkSpecifier(specifier: string): boolean {
  const s = specifier
    .replace(/\\/g, "/")
    .replace(/\/+$/, "")
    .replace(/\.(?:[cm]?[jt]s|[jt]sx)$/i, "");
  return (
    s.endsWith("scorelens") ||
    s.startsWith("scorelens/") ||
    s.endsWith("/sdk") ||
    s.endsWith("/sdk/index") ||
    /(?:^|\/)sdk\/scoring(?:\/|$)/.test(s)
  );
}

// ---------------------------------------------------------------------------------------------
// Results

/** One destructured key of the scorer function's parameter object. */
export interface ParamElement {
  /** The property name (`outputs` in `{ outputs: out }`). */
  name: string;
  /** Where that property name is written. */
  range: SourceRange;
  /** `{ outputs }` (true) versus `{ outputs: out }` (false). */
  shorthand: boolean;
}

/** One entry of a literal `aggregations: [...]` array. */
export interface AggregationElement {
  /** The string, or null for a non-literal (a function…), reported as "custom". */
  value: string | null;
  /** The element, quotes included. */
  range: SourceRange;
}

/** A statically returned array literal of at least two `new Feedback(...)`. */
export interface FeedbackArray {
  range: SourceRange;
  /** How many `new Feedback(...)` the array holds. */
  count: number;
  /** The `new Feedback` heads of the ones with no `name` (or `name: ""`). */
  unnamed: SourceRange[];
  /** Literal names used more than once: every occurrence after the first. */
  duplicateNames: { name: string; range: SourceRange }[];
}

/** A ScorerDef plus the syntax details that diagnostics, quick fixes and hovers need. */
export interface ScorerAnalysis {
  def: ScorerDef;
  /** The module-level binding that holds the scorer, if any. */
  localName: string | null;
  paramElements: ParamElement[];
  aggregationElements: AggregationElement[];
  feedbackArrays: FeedbackArray[];
}

/** An export of this file that forwards a binding of another module. */
export interface ReExport {
  /** Absolute path of the file that re-exports. */
  file: string;
  /** The name this file exports, or "*" for `export * from`. */
  exportName: string;
  /** The name in the other module ("default" for default imports), or "*". */
  importedName: string;
  /** The module specifier as written ("./other", "../lib/scorers.js"). */
  specifier: string;
  range: SourceRange;
}

export interface FileAnalysis {
  scorers: ScorerAnalysis[];
  reExports: ReExport[];
}

export function findScorers(text: string, file: string): ScorerDef[] {
  return analyzeFile(text, file).scorers.map((a) => a.def);
}

export function findReExports(text: string, file: string): ReExport[] {
  return analyzeFile(text, file).reExports;
}

export function analyzeFile(text: string, file: string): FileAnalysis {
  return analyzeSourceFile(parseSource(text, file), file);
}

// ---------------------------------------------------------------------------------------------
// SDK bindings

/** The SDK's name for a scorer with no explicit, function or class name. */
const DEFAULT_NAME = "scorer";

type SdkExport = "scorer" | "Scorer" | "Feedback";
const SDK_EXPORTS: ReadonlySet<string> = new Set<SdkExport>(["scorer", "Scorer", "Feedback"]);

/** Local names bound to the SDK's exports, and names bound to the whole SDK module. */
export interface SdkBindings {
  scorer: Set<string>;
  Scorer: Set<string>;
  Feedback: Set<string>;
  namespaces: Set<string>;
  /** Local name → the SDK's judge class or factory it refers to (judgeDefs.ts). */
  judges: Map<string, string>;
}

type FunctionLike = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;

export function unwrapExpression(expr: ts.Expression): ts.Expression {
  let e = expr;
  for (;;) {
    if (
      ts.isParenthesizedExpression(e) ||
      ts.isAsExpression(e) ||
      ts.isSatisfiesExpression(e) ||
      ts.isNonNullExpression(e) ||
      ts.isTypeAssertionExpression(e) ||
      ts.isAwaitExpression(e)
    ) {
      e = e.expression;
    } else {
      return e;
    }
  }
}

function stringValue(expr: ts.Expression | undefined): string | null {
  if (!expr) return null;
  const e = unwrapExpression(expr);
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : null;
}

export function propertyNameText(name: ts.PropertyName | ts.BindingName | ts.ModuleExportName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return stringValue(name.expression);
  return null;
}

/** `require("x")` or `import("x")` (awaited or not): the specifier, else null. */
function requireSpecifier(expr: ts.Expression): string | null {
  const e = unwrapExpression(expr);
  if (!ts.isCallExpression(e) || e.arguments.length !== 1) return null;
  const isRequire = ts.isIdentifier(e.expression) && e.expression.text === "require";
  const isImport = e.expression.kind === ts.SyntaxKind.ImportKeyword;
  if (!isRequire && !isImport) return null;
  return stringValue(e.arguments[0]);
}

function addSdkName(sdk: SdkBindings, exported: string, local: string): void {
  if (SDK_EXPORTS.has(exported)) sdk[exported as SdkExport].add(local);
  else if (isJudgeExport(exported)) sdk.judges.set(local, exported);
}

/** The SDK judge `expr` refers to (`Guidelines`, an alias, `ns.makeJudge`…), or null. */
export function judgeRef(sdk: SdkBindings, expr: ts.Expression): string | null {
  const e = unwrapExpression(expr);
  if (ts.isIdentifier(e)) return sdk.judges.get(e.text) ?? null;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && sdk.namespaces.has(e.expression.text)) {
    return isJudgeExport(e.name.text) ? e.name.text : null;
  }
  return null;
}

/** `new Guidelines(…)` or `makeJudge(…)` from the SDK: the judge's export name, else null. */
function judgeExpression(sdk: SdkBindings, e: ts.Expression): { node: ts.NewExpression | ts.CallExpression; judge: string } | null {
  if (ts.isNewExpression(e)) {
    const judge = judgeRef(sdk, e.expression);
    return judge !== null && judge in JUDGE_CLASSES ? { node: e, judge } : null;
  }
  if (ts.isCallExpression(e)) {
    const judge = judgeRef(sdk, e.expression);
    return judge !== null && JUDGE_FACTORIES.has(judge) ? { node: e, judge } : null;
  }
  return null;
}

/** The SDK bindings declared by the file's top-level imports/requires. */
export function collectSdkBindings(sf: ts.SourceFile): SdkBindings {
  const sdk: SdkBindings = { scorer: new Set(), Scorer: new Set(), Feedback: new Set(), namespaces: new Set(), judges: new Map() };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const spec = stringValue(st.moduleSpecifier);
      const clause = st.importClause;
      if (spec === null || !clause || clause.isTypeOnly || !isSdkSpecifier(spec)) continue;
      if (clause.name) sdk.namespaces.add(clause.name.text);
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) sdk.namespaces.add(nb.name.text);
      else if (nb) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          addSdkName(sdk, (el.propertyName ?? el.name).text, el.name.text);
        }
      }
    } else if (ts.isImportEqualsDeclaration(st)) {
      const ref = st.moduleReference;
      if (!st.isTypeOnly && ts.isExternalModuleReference(ref)) {
        const spec = stringValue(ref.expression);
        if (spec !== null && isSdkSpecifier(spec)) sdk.namespaces.add(st.name.text);
      }
    } else if (ts.isVariableStatement(st)) {
      for (const decl of st.declarationList.declarations) {
        if (!decl.initializer) continue;
        const spec = requireSpecifier(decl.initializer);
        if (spec !== null) {
          if (!isSdkSpecifier(spec)) continue;
          if (ts.isIdentifier(decl.name)) sdk.namespaces.add(decl.name.text);
          else if (ts.isObjectBindingPattern(decl.name)) {
            for (const el of decl.name.elements) {
              if (el.dotDotDotToken || !ts.isIdentifier(el.name)) continue;
              const exported = el.propertyName ? propertyNameText(el.propertyName) : el.name.text;
              if (exported !== null) addSdkName(sdk, exported, el.name.text);
            }
          }
          continue;
        }
        // const scorer = require("scorelens").scorer
        const init = unwrapExpression(decl.initializer);
        if (ts.isPropertyAccessExpression(init) && ts.isIdentifier(decl.name)) {
          const inner = requireSpecifier(init.expression);
          if (inner !== null && isSdkSpecifier(inner)) addSdkName(sdk, init.name.text, decl.name.text);
        }
      }
    }
  }
  return sdk;
}

/** Whether `expr` refers to the SDK export `name` (`scorer`, an alias of it, or `ns.scorer`). */
export function isSdkRef(sdk: SdkBindings, expr: ts.Expression, name: SdkExport): boolean {
  const e = unwrapExpression(expr);
  if (ts.isIdentifier(e)) return sdk[name].has(e.text);
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    return sdk.namespaces.has(e.expression.text) && e.name.text === name;
  }
  return false;
}

export function extendsScorer(sdk: SdkBindings, node: ts.ClassLikeDeclaration): boolean {
  const ext = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  const base = ext?.types[0];
  return base !== undefined && isSdkRef(sdk, base.expression, "Scorer");
}

function isFunctionExpressionLike(e: ts.Node): e is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(e) || ts.isFunctionExpression(e);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

// ---------------------------------------------------------------------------------------------
// The walk

interface ImportedBinding {
  specifier: string;
  importedName: string;
}

interface PendingExport {
  exportName: string;
  local: string;
  node: ts.Node;
}

class FileScan {
  readonly starts: number[];
  readonly sdk: SdkBindings;
  readonly localFunctions = new Map<string, FunctionLike>();
  readonly localConsts = new Map<string, ts.Expression>();
  readonly imports = new Map<string, ImportedBinding>();
  readonly scorersByLocal = new Map<string, ScorerAnalysis>();
  readonly scorers: ScorerAnalysis[] = [];
  readonly reExports: ReExport[] = [];

  constructor(
    readonly sf: ts.SourceFile,
    readonly file: string,
  ) {
    this.starts = lineStarts(sf.text);
    this.sdk = collectSdkBindings(sf);
  }

  range(node: ts.Node, end: number = node.getEnd()): SourceRange {
    return sourceRange(this.starts, node.getStart(this.sf), end);
  }

  run(): FileAnalysis {
    this.collectDeclarations();
    const varAliases: { local: string; target: string; exported: boolean; node: ts.Node }[] = [];
    const pending: PendingExport[] = [];
    for (const st of this.sf.statements) this.scanStatement(st, varAliases, pending);
    // Local aliases first (`const y = x`), then exports under the scorer's own name, then the rest:
    // a scorer's exportName prefers its own name over an alias.
    for (const a of varAliases) {
      const target = this.scorersByLocal.get(a.target);
      if (target) this.scorersByLocal.set(a.local, target);
    }
    for (const a of varAliases) if (a.exported) pending.push({ exportName: a.local, local: a.target, node: a.node });
    const own = pending.filter((p) => p.exportName === p.local);
    const renamed = pending.filter((p) => p.exportName !== p.local);
    for (const p of [...own, ...renamed]) this.applyExport(p);
    const byStart = (a: SourceRange, b: SourceRange): number => a.startLine - b.startLine || a.startCharacter - b.startCharacter;
    this.reExports.sort((a, b) => byStart(a.range, b.range));
    return { scorers: this.scorers, reExports: this.reExports };
  }

  /** Pass 1: module-level functions, consts and non-SDK imports (for references and re-exports). */
  private collectDeclarations(): void {
    for (const st of this.sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.name && st.body) {
        this.localFunctions.set(st.name.text, st);
      } else if (ts.isImportDeclaration(st)) {
        const spec = stringValue(st.moduleSpecifier);
        const clause = st.importClause;
        if (spec === null || !clause || clause.isTypeOnly || isSdkSpecifier(spec)) continue;
        if (clause.name) this.imports.set(clause.name.text, { specifier: spec, importedName: "default" });
        const nb = clause.namedBindings;
        if (nb && ts.isNamedImports(nb)) {
          for (const el of nb.elements) {
            if (!el.isTypeOnly) this.imports.set(el.name.text, { specifier: spec, importedName: (el.propertyName ?? el.name).text });
          }
        }
      } else if (ts.isVariableStatement(st)) {
        for (const decl of st.declarationList.declarations) {
          if (!decl.initializer) continue;
          const spec = requireSpecifier(decl.initializer);
          if (spec !== null && !isSdkSpecifier(spec) && ts.isObjectBindingPattern(decl.name)) {
            for (const el of decl.name.elements) {
              if (el.dotDotDotToken || !ts.isIdentifier(el.name)) continue;
              const imported = el.propertyName ? propertyNameText(el.propertyName) : el.name.text;
              if (imported !== null) this.imports.set(el.name.text, { specifier: spec, importedName: imported });
            }
          }
          if (!ts.isIdentifier(decl.name)) continue;
          const init = unwrapExpression(decl.initializer);
          this.localConsts.set(decl.name.text, init);
          if (isFunctionExpressionLike(init)) this.localFunctions.set(decl.name.text, init);
        }
      }
    }
  }

  /** Pass 2: definitions and exports, in source order. */
  private scanStatement(
    st: ts.Statement,
    varAliases: { local: string; target: string; exported: boolean; node: ts.Node }[],
    pending: PendingExport[],
  ): void {
    if (ts.isVariableStatement(st)) {
      const exported = hasModifier(st, ts.SyntaxKind.ExportKeyword);
      for (const decl of st.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
        const local = decl.name.text;
        const init = unwrapExpression(decl.initializer);
        const exportName = exported ? local : null;
        if (ts.isCallExpression(init) && isSdkRef(this.sdk, init.expression, "scorer")) {
          this.add(this.analyzeCall(init, decl.name, exportName), local);
        } else if (ts.isClassExpression(init) && extendsScorer(this.sdk, init)) {
          this.add(this.analyzeClass(init, decl.name, exportName), local);
        } else if (judgeExpression(this.sdk, init)) {
          this.add(this.analyzeJudge(init, decl.name, exportName), local);
        } else if (ts.isIdentifier(init)) {
          varAliases.push({ local, target: init.text, exported, node: decl });
        }
      }
    } else if (ts.isClassDeclaration(st)) {
      if (!extendsScorer(this.sdk, st)) return;
      const isDefault = hasModifier(st, ts.SyntaxKind.DefaultKeyword);
      const exportName = hasModifier(st, ts.SyntaxKind.ExportKeyword) ? (isDefault ? "default" : (st.name?.text ?? "default")) : null;
      this.add(this.analyzeClass(st, null, exportName), st.name?.text ?? null);
    } else if (ts.isExportAssignment(st)) {
      const e = unwrapExpression(st.expression);
      const exportName = "default";
      if (ts.isCallExpression(e) && isSdkRef(this.sdk, e.expression, "scorer")) this.add(this.analyzeCall(e, null, exportName), null);
      else if (ts.isClassExpression(e) && extendsScorer(this.sdk, e)) this.add(this.analyzeClass(e, null, exportName), null);
      else if (judgeExpression(this.sdk, e)) this.add(this.analyzeJudge(e, null, exportName), null);
      else if (ts.isIdentifier(e)) pending.push({ exportName, local: e.text, node: st });
    } else if (ts.isExportDeclaration(st)) {
      if (st.isTypeOnly) return;
      const clause = st.exportClause;
      if (st.moduleSpecifier) {
        const spec = stringValue(st.moduleSpecifier);
        if (spec === null || isSdkSpecifier(spec)) return;
        if (!clause) {
          this.reExports.push({ file: this.file, exportName: "*", importedName: "*", specifier: spec, range: this.range(st) });
        } else if (ts.isNamedExports(clause)) {
          for (const el of clause.elements) {
            if (el.isTypeOnly) continue;
            this.reExports.push({
              file: this.file,
              exportName: el.name.text,
              importedName: (el.propertyName ?? el.name).text,
              specifier: spec,
              range: this.range(el),
            });
          }
        }
      } else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) {
          if (!el.isTypeOnly) pending.push({ exportName: el.name.text, local: (el.propertyName ?? el.name).text, node: el });
        }
      }
    } else if (ts.isExpressionStatement(st)) {
      this.scanCommonJsExport(st.expression, pending);
    }
  }

  /** `exports.x = …`, `module.exports.x = …`, `module.exports = { … }`, `module.exports = scorer(…)`. */
  private scanCommonJsExport(expr: ts.Expression, pending: PendingExport[]): void {
    if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const left = expr.left;
    const right = unwrapExpression(expr.right);
    const isModuleExports = (e: ts.Expression): boolean =>
      ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === "module" && e.name.text === "exports";
    const isExportsObject = (e: ts.Expression): boolean => (ts.isIdentifier(e) && e.text === "exports") || isModuleExports(e);

    const bind = (exportName: string, nameNode: ts.Identifier | null, value: ts.Expression, node: ts.Node): void => {
      const v = unwrapExpression(value);
      if (ts.isCallExpression(v) && isSdkRef(this.sdk, v.expression, "scorer")) this.add(this.analyzeCall(v, nameNode, exportName), null);
      else if (ts.isClassExpression(v) && extendsScorer(this.sdk, v)) this.add(this.analyzeClass(v, nameNode, exportName), null);
      else if (judgeExpression(this.sdk, v)) this.add(this.analyzeJudge(v, nameNode, exportName), null);
      else if (ts.isIdentifier(v)) pending.push({ exportName, local: v.text, node });
    };

    if (ts.isPropertyAccessExpression(left) && isExportsObject(left.expression)) {
      bind(left.name.text, ts.isIdentifier(left.name) ? left.name : null, right, expr);
    } else if (isModuleExports(left)) {
      if (ts.isObjectLiteralExpression(right)) {
        for (const prop of right.properties) {
          if (ts.isShorthandPropertyAssignment(prop)) pending.push({ exportName: prop.name.text, local: prop.name.text, node: prop });
          else if (ts.isPropertyAssignment(prop)) {
            const key = propertyNameText(prop.name);
            if (key !== null) bind(key, ts.isIdentifier(prop.name) ? prop.name : null, prop.initializer, prop);
          }
        }
      } else {
        bind("default", null, right, expr);
      }
    }
  }

  private applyExport(p: PendingExport): void {
    const target = this.scorersByLocal.get(p.local);
    if (target) {
      if (target.def.exportName === null) target.def.exportName = p.exportName;
      return;
    }
    const imported = this.imports.get(p.local);
    if (imported) {
      this.reExports.push({
        file: this.file,
        exportName: p.exportName,
        importedName: imported.importedName,
        specifier: imported.specifier,
        range: this.range(p.node),
      });
    }
  }

  private add(a: ScorerAnalysis, local: string | null): void {
    this.scorers.push(a);
    if (local !== null) this.scorersByLocal.set(local, a);
  }

  /** An arrow/function expression, or an identifier naming a module-level function. */
  private resolveFunction(expr: ts.Expression): FunctionLike | null {
    const e = unwrapExpression(expr);
    if (isFunctionExpressionLike(e)) return e;
    if (ts.isIdentifier(e)) return this.localFunctions.get(e.text) ?? null;
    return null;
  }

  /** Follows an identifier to a module-level const's initializer. */
  private resolveConst(expr: ts.Expression): ts.Expression {
    const e = unwrapExpression(expr);
    if (ts.isIdentifier(e)) {
      const c = this.localConsts.get(e.text);
      if (c) return c;
    }
    return e;
  }

  /** An SDK judge: named by a literal `name` option, else the judge's default name (judgeDefs.ts). */
  private analyzeJudge(e: ts.Expression, varName: ts.Identifier | null, exportName: string | null): ScorerAnalysis {
    const found = judgeExpression(this.sdk, e) as { node: ts.NewExpression | ts.CallExpression; judge: string };
    const options = judgeOptions(found.node);
    const opts = this.readOptions(options ? options.properties : []);
    const name = opts.name?.value ?? JUDGE_CLASSES[found.judge] ?? varName?.text ?? DEFAULT_NAME;
    return {
      def: {
        name,
        exportName,
        file: this.file,
        kind: ts.isNewExpression(found.node) ? "class" : "function",
        range: this.range(found.node),
        nameRange: this.range(opts.name?.node ?? varName ?? found.node.expression),
        aggregations: opts.aggregations?.names ?? null,
        params: [],
        description: opts.description,
      },
      localName: varName?.text ?? null,
      paramElements: [],
      aggregationElements: opts.aggregations?.elements ?? [],
      feedbackArrays: [],
    };
  }

  private analyzeCall(call: ts.CallExpression, varName: ts.Identifier | null, exportName: string | null): ScorerAnalysis {
    let explicitName: string | null = null;
    let nameNode: ts.Node | null = null;
    let options: ts.ObjectLiteralExpression | null = null;
    let fn: FunctionLike | null = null;
    let fnRef: ts.Identifier | null = null;
    for (const [i, arg] of call.arguments.entries()) {
      const a = unwrapExpression(arg);
      const s = stringValue(a);
      if (s !== null && i === 0) {
        explicitName = s;
        nameNode = a;
        continue;
      }
      if (ts.isObjectLiteralExpression(a) && options === null) {
        options = a;
        continue;
      }
      const resolved = this.resolveFunction(a);
      if (resolved) {
        fn = resolved;
        fnRef = ts.isIdentifier(a) ? a : null;
      } else if (ts.isIdentifier(a)) {
        fnRef = a;
      }
    }
    const opts = this.readOptions(options ? options.properties : []);
    if (explicitName === null && opts.name !== null) {
      explicitName = opts.name.value;
      nameNode = opts.name.node;
    }
    const f = fn;
    const ref = fnRef;
    const fnNameNode = f && !ts.isArrowFunction(f) && f.name && ts.isIdentifier(f.name) ? f.name : null;
    // As the SDK names it at runtime: the explicit name, else the function's own name (a named
    // function expression, or the name JS gave the referenced function), else — for an anonymous
    // function, which the SDK calls "scorer" — the binding it is exported as.
    const name = explicitName ?? fnNameNode?.text ?? ref?.text ?? varName?.text ?? DEFAULT_NAME;
    const nameAt = nameNode ?? fnNameNode ?? ref ?? varName ?? call.expression;
    const params = f ? this.paramsOf(f) : [];
    return {
      def: {
        name,
        exportName,
        file: this.file,
        kind: "function",
        range: this.range(call),
        nameRange: this.range(nameAt),
        aggregations: opts.aggregations?.names ?? null,
        params: params.map((p) => p.name),
        description: opts.description,
      },
      localName: varName?.text ?? null,
      paramElements: params,
      aggregationElements: opts.aggregations?.elements ?? [],
      feedbackArrays: f ? this.feedbackArraysOf(f) : [],
    };
  }

  private analyzeClass(node: ts.ClassLikeDeclaration, varName: ts.Identifier | null, exportName: string | null): ScorerAnalysis {
    let score: FunctionLike | null = null;
    const props: ts.ObjectLiteralElementLike[] = [];
    let superOptions: ts.ObjectLiteralExpression | null = null;
    let superName: ts.Expression | null = null;
    const fields = new Map<string, { node: ts.Node; value: ts.Expression }>();
    for (const m of node.members) {
      const memberName = m.name ? propertyNameText(m.name) : null;
      const isStatic = hasModifier(m, ts.SyntaxKind.StaticKeyword);
      if (ts.isMethodDeclaration(m) && memberName === "score" && !isStatic && m.body) score = m;
      else if (ts.isPropertyDeclaration(m) && memberName !== null && !isStatic && m.initializer) {
        const init = unwrapExpression(m.initializer);
        if (memberName === "score" && isFunctionExpressionLike(init)) score = init;
        else fields.set(memberName, { node: m, value: m.initializer });
      } else if (ts.isConstructorDeclaration(m) && m.body) {
        for (const s of m.body.statements) {
          if (!ts.isExpressionStatement(s)) continue;
          const e = unwrapExpression(s.expression);
          if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword) {
            const first = e.arguments[0] ? unwrapExpression(e.arguments[0]) : undefined;
            if (first && ts.isObjectLiteralExpression(first)) superOptions = first;
            else if (first && stringValue(first) !== null) superName = first;
          }
        }
      }
    }
    if (superOptions) props.push(...superOptions.properties);
    const opts = this.readOptions(props);
    const nameField = fields.get("name");
    const fieldName = nameField ? stringValue(nameField.value) : null;
    const aggField = fields.get("aggregations");
    const descField = fields.get("description");
    const aggregations = opts.aggregations ?? (aggField ? this.aggregationsOf(aggField.value) : null);
    const description = opts.description ?? (descField ? stringValue(this.resolveConst(descField.value)) : null);

    let name: string;
    let nameAt: ts.Node;
    if (superName) {
      name = stringValue(superName) ?? "";
      nameAt = superName;
    } else if (opts.name) {
      name = opts.name.value;
      nameAt = opts.name.node;
    } else if (fieldName !== null && nameField) {
      name = fieldName;
      nameAt = unwrapExpression(nameField.value);
    } else {
      const base = node.heritageClauses?.[0]?.types[0] ?? node;
      // As at runtime: the class's own name (named evaluation gives `const X = class …` the name X,
      // and `export default class …` the name "default"), else the SDK's default "scorer".
      name = node.name?.text ?? varName?.text ?? (ts.isClassDeclaration(node) && exportName === "default" ? "default" : DEFAULT_NAME);
      nameAt = node.name ?? varName ?? base;
    }
    const params = score ? this.paramsOf(score) : [];
    const start = node.getStart(this.sf);
    return {
      def: {
        name,
        exportName,
        file: this.file,
        kind: "class",
        range: sourceRange(this.starts, start, node.getEnd()),
        nameRange: this.range(nameAt),
        aggregations: aggregations?.names ?? null,
        params: params.map((p) => p.name),
        description,
      },
      localName: node.name?.text ?? varName?.text ?? null,
      paramElements: params,
      aggregationElements: aggregations?.elements ?? [],
      feedbackArrays: score ? this.feedbackArraysOf(score) : [],
    };
  }

  /** `name`, `aggregations` and `description` of an options object (or `super({...})`). */
  private readOptions(properties: readonly ts.ObjectLiteralElementLike[]): {
    name: { value: string; node: ts.Node } | null;
    aggregations: { names: string[]; elements: AggregationElement[] } | null;
    description: string | null;
  } {
    let name: { value: string; node: ts.Node } | null = null;
    let aggregations: { names: string[]; elements: AggregationElement[] } | null = null;
    let description: string | null = null;
    for (const prop of properties) {
      let key: string | null = null;
      let value: ts.Expression | null = null;
      let valueNode: ts.Node | null = null;
      if (ts.isPropertyAssignment(prop)) {
        key = propertyNameText(prop.name);
        value = prop.initializer;
        valueNode = unwrapExpression(prop.initializer);
      } else if (ts.isShorthandPropertyAssignment(prop)) {
        key = prop.name.text;
        value = prop.name;
        valueNode = prop.name;
      }
      if (key === null || value === null || valueNode === null) continue;
      if (key === "name") {
        const resolved = this.resolveConst(value);
        const s = stringValue(resolved);
        if (s !== null) name = { value: s, node: valueNode };
      } else if (key === "aggregations") {
        aggregations = this.aggregationsOf(value);
      } else if (key === "description") {
        description = stringValue(this.resolveConst(value));
      }
    }
    return { name, aggregations, description };
  }

  private aggregationsOf(expr: ts.Expression): { names: string[]; elements: AggregationElement[] } {
    const e = this.resolveConst(expr);
    if (!ts.isArrayLiteralExpression(e)) return { names: ["custom"], elements: [] };
    const names: string[] = [];
    const elements: AggregationElement[] = [];
    for (const el of e.elements) {
      if (ts.isOmittedExpression(el)) continue;
      const s = stringValue(el);
      names.push(s ?? "custom");
      elements.push({ value: s, range: this.range(el) });
    }
    return { names, elements };
  }

  private paramsOf(fn: FunctionLike): ParamElement[] {
    const first = fn.parameters.find((p) => !(ts.isIdentifier(p.name) && p.name.text === "this"));
    if (!first || !ts.isObjectBindingPattern(first.name)) return [];
    const out: ParamElement[] = [];
    for (const el of first.name.elements) {
      if (el.dotDotDotToken) continue;
      const keyNode = el.propertyName ?? el.name;
      const name = propertyNameText(keyNode);
      if (name !== null) out.push({ name, range: this.range(keyNode), shorthand: el.propertyName === undefined });
    }
    return out;
  }

  /** Array literals of ≥2 `new Feedback(...)` returned by the function itself (not nested functions). */
  private feedbackArraysOf(fn: FunctionLike): FeedbackArray[] {
    const body = fn.body;
    if (!body) return [];
    const returned: ts.Expression[] = [];
    if (!ts.isBlock(body)) returned.push(body);
    else {
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
        if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
        ts.forEachChild(node, visit);
      };
      ts.forEachChild(body, visit);
    }
    const out: FeedbackArray[] = [];
    for (const r of returned) {
      const arr = unwrapExpression(r);
      if (!ts.isArrayLiteralExpression(arr)) continue;
      const feedbacks = arr.elements
        .map((el) => unwrapExpression(el))
        .filter((el): el is ts.NewExpression => ts.isNewExpression(el) && this.isFeedbackClass(el.expression));
      if (feedbacks.length < 2) continue;
      const seen = new Set<string>();
      const duplicateNames: { name: string; range: SourceRange }[] = [];
      for (const f of feedbacks) {
        const named = feedbackNameNode(f);
        const value = named ? stringValue(named) : null;
        if (!named || value === null) continue;
        if (seen.has(value)) duplicateNames.push({ name: value, range: this.range(named) });
        seen.add(value);
      }
      out.push({
        range: this.range(arr),
        count: feedbacks.length,
        unnamed: feedbacks.filter((f) => !hasFeedbackName(f)).map((f) => this.range(f, f.expression.getEnd())),
        duplicateNames,
      });
    }
    return out;
  }

  private isFeedbackClass(expr: ts.Expression): boolean {
    return isSdkRef(this.sdk, expr, "Feedback") || (ts.isIdentifier(expr) && expr.text === "Feedback");
  }
}

/** The object literal passed to `new Feedback(...)`, if it is one. */
function feedbackInit(node: ts.NewExpression): ts.ObjectLiteralExpression | null {
  const first = node.arguments?.[0];
  const init = first ? unwrapExpression(first) : null;
  return init && ts.isObjectLiteralExpression(init) ? init : null;
}

/** The value expression of a literal `name:` in `new Feedback({ name: … })`. */
function feedbackNameNode(node: ts.NewExpression): ts.Expression | null {
  const init = feedbackInit(node);
  for (const p of init?.properties ?? []) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === "name") return unwrapExpression(p.initializer);
  }
  return null;
}

/** Whether a `new Feedback(init)` names itself; unknown shapes (a variable, a spread) count as named. */
function hasFeedbackName(node: ts.NewExpression): boolean {
  if (!node.arguments?.[0]) return false;
  const init = feedbackInit(node);
  if (!init) return true;
  const named = feedbackNameNode(node);
  if (named) return stringValue(named) !== "";
  return init.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && propertyNameText(p.name) === "name"));
}

export function analyzeSourceFile(sf: ts.SourceFile, file: string): FileAnalysis {
  return new FileScan(sf, file).run();
}
