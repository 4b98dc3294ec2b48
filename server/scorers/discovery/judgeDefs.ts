/**
 * The SDK's LLM judges as discovery sees them: `new Guidelines({...})`, `new Safety()`, …, and
 * `customPromptJudge({...})` / `makeJudge({...})`. They are scorers (the worker loads them like any
 * other), named by a literal `name` option, else the judge's default name (sdk/judges).
 */
import ts from "typescript";

/** Judge classes (instantiated with `new`) and their default names, as in sdk/judges. */
export const JUDGE_CLASSES: Readonly<Record<string, string>> = {
  Guidelines: "guidelines",
  Safety: "safety",
  Correctness: "correctness",
  RelevanceToQuery: "relevance_to_query",
  Completeness: "completeness",
  RetrievalGroundedness: "retrieval_groundedness",
  RetrievalRelevance: "retrieval_relevance",
  RetrievalSufficiency: "retrieval_sufficiency",
};

/** Judge factories (called); their `name` option is required. */
export const JUDGE_FACTORIES: ReadonlySet<string> = new Set(["customPromptJudge", "makeJudge"]);

export function isJudgeExport(name: string): boolean {
  return name in JUDGE_CLASSES || JUDGE_FACTORIES.has(name);
}

/** The judge options object: the first argument when it is an object literal. */
export function judgeOptions(e: ts.NewExpression | ts.CallExpression): ts.ObjectLiteralExpression | null {
  const first = e.arguments?.[0];
  return first && ts.isObjectLiteralExpression(first) ? first : null;
}

/** What the source says about a judge's options, for cost estimates (literals only). */
export interface JudgeLiterals {
  /** A `model` option is given (a config object, a provider, a variable…). */
  modelGiven: boolean;
  /** Its model name, when it is a literal: `model: { model: "gpt-4o-mini", … }` (or a string). */
  model: string | null;
  guidelines?: string[];
  promptTemplate?: string;
  instructions?: string;
  feedbackValueType?: string;
}

function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x) || ts.isNonNullExpression(x)) x = x.expression;
  return x;
}

function literalText(e: ts.Expression | undefined): string | null {
  if (!e) return null;
  const x = unwrap(e);
  return ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x) ? x.text : null;
}

function property(o: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of o.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** The literal options of `new Guidelines({...})`, `makeJudge({...})`… (unreadable ones are left out). */
export function judgeLiterals(e: ts.NewExpression | ts.CallExpression): JudgeLiterals {
  const options = judgeOptions(e);
  const out: JudgeLiterals = { modelGiven: false, model: null };
  if (!options) return out;
  const model = property(options, "model");
  if (model) {
    out.modelGiven = true;
    const m = unwrap(model);
    out.model = literalText(m) ?? (ts.isObjectLiteralExpression(m) ? literalText(property(m, "model")) : null);
  }
  const guidelines = property(options, "guidelines");
  if (guidelines) {
    const g = unwrap(guidelines);
    const one = literalText(g);
    if (one !== null) out.guidelines = [one];
    else if (ts.isArrayLiteralExpression(g)) {
      const all = g.elements.map((x) => literalText(x));
      if (all.every((x): x is string => x !== null)) out.guidelines = all;
    }
  }
  for (const key of ["promptTemplate", "instructions", "feedbackValueType"] as const) {
    const text = literalText(property(options, key));
    if (text !== null) out[key] = text;
  }
  return out;
}
