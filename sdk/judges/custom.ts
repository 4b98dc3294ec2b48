/**
 * Custom judges:
 * - {@link customPromptJudge}: MLflow's `custom_prompt_judge`. The template lists the choices as
 *   `[[category]]`; the model picks one; `numericValues` maps the choice to a number (else the value
 *   is the choice's name).
 * - {@link makeJudge}: MLflow's `make_judge`. Natural-language instructions with the variables
 *   `{{ inputs }}`, `{{ outputs }}`, `{{ expectations }}`, `{{ trace }}`, and a value type.
 * Unknown template variables throw when the judge is created.
 */
import type { ScorerArgsShape } from "../scoring/types";
import { LlmJudge, type JudgeCostProfile, type JudgeOptions, type JudgeVerdict } from "./judge";
import { badResult, parseJudgeAnswer, toNumber, toYesNo } from "./parse";
import { choiceFormat, judgeCostProfile, templateChoices, valueFormat, VALUE_FORMATS, type FeedbackValueType } from "./judgeProfiles";
import { chat } from "./prompt";
import type { ChatMessage } from "./provider";
import { renderTemplate, templateVariables } from "./template";

function requireName(name: unknown, where: string): string {
  if (typeof name !== "string" || name.trim() === "") throw new TypeError(`${where}: name must be a non-empty string`);
  return name;
}

function requireText(text: unknown, what: string, where: string): string {
  if (typeof text !== "string" || text.trim() === "") throw new TypeError(`${where}: ${what} must be a non-empty string`);
  return text;
}

export interface CustomPromptJudgeOptions extends Omit<JudgeOptions, "name"> {
  name: string;
  /** The prompt, with `[[category]]` choices and `{{ inputs }}`-style variables. */
  promptTemplate: string;
  /** A number per category; when given, every category needs one and the Feedback value is the number. */
  numericValues?: Readonly<Record<string, number>>;
}

class CustomPromptJudge extends LlmJudge {
  readonly promptTemplate: string;
  readonly choices: readonly string[];
  readonly numericValues: Readonly<Record<string, number>> | null;
  readonly #format: string;

  constructor(options: CustomPromptJudgeOptions) {
    const where = "customPromptJudge()";
    super(requireName(options?.name, where), options);
    this.promptTemplate = requireText(options.promptTemplate, "promptTemplate", `${where} "${this.name}"`);
    templateVariables(this.promptTemplate, `${where} "${this.name}"`);
    const choices = templateChoices(this.promptTemplate);
    if (choices.length === 0) throw new TypeError(`${where} "${this.name}": promptTemplate must list the choices as [[category]], e.g. "[[formal]]: ... [[informal]]: ..."`);
    this.choices = Object.freeze(choices);
    const numeric = options.numericValues;
    if (numeric !== undefined && numeric !== null) {
      const missing = choices.filter((c) => typeof numeric[c] !== "number" || !Number.isFinite(numeric[c]));
      const extra = Object.keys(numeric).filter((k) => !choices.includes(k));
      if (missing.length > 0 || extra.length > 0) {
        throw new TypeError(
          `${where} "${this.name}": numericValues must give a finite number for exactly the categories ${choices.map((c) => `[[${c}]]`).join(", ")}` +
            `${missing.length > 0 ? `; missing: ${missing.join(", ")}` : ""}${extra.length > 0 ? `; not in the template: ${extra.join(", ")}` : ""}`,
        );
      }
      this.numericValues = Object.freeze({ ...numeric });
    } else this.numericValues = null;
    this.#format = choiceFormat(choices);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    return chat(renderTemplate(this.name, this.promptTemplate, args), this.#format);
  }

  protected readVerdict(text: string): JudgeVerdict {
    const parsed = parseJudgeAnswer(text, `{"rationale": "...", "result": ${this.choices.map((c) => JSON.stringify(c)).join(" | ")}}`);
    const raw = typeof parsed.result === "string" ? parsed.result.trim().replace(/^\[\[\s*|\s*\]\]$/g, "") : null;
    const choice = raw === null ? undefined : (this.choices.find((c) => c === raw) ?? this.choices.find((c) => c.toLowerCase() === raw.toLowerCase()));
    if (choice === undefined) badResult(text, `one of ${this.choices.map((c) => JSON.stringify(c)).join(", ")}`, parsed.result);
    return { value: this.numericValues === null ? choice : this.numericValues[choice], rationale: parsed.rationale };
  }

  costProfile(): JudgeCostProfile {
    return judgeCostProfile("customPromptJudge", { promptTemplate: this.promptTemplate });
  }
}

/** A judge from a prompt with `[[category]]` choices (MLflow `custom_prompt_judge`). */
export function customPromptJudge(options: CustomPromptJudgeOptions): LlmJudge {
  return new CustomPromptJudge(options);
}

export type { FeedbackValueType };

export interface MakeJudgeOptions extends Omit<JudgeOptions, "name"> {
  name: string;
  /** What to judge, using {{ inputs }}, {{ outputs }}, {{ expectations }} and/or {{ trace }}. */
  instructions: string;
  feedbackValueType: FeedbackValueType;
}

class InstructionsJudge extends LlmJudge {
  readonly instructions: string;
  readonly feedbackValueType: FeedbackValueType;
  readonly #format: string;

  constructor(options: MakeJudgeOptions) {
    const where = "makeJudge()";
    super(requireName(options?.name, where), options);
    this.instructions = requireText(options.instructions, "instructions", `${where} "${this.name}"`);
    if (!Object.hasOwn(VALUE_FORMATS, options.feedbackValueType)) {
      throw new TypeError(`${where} "${this.name}": feedbackValueType must be "boolean", "number", "yes/no" or "string", got ${JSON.stringify(options.feedbackValueType)}`);
    }
    this.feedbackValueType = options.feedbackValueType;
    if (templateVariables(this.instructions, `${where} "${this.name}"`).length === 0) {
      throw new TypeError(`${where} "${this.name}": instructions must use at least one of {{ inputs }}, {{ outputs }}, {{ expectations }}, {{ trace }}`);
    }
    this.#format = valueFormat(this.feedbackValueType);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    return chat(renderTemplate(this.name, this.instructions, args), this.#format);
  }

  protected readVerdict(text: string): JudgeVerdict {
    const parsed = parseJudgeAnswer(text, `{"rationale": "...", "result": ${VALUE_FORMATS[this.feedbackValueType]}}`);
    const result = parsed.result;
    switch (this.feedbackValueType) {
      case "boolean": {
        const yesNo = toYesNo(result);
        if (yesNo === null) badResult(text, "true or false", result);
        return { value: yesNo === "yes", rationale: parsed.rationale };
      }
      case "yes/no": {
        const yesNo = toYesNo(result);
        if (yesNo === null) badResult(text, '"yes" or "no"', result);
        return { value: yesNo, rationale: parsed.rationale };
      }
      case "number": {
        const number = toNumber(result);
        if (number === null) badResult(text, "a number", result);
        return { value: number, rationale: parsed.rationale };
      }
      case "string":
        if (typeof result !== "string" && typeof result !== "number" && typeof result !== "boolean") badResult(text, "a string", result);
        return { value: String(result), rationale: parsed.rationale };
    }
  }

  costProfile(): JudgeCostProfile {
    return judgeCostProfile("makeJudge", { instructions: this.instructions, feedbackValueType: this.feedbackValueType });
  }
}

/** A judge from natural-language instructions (MLflow `make_judge`). */
export function makeJudge(options: MakeJudgeOptions): LlmJudge {
  return new InstructionsJudge(options);
}
