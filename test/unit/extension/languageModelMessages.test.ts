/** The vscode-free half of the editor's language model host: messages, model names, error codes. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyLanguageModelError, describeModel, NO_MODELS_AT_ALL, noModelMessage, toHostMessages, type ModelInfo } from "../../../extension/judges/languageModelMessages";
import { LanguageModelErrorCode, LM_ERROR_STATUS, RETRYABLE_LM_ERRORS } from "../../../protocol/languageModel";

/** What `vscode.LanguageModelError` looks like at run time: an Error with a string `code` (and maybe a `cause`). */
function lmError(code: string, message: string, cause?: Error): Error {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = `${code} (LanguageModelError)`;
  return Object.assign(e, { code });
}

const model = (vendor: string, family: string, name = family): ModelInfo => ({ id: `${vendor}-${family}`, vendor, family, name, version: "1" });

describe("toHostMessages", () => {
  it("turns system messages into user messages starting with Instructions:, keeping order", () => {
    assert.deepEqual(
      toHostMessages([
        { role: "system", content: "Judge safety." },
        { role: "user", content: "<output>hi</output>" },
        { role: "assistant", content: "{}" },
      ]),
      [
        { role: "user", content: "Instructions:\nJudge safety." },
        { role: "user", content: "<output>hi</output>" },
        { role: "assistant", content: "{}" },
      ],
    );
  });
});

describe("noModelMessage", () => {
  it("lists the models that exist, or says there are none and what to do", () => {
    const msg = noModelMessage({ vendor: "copilot", family: "gpt-9" }, [model("copilot", "gpt-4o", "GPT-4o"), model("copilot", "claude-sonnet-4"), model("copilot", "gpt-4o", "GPT-4o")]);
    assert.equal(msg, 'no VS Code language model matches copilot/gpt-9; available: GPT-4o (copilot/gpt-4o), copilot/claude-sonnet-4. Change scorelens.judges.vscodeModel (or run "ScoreLens: Choose LLM Judge Model…").');
    assert.equal(noModelMessage({}, []), NO_MODELS_AT_ALL);
    assert.match(NO_MODELS_AT_ALL, /no language models are available in this VS Code: install or sign in to a chat extension such as GitHub Copilot/);
    const many = Array.from({ length: 25 }, (_, i) => model("v", `f${String(i).padStart(2, "0")}`));
    assert.match(noModelMessage({ family: "x" }, many), /v\/f19 and 5 more\./);
    assert.equal(describeModel(model("ollama", "llama3")), "ollama/llama3");
  });
});

describe("classifyLanguageModelError", () => {
  it("maps LanguageModelError codes: NoPermissions, Blocked, NotFound (never retried)", () => {
    const refused = classifyLanguageModelError(lmError("NoPermissions", "user did not consent"));
    assert.equal(refused.code, "no-permission");
    assert.match(refused.message, /did not allow ScoreLens .*user did not consent.*Manage Language Model Access/);
    assert.equal(classifyLanguageModelError(lmError("Blocked", "quota")).code, "blocked", "Blocked wins over the word quota");
    assert.equal(classifyLanguageModelError(lmError("NotFound", "gone")).code, "no-model");
    for (const code of ["no-permission", "blocked", "no-model"] as const) assert.ok(!RETRYABLE_LM_ERRORS.has(code));
  });

  it("reads rate limits and transient failures from Unknown errors and their cause (retried)", () => {
    const limited = classifyLanguageModelError(lmError("Unknown", "Request failed", new Error("429 Too Many Requests")));
    assert.deepEqual(limited, { code: "rate-limited", message: "the language model is rate limited: Request failed (429 Too Many Requests)" });
    assert.equal(classifyLanguageModelError(new Error("Server error: 503")).code, "busy");
    assert.ok(RETRYABLE_LM_ERRORS.has("rate-limited") && RETRYABLE_LM_ERRORS.has("busy"));
  });

  it("cancellations, other errors and non-errors", () => {
    const cancelled = new Error("Canceled");
    cancelled.name = "Canceled";
    assert.equal(classifyLanguageModelError(cancelled).code, "cancelled");
    assert.deepEqual(classifyLanguageModelError(new Error("content filtered")), { code: "model-error", message: "the language model failed: content filtered" });
    assert.equal(classifyLanguageModelError("boom").message, "the language model failed: boom");
  });

  it("every error code has an HTTP status ≥ 400", () => {
    for (const code of LanguageModelErrorCode.options) assert.ok(LM_ERROR_STATUS[code] >= 400, code);
  });
});
