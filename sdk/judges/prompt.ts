/** Prompt building blocks shared by the judges. */
import type { ScorerArgsShape } from "../scoring/types";
import { JudgeInputError } from "./errors";
import type { JudgeVerdict } from "./judge";
import { badResult, parseJudgeAnswer, toYesNo } from "./parse";
import type { ChatMessage } from "./provider";
import { renderValue } from "./render";

export const SYSTEM_PROMPT =
  "You are an impartial evaluator of the outputs of an AI application. Follow the instructions exactly. " +
  "Answer with exactly one JSON object and nothing else: no code fence, no text before or after it.";

export const YES_NO_FORMAT =
  'Answer with this JSON object: {"rationale": "<your reasoning, step by step, in a short paragraph>", "result": "yes" or "no"}';

/** `<tag>\ncontent\n</tag>`. */
export function section(tag: string, content: string): string {
  return `<${tag}>\n${content}\n</${tag}>`;
}

/** The system message plus one user message made of `parts`. */
export function chat(...parts: string[]): ChatMessage[] {
  return [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: parts.join("\n\n") },
  ];
}

/** `args[key]` as prompt text; a missing one throws {@link JudgeInputError}. */
export function required(judge: string, args: ScorerArgsShape, key: "inputs" | "outputs"): string {
  const value = args[key] ?? (key === "inputs" ? args.trace?.inputs : args.trace?.outputs);
  if (value === undefined || value === null) throw new JudgeInputError(`judge "${judge}" needs ${key} (pass ${key}, or a trace whose root span has them)`);
  return renderValue(value);
}

/** `args[key]` as prompt text, or a placeholder when missing. */
export function optional(args: ScorerArgsShape, key: "inputs" | "outputs"): string {
  const value = args[key] ?? (key === "inputs" ? args.trace?.inputs : args.trace?.outputs);
  return value === undefined || value === null ? "(not given)" : renderValue(value);
}

/**
 * The ground truth for Correctness and RetrievalSufficiency: `expectations.expected_response`
 * and/or `expectations.expected_facts` (a list). Neither → {@link JudgeInputError}.
 */
export function expectedAnswer(judge: string, args: ScorerArgsShape): string {
  const expectations = (typeof args.expectations === "object" && args.expectations !== null ? args.expectations : {}) as Record<string, unknown>;
  const response = expectations["expected_response"];
  const facts = expectations["expected_facts"];
  const parts: string[] = [];
  if (response !== undefined && response !== null) parts.push(section("expected_response", renderValue(response)));
  if (Array.isArray(facts) && facts.length > 0) parts.push(section("expected_facts", facts.map((fact) => `- ${renderValue(fact)}`).join("\n")));
  if (parts.length === 0) {
    throw new JudgeInputError(`judge "${judge}" needs expectations: expected_response (the right answer) or expected_facts (a list of facts the answer must contain)`);
  }
  return parts.join("\n");
}

/** Reads a yes/no verdict. */
export function yesNoVerdict(text: string): JudgeVerdict {
  const parsed = parseJudgeAnswer(text, '{"rationale": "...", "result": "yes" | "no"}');
  const value = toYesNo(parsed.result);
  if (value === null) badResult(text, '"yes" or "no"', parsed.result);
  return { value, rationale: parsed.rationale };
}
