/** LLM judges (MLflow `mlflow.genai.scorers` judges, `custom_prompt_judge`, `make_judge`). See docs/judges.md. */
export { LlmJudge, JudgeMetadataKey, JUDGE_SOURCE_TAG, JUDGE_SOURCE_VALUE, JUDGE_NAME_TAG, type JudgeOptions, type JudgeVerdict, type JudgeCostProfile, type JudgeInputPart } from "./judge";
export { Guidelines, Safety, Correctness, RelevanceToQuery, Completeness, type GuidelinesOptions } from "./builtins";
export { RetrievalGroundedness, RetrievalRelevance, RetrievalSufficiency } from "./retrievalJudges";
export { customPromptJudge, makeJudge, type CustomPromptJudgeOptions, type MakeJudgeOptions, type FeedbackValueType } from "./custom";
export { TEMPLATE_VARIABLES, type TemplateVariable } from "./template";
export { OpenAICompatibleProvider, type ModelProvider, type ChatMessage, type ChatCompletion } from "./provider";
export { configureJudges, judgeModelFromEnv, judgeProviderFromEnv, DEFAULT_MAX_CONCURRENCY, type JudgeModelConfig, type ConfigureJudgesOptions, type JudgeProviderKind } from "./config";
export {
  VSCodeLanguageModelProvider,
  vscodeLanguageModel,
  parseVSCodeModelSelector,
  VSCODE_PROVIDER_NEEDS_EDITOR,
  type VSCodeModelSelector,
  type VSCodeLanguageModelOptions,
} from "./vscodeProvider";
export { JudgeModelError, JudgeTimeoutError, JudgeParseError, JudgeInputError, JudgeConfigError } from "./errors";
export { JUDGE_PRICES, priceFor, type ModelPrice } from "./prices";
export { estimateJudgeCost, estimateFromProfile, CHARS_PER_TOKEN, DEFAULT_AVG_INPUT_CHARS, type EstimateJudgeCostOptions, type JudgeCostEstimate, type ProfileEstimateOptions, type ProfileEstimate } from "./cost";
export { JUDGE_COST_PROFILES, JUDGE_KINDS, judgeCostProfile, type JudgeKind, type JudgeProfileParts } from "./judgeProfiles";
export { extractJsonObject } from "./parse";
