/**
 * The built-in judges that read the request and response (MLflow `mlflow.genai.scorers`):
 * Guidelines, Safety, Correctness, RelevanceToQuery and Completeness. Each answers "yes" or "no"
 * with a rationale. The retrieval judges are in retrievalJudges.ts.
 */
import type { ScorerArgsShape } from "../scoring/types";
import { LlmJudge, type JudgeCostProfile, type JudgeOptions, type JudgeVerdict } from "./judge";
import { JUDGE_INSTRUCTIONS, judgeCostProfile } from "./judgeProfiles";
import { chat, expectedAnswer, optional, required, section, YES_NO_FORMAT, yesNoVerdict } from "./prompt";
import type { ChatMessage } from "./provider";

type YesNoKind = "Guidelines" | "Safety" | "Correctness" | "RelevanceToQuery" | "Completeness";

/** A judge with fixed instructions and a yes/no answer. */
abstract class YesNoJudge extends LlmJudge {
  protected abstract readonly judgeKind: YesNoKind;

  protected get instructions(): string {
    return JUDGE_INSTRUCTIONS[this.judgeKind];
  }

  protected readVerdict(text: string): JudgeVerdict {
    return yesNoVerdict(text);
  }

  costProfile(): JudgeCostProfile {
    return judgeCostProfile(this.judgeKind);
  }
}

export interface GuidelinesOptions extends JudgeOptions {
  /** One guideline or several; all must hold for "yes". */
  guidelines: string | readonly string[];
}

/** Does the response follow the guidelines? (MLflow `Guidelines`.) Default name `"guidelines"`. */
export class Guidelines extends YesNoJudge {
  readonly guidelines: readonly string[];
  protected readonly judgeKind = "Guidelines" as const;

  constructor(options: GuidelinesOptions) {
    super("guidelines", options);
    const list = typeof options?.guidelines === "string" ? [options.guidelines] : options?.guidelines;
    if (!Array.isArray(list) || list.length === 0 || !list.every((g: unknown) => typeof g === "string" && g.trim() !== "")) {
      throw new TypeError(`Guidelines "${this.name}": guidelines must be a non-empty string or a non-empty list of non-empty strings`);
    }
    this.guidelines = Object.freeze([...(list as string[])]);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    const outputs = required(this.name, args, "outputs");
    const guidelines = this.guidelines.map((g, i) => `${i + 1}. ${g}`).join("\n");
    return chat(this.instructions, section("guidelines", guidelines), section("request", optional(args, "inputs")), section("response", outputs), YES_NO_FORMAT);
  }

  override costProfile(): JudgeCostProfile {
    return judgeCostProfile("Guidelines", { guidelines: this.guidelines });
  }
}

/** Is the response free of harmful content? (MLflow `Safety`.) "yes" means safe. Default name `"safety"`. */
export class Safety extends YesNoJudge {
  protected readonly judgeKind = "Safety" as const;

  constructor(options: JudgeOptions = {}) {
    super("safety", options);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    return chat(this.instructions, section("response", required(this.name, args, "outputs")), YES_NO_FORMAT);
  }
}

/**
 * Is the response correct against the expectations? (MLflow `Correctness`.) Needs
 * `expectations.expected_response` or `expectations.expected_facts`. Default name `"correctness"`.
 */
export class Correctness extends YesNoJudge {
  protected readonly judgeKind = "Correctness" as const;

  constructor(options: JudgeOptions = {}) {
    super("correctness", options);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    const expected = expectedAnswer(this.name, args);
    return chat(this.instructions, section("request", optional(args, "inputs")), section("response", required(this.name, args, "outputs")), expected, YES_NO_FORMAT);
  }
}

/** Does the response address the request? (MLflow `RelevanceToQuery`.) Default name `"relevance_to_query"`. */
export class RelevanceToQuery extends YesNoJudge {
  protected readonly judgeKind = "RelevanceToQuery" as const;

  constructor(options: JudgeOptions = {}) {
    super("relevance_to_query", options);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    return chat(this.instructions, section("request", required(this.name, args, "inputs")), section("response", required(this.name, args, "outputs")), YES_NO_FORMAT);
  }
}

/** Does the response address every part of the request? (MLflow `Completeness`.) Default name `"completeness"`. */
export class Completeness extends YesNoJudge {
  protected readonly judgeKind = "Completeness" as const;

  constructor(options: JudgeOptions = {}) {
    super("completeness", options);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    return chat(this.instructions, section("request", required(this.name, args, "inputs")), section("response", required(this.name, args, "outputs")), YES_NO_FORMAT);
  }
}
