/** The errors a judge reports in its error Feedbacks (`error.type` is the class name). */

/** The model endpoint failed: HTTP error, network error, or an answer that is not a chat completion. */
export class JudgeModelError extends Error {
  override name = "JudgeModelError";
  /** HTTP status, or null for network errors and bad answers. */
  readonly status: number | null;
  /** Attempts made before giving up. */
  readonly attempts: number;
  constructor(message: string, status: number | null, attempts: number) {
    super(message);
    this.status = status;
    this.attempts = attempts;
  }
}

/** An attempt took longer than the configured timeout (and no retry was left). */
export class JudgeTimeoutError extends JudgeModelError {
  override name = "JudgeTimeoutError";
}

/** The model's answer is not the JSON the judge asked for. `rawText` is the answer (truncated). */
export class JudgeParseError extends Error {
  override name = "JudgeParseError";
  readonly rawText: string;
  constructor(message: string, rawText: string) {
    super(message);
    this.rawText = rawText;
  }
}

/** The judge cannot run on these arguments (no expectations, no retriever spans, …). No model call is made. */
export class JudgeInputError extends Error {
  override name = "JudgeInputError";
}

/** No model is configured for the judge. */
export class JudgeConfigError extends Error {
  override name = "JudgeConfigError";
}
