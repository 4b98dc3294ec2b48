/**
 * Prompt templates of custom judges: `{{ inputs }}`, `{{ outputs }}`, `{{ expectations }}` and
 * `{{ trace }}` (MLflow `make_judge`'s variables; spaces inside the braces are optional). Any other
 * `{{ name }}` is rejected when the judge is created.
 */
import type { ScorerArgsShape } from "../scoring/types";
import { JudgeInputError } from "./errors";
import { renderTrace, renderValue } from "./render";

export const TEMPLATE_VARIABLES = ["inputs", "outputs", "expectations", "trace"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The template's variables, in order of first use. Throws a TypeError naming any unknown one. */
export function templateVariables(template: string, where: string): TemplateVariable[] {
  const found: TemplateVariable[] = [];
  const unknown: string[] = [];
  for (const match of template.matchAll(VARIABLE)) {
    const name = match[1] ?? "";
    if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      if (!found.includes(name as TemplateVariable)) found.push(name as TemplateVariable);
    } else if (!unknown.includes(name)) unknown.push(name);
  }
  if (unknown.length > 0) {
    const list = unknown.map((name) => `{{ ${name} }}`).join(", ");
    throw new TypeError(`${where}: unknown template variable${unknown.length === 1 ? "" : "s"} ${list}; only {{ inputs }}, {{ outputs }}, {{ expectations }} and {{ trace }} are allowed`);
  }
  return found;
}

function valueOf(judge: string, args: ScorerArgsShape, variable: TemplateVariable): string {
  switch (variable) {
    case "trace":
      if (args.trace === undefined || args.trace === null) throw new JudgeInputError(`judge "${judge}" uses {{ trace }} but got no trace`);
      return renderTrace(args.trace);
    case "expectations":
      if (args.expectations === undefined || args.expectations === null) throw new JudgeInputError(`judge "${judge}" uses {{ expectations }} but got no expectations`);
      return renderValue(args.expectations);
    case "inputs":
    case "outputs": {
      const value = args[variable] ?? (variable === "inputs" ? args.trace?.inputs : args.trace?.outputs);
      if (value === undefined || value === null) throw new JudgeInputError(`judge "${judge}" uses {{ ${variable} }} but got no ${variable}`);
      return renderValue(value);
    }
  }
}

/** The template with each variable replaced by its value. A missing value throws {@link JudgeInputError}. */
export function renderTemplate(judge: string, template: string, args: ScorerArgsShape): string {
  const cache = new Map<string, string>();
  return template.replace(VARIABLE, (_whole, raw: string) => {
    const name = raw as TemplateVariable;
    let text = cache.get(name);
    if (text === undefined) {
      text = valueOf(judge, args, name);
      cache.set(name, text);
    }
    return text;
  });
}
