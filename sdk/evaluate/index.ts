/** `evaluate()` (MLflow `mlflow.genai.evaluate`). Re-exported from the SDK's entry point. */
export { evaluate, EVAL_RUN_ID_TAG } from "./evaluate";
export { PREDICT_TIMEOUT_ERROR_TYPE } from "./predict";
export { RUNS_PATH, runsUrl, type UploadOutcome } from "./upload";
export type { EvalDataRow, EvalInputs, EvaluateOptions, EvaluateResult, EvaluateRow } from "./types";
export type { EvalUpload, EvalUploadRow, EvalUploadScore, EvalUploadScorer } from "../../protocol/evalUpload";
