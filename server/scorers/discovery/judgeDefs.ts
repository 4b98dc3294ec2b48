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
