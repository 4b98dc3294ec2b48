/**
 * The judges' OpenAI-compatible provider against a real HTTP server: retries (429 with
 * Retry-After, 5xx), giving up, timeouts, the concurrency cap, Azure's variant, the environment
 * default, and the API key never leaving the request headers (Feedback, metadata, logs, OTLP export).
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { configure, configureJudges, flush, Guidelines, runScorer, Safety, shutdown, type FeedbackResult, type JudgeModelConfig } from "../../../sdk/index";
import { ScriptedOpenAI } from "../../support/openaiScripted";
import { CaptureServer } from "./helpers";

const llm = new ScriptedOpenAI();
const otlp = new CaptureServer();
const YES = { rationale: "fine", result: "yes" };
const ENV_KEYS = ["SCORELENS_JUDGE_BASE_URL", "SCORELENS_JUDGE_MODEL", "SCORELENS_JUDGE_API_KEY", "OPENAI_API_KEY", "SCORELENS_JUDGE_API_VERSION", "SCORELENS_JUDGE_MAX_CONCURRENCY"];

before(async () => {
  await llm.start();
  await otlp.start();
});

after(async () => {
  await shutdown();
  await llm.close();
  await otlp.close();
});

beforeEach(async () => {
  await flush();
  llm.reset();
  otlp.reset();
  configureJudges({ defaultModel: null, maxConcurrency: null });
  for (const key of ENV_KEYS) delete process.env[key];
  configure({ endpoint: otlp.url, enabled: true, flushIntervalMs: 60_000, compression: "none", serviceName: "judges-provider-test" });
});

function model(over: Partial<JudgeModelConfig> = {}): JudgeModelConfig {
  return { baseUrl: llm.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", retryBaseDelayMs: 20, ...over };
}

function only(results: FeedbackResult[]): FeedbackResult {
  assert.equal(results.length, 1, JSON.stringify(results));
  const [first] = results;
  assert.ok(first);
  return first;
}

describe("retries, timeouts, concurrency", () => {
  it("retries a 429 (waiting its Retry-After) and a 500, then succeeds", async () => {
    llm.script.push({ status: 429, headers: { "retry-after": "1" } }, { status: 500 }, ScriptedOpenAI.json(YES));
    const started = Date.now();
    const feedback = only(await new Safety({ model: model() }).run({ outputs: "hi" }));
    assert.equal(feedback.value, "yes");
    assert.equal(feedback.metadata["scorelens.judge.attempts"], "3");
    assert.equal(llm.requests.length, 3);
    const [first, second] = llm.requests;
    assert.ok(first && second);
    assert.ok(second.receivedAtMs - first.receivedAtMs >= 950, `Retry-After honoured: ${second.receivedAtMs - first.receivedAtMs} ms`);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(llm.requests[2]?.rawText, llm.requests[0]?.rawText, "the same request is sent again");
  });

  it("gives up after maxAttempts: an error Feedback with the status, and no more requests", async () => {
    llm.fallback = () => ({ status: 503, body: '{"error":{"message":"overloaded"}}' });
    const feedback = only(await new Safety({ model: model({ maxAttempts: 3 }) }).run({ outputs: "hi" }));
    assert.equal(feedback.value, null);
    assert.equal(feedback.error?.type, "JudgeModelError");
    assert.match(feedback.error?.message ?? "", /gpt-4o-mini at http:\/\/127\.0\.0\.1:\d+\/v1 failed after 3 attempts: HTTP 503: \{"error":\{"message":"overloaded"\}\}/);
    assert.deepEqual(feedback.source, { type: "LLM_JUDGE", id: "safety" });
    assert.equal(feedback.metadata["mlflow.judge.model"], "gpt-4o-mini");
    assert.equal(llm.requests.length, 3);
  });

  it("does not retry a 4xx other than 429, and gives up at once on a Retry-After beyond maxRetryDelayMs", async () => {
    llm.script.push({ status: 400, body: '{"error":{"message":"bad model"}}' });
    const bad = only(await new Safety({ model: model() }).run({ outputs: "hi" }));
    assert.match(bad.error?.message ?? "", /failed: HTTP 400: .*bad model/);
    assert.equal(llm.requests.length, 1);
    llm.script.push({ status: 429, headers: { "retry-after": "120" } });
    const limited = only(await new Safety({ model: model({ maxRetryDelayMs: 1_000 }) }).run({ outputs: "hi" }));
    assert.match(limited.error?.message ?? "", /HTTP 429.*Retry-After 120000 ms exceeds maxRetryDelayMs 1000/);
    assert.equal(llm.requests.length, 2);
  });

  it("times out each attempt, retries, then reports a JudgeTimeoutError", async () => {
    llm.fallback = () => ({ hang: true });
    const started = Date.now();
    const feedback = only(await new Safety({ model: model({ timeoutMs: 200, maxAttempts: 2 }) }).run({ outputs: "hi" }));
    assert.equal(feedback.error?.type, "JudgeTimeoutError");
    assert.match(feedback.error?.message ?? "", /failed after 2 attempts: no answer within 200 ms/);
    assert.equal(llm.requests.length, 2);
    assert.ok(Date.now() - started >= 400);
  });

  it("honours the process-wide concurrency cap, and a changed cap applies to the next calls", async () => {
    llm.fallback = () => ({ ...ScriptedOpenAI.json(YES), delayMs: 150 });
    configureJudges({ maxConcurrency: 2 });
    const judge = new Safety({ model: model() });
    const capped = await Promise.all(Array.from({ length: 6 }, () => judge.run({ outputs: "hi" })));
    assert.ok(capped.every((r) => only(r).value === "yes"));
    assert.equal(llm.maxInFlight, 2);
    llm.maxInFlight = 0;
    process.env["SCORELENS_JUDGE_MAX_CONCURRENCY"] = "5";
    configureJudges({ maxConcurrency: null });
    await Promise.all(Array.from({ length: 8 }, () => judge.run({ outputs: "hi" })));
    assert.equal(llm.maxInFlight, 5);
    assert.throws(() => configureJudges({ maxConcurrency: 0 }), /maxConcurrency must be an integer ≥ 1/);
  });
});

describe("endpoints and configuration", () => {
  it("Azure OpenAI: api-version query and api-key header", async () => {
    llm.script.push(ScriptedOpenAI.json(YES));
    await new Safety({ model: model({ apiKey: "azure-key", apiVersion: "2024-10-21" }) }).run({ outputs: "hi" });
    const request = llm.requests[0];
    assert.ok(request);
    assert.equal(request.path, "/v1/chat/completions");
    assert.deepEqual(request.query, { "api-version": "2024-10-21" });
    assert.equal(request.headers["api-key"], "azure-key");
    assert.equal(request.headers["authorization"], undefined);
  });

  it("a judge without a model uses SCORELENS_JUDGE_* (key from OPENAI_API_KEY), read at call time; none → a clear error Feedback", async () => {
    const judge = new Safety();
    const none = only(await judge.run({ outputs: "hi" }));
    assert.equal(none.error?.type, "JudgeConfigError");
    assert.match(none.error?.message ?? "", /no judge model configured: .*SCORELENS_JUDGE_BASE_URL and SCORELENS_JUDGE_MODEL/);
    process.env["SCORELENS_JUDGE_BASE_URL"] = llm.baseUrl;
    process.env["SCORELENS_JUDGE_MODEL"] = "llama3.1:8b";
    process.env["OPENAI_API_KEY"] = "sk-from-openai-env";
    llm.script.push(ScriptedOpenAI.json(YES));
    const feedback = only(await judge.run({ outputs: "hi" }));
    assert.equal(feedback.value, "yes");
    assert.equal(feedback.metadata["mlflow.judge.model"], "llama3.1:8b");
    assert.equal(feedback.metadata["scorelens.judge.cost_usd"], undefined, "no price for a local model");
    assert.equal(llm.requests[0]?.headers["authorization"], "Bearer sk-from-openai-env");
    assert.equal(llm.requests[0]?.body.model, "llama3.1:8b");
    assert.equal(judge.modelName, "llama3.1:8b");
  });

  it("a bad model config throws at construction", () => {
    assert.throws(() => new Safety({ model: { baseUrl: "not a url", model: "m" } }), /baseUrl is not a URL/);
    assert.throws(() => new Safety({ model: { baseUrl: llm.baseUrl, model: "" } }), /model must be a non-empty string/);
    assert.throws(() => new Guidelines({ guidelines: [] }), /guidelines must be a non-empty string/);
  });
});

describe("the API key stays in the request headers", () => {
  it("never appears in Feedbacks, metadata, errors, the judge's JSON, debug logs or the exported traces", async () => {
    const secret = "sk-LEAK-canary-7f3a9c";
    const judge = new Guidelines({ name: "polite", guidelines: "Be polite.", model: model({ apiKey: secret, maxAttempts: 1 }) });
    llm.script.push(
      ScriptedOpenAI.json(YES),
      { status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${secret}.` } }) },
      { answer: "not json at all" },
    );
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.env["SCORELENS_DEBUG"] = "1";
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let results: FeedbackResult[];
    try {
      results = (await Promise.all([0, 1, 2].map(() => runScorer(judge, { inputs: "q", outputs: "a" })))).flat();
      await flush();
    } finally {
      process.stderr.write = write;
      delete process.env["SCORELENS_DEBUG"];
    }
    assert.equal(llm.requests.length, 3);
    for (const request of llm.requests) {
      assert.equal(request.headers["authorization"], `Bearer ${secret}`);
      assert.ok(!request.rawText.includes(secret), "not in the request body");
    }
    assert.deepEqual(results.map((r) => r.error?.type ?? r.value).sort(), ["JudgeModelError", "JudgeParseError", "yes"]);
    const unauthorized = results.find((r) => r.error?.type === "JudgeModelError");
    assert.match(unauthorized?.error?.message ?? "", /HTTP 401: .*Incorrect API key provided: \[redacted\]/);
    assert.ok(!JSON.stringify(results).includes(secret), "not in any Feedback (value, rationale, error, metadata)");
    assert.ok(!JSON.stringify(judge).includes(secret), "not in the judge's JSON");
    assert.ok(!logged.join("").includes(secret), "not in SDK debug logs");
    assert.ok(otlp.requests.length > 0);
    for (const request of otlp.requests) {
      assert.ok(!request.rawText.includes(secret), "not in the exported trace bodies");
      assert.ok(!JSON.stringify(request.headers).includes(secret), "not in the export headers");
    }
    assert.ok(otlp.spans().some((s) => s.attributes["mlflow.traceTag.scorelens.source"] === "judge"));
  });
});
