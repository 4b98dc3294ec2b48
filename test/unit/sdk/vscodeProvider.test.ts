/**
 * The VS Code Language Model provider against a real HTTP server on 127.0.0.1 standing in for the
 * ScoreLens server's bridge: the request (path, token header, body valid for the protocol schema),
 * the answer (value, model id, tokens), error mapping and retries, the "needs VS Code" error when
 * the bridge variables are absent, the default provider from SCORELENS_JUDGE_PROVIDER, and
 * selector parsing.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import * as protocol from "../../../protocol/languageModel";
import {
  configure,
  configureJudges,
  Guidelines,
  judgeProviderFromEnv,
  parseVSCodeModelSelector,
  Safety,
  VSCODE_PROVIDER_NEEDS_EDITOR,
  vscodeLanguageModel,
  VSCodeLanguageModelProvider,
  type FeedbackResult,
} from "../../../sdk/index";
import { LM_BRIDGE_TOKEN_ENV, LM_BRIDGE_URL_ENV, LM_TOKEN_HEADER, vscodeSelectorLabel } from "../../../sdk/judges/vscodeProvider";

interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  hang?: boolean;
  delayMs?: number;
}
interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A real HTTP server that answers from a script, like the server's bridge would. */
class Bridge {
  readonly seen: Seen[] = [];
  readonly script: Reply[] = [];
  fallback: Reply | null = null;
  inFlight = 0;
  maxInFlight = 0;
  #server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void this.#answer(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  url = "";

  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${protocol.LM_BRIDGE_PATH}`;
  }

  async #answer(req: http.IncomingMessage, res: http.ServerResponse, text: string): Promise<void> {
    this.seen.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(text) as unknown });
    const reply = this.script.shift() ?? this.fallback ?? { status: 500, body: { error: { code: "internal", message: "no scripted answer" } } };
    if (reply.hang === true) return;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (reply.delayMs !== undefined) await new Promise((r) => setTimeout(r, reply.delayMs));
    this.inFlight--;
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
  }

  reset(): void {
    this.seen.length = 0;
    this.script.length = 0;
    this.fallback = null;
    this.maxInFlight = 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

const bridge = new Bridge();
const TOKEN = "test-token-0123456789";
const ENV_KEYS = [LM_BRIDGE_URL_ENV, LM_BRIDGE_TOKEN_ENV, "SCORELENS_JUDGE_PROVIDER", "SCORELENS_JUDGE_VSCODE_MODEL", "SCORELENS_JUDGE_BASE_URL", "SCORELENS_JUDGE_MODEL"];

function answer(verdict: { rationale: string; result: string }, model = "gpt-4o", tokens: [number | null, number | null] = [120, 30]): Reply {
  return { body: { text: JSON.stringify(verdict), model, vendor: "copilot", family: "gpt-4o", inputTokens: tokens[0], outputTokens: tokens[1] } };
}

function only(results: FeedbackResult[]): FeedbackResult {
  assert.equal(results.length, 1, JSON.stringify(results));
  return results[0] as FeedbackResult;
}

before(() => bridge.start());
after(() => bridge.close());
beforeEach(() => {
  bridge.reset();
  for (const key of ENV_KEYS) delete process.env[key];
  process.env[LM_BRIDGE_URL_ENV] = bridge.url;
  process.env[LM_BRIDGE_TOKEN_ENV] = TOKEN;
  configureJudges({ defaultModel: null, maxConcurrency: null });
  configure({ enabled: false });
});

describe("VSCodeLanguageModelProvider", () => {
  it("posts the messages and selector with the token; the answer becomes the Feedback, the model id the judge's model", async () => {
    bridge.script.push(answer({ rationale: "Polite throughout.", result: "yes" }, "claude-sonnet-4"));
    const provider = vscodeLanguageModel({ vendor: "copilot", family: "claude-sonnet-4" });
    assert.equal(provider.model, "vscode:copilot/claude-sonnet-4");
    const feedback = only(await new Guidelines({ guidelines: ["Be polite"], model: provider }).run({ inputs: "hi", outputs: "Hello!" }));
    assert.equal(feedback.error, null, JSON.stringify(feedback.error));
    assert.equal(feedback.value, "yes");
    assert.equal(feedback.rationale, "Polite throughout.");
    assert.equal(feedback.metadata["mlflow.judge.model"], "claude-sonnet-4");
    assert.equal(feedback.metadata["scorelens.judge.input_tokens"], "120");
    assert.equal(feedback.metadata["scorelens.judge.output_tokens"], "30");
    assert.equal(feedback.metadata["scorelens.judge.attempts"], "1");
    assert.equal(provider.model, "claude-sonnet-4", "the model learnt from the answer");
    const [seen] = bridge.seen;
    assert.ok(seen);
    assert.equal(seen.path, protocol.LM_BRIDGE_PATH);
    assert.equal(seen.headers[LM_TOKEN_HEADER], TOKEN);
    assert.equal(seen.headers["content-type"], "application/json");
    const body = protocol.LanguageModelChatParams.parse(seen.body);
    assert.deepEqual(body.selector, { vendor: "copilot", family: "claude-sonnet-4" });
    assert.ok(body.messages.some((m) => m.role === "user" && m.content.includes("Be polite")));
    assert.ok(!JSON.stringify(feedback).includes(TOKEN), "the token is not in the Feedback");
  });

  it("maps the host's errors: consent refused and no model are final; rate limited is retried", async () => {
    bridge.script.push({ status: 403, body: { error: { code: "no-permission", message: "VS Code did not allow ScoreLens to use this language model" } } });
    const refused = only(await new Safety({ model: vscodeLanguageModel({ family: "gpt-4o" }) }).run({ outputs: "hi" }));
    assert.equal(refused.error?.type, "JudgeModelError");
    assert.match(refused.error?.message ?? "", /^VS Code language model vscode:gpt-4o failed: VS Code did not allow ScoreLens to use this language model \[no-permission\]$/);
    assert.equal(refused.metadata["mlflow.judge.model"], "vscode:gpt-4o");
    assert.equal(bridge.seen.length, 1, "no retry after a refusal");

    bridge.script.push({ status: 404, body: { error: { code: "no-model", message: "no VS Code language model matches gpt-9; available: copilot/gpt-4o" } } });
    const missing = only(await new Safety({ model: vscodeLanguageModel({ family: "gpt-9" }) }).run({ outputs: "hi" }));
    assert.match(missing.error?.message ?? "", /no VS Code language model matches gpt-9; available: copilot\/gpt-4o \[no-model\]/);
    assert.equal(bridge.seen.length, 2);

    bridge.script.push({ status: 429, headers: { "retry-after": "0.05" }, body: { error: { code: "rate-limited", message: "slow down" } } }, { status: 503, body: { error: { code: "busy", message: "overloaded" } } }, answer({ rationale: "fine", result: "yes" }));
    const retried = only(await new Safety({ model: vscodeLanguageModel({}, { retryBaseDelayMs: 10 }) }).run({ outputs: "hi" }));
    assert.equal(retried.value, "yes");
    assert.equal(retried.metadata["scorelens.judge.attempts"], "3");
    assert.equal(bridge.seen.length, 5);

    bridge.fallback = { status: 429, body: { error: { code: "rate-limited", message: "slow down" } } };
    const exhausted = only(await new Safety({ model: vscodeLanguageModel({}, { retryBaseDelayMs: 5, maxAttempts: 2 }) }).run({ outputs: "hi" }));
    assert.match(exhausted.error?.message ?? "", /vscode:any failed after 2 attempts: slow down \[rate-limited\]/);
    assert.equal(bridge.seen.length, 7);
  });

  it("explains a wrong token, a non-JSON failure and an answer without text; times out without retrying", async () => {
    bridge.script.push({ status: 401, body: { error: { code: "unauthorized", message: "missing or wrong x-scorelens-lm-token header" } } });
    const denied = only(await new Safety({ model: vscodeLanguageModel() }).run({ outputs: "hi" }));
    assert.match(denied.error?.message ?? "", /wrong x-scorelens-lm-token header \[unauthorized\] \(the bridge token does not match/);
    assert.equal(bridge.seen.length, 1);

    bridge.script.push({ status: 500, body: "<html>oops</html>" });
    const raw = only(await new Safety({ model: vscodeLanguageModel() }).run({ outputs: "hi" }));
    assert.match(raw.error?.message ?? "", /HTTP 500: <html>oops<\/html>/);

    bridge.script.push({ body: { model: "gpt-4o" } });
    const empty = only(await new Safety({ model: vscodeLanguageModel() }).run({ outputs: "hi" }));
    assert.match(empty.error?.message ?? "", /answer without text and model/);

    bridge.fallback = { hang: true };
    const started = Date.now();
    const slow = only(await new Safety({ model: vscodeLanguageModel({}, { timeoutMs: 150 }) }).run({ outputs: "hi" }));
    assert.equal(slow.error?.type, "JudgeTimeoutError");
    assert.match(slow.error?.message ?? "", /failed: no answer within 150 ms/);
    assert.equal(bridge.seen.length, 4, "a timeout is not retried");
    assert.ok(Date.now() - started < 2_000);
  });

  it("holds a slot of the process-wide concurrency cap per call", async () => {
    bridge.fallback = { ...answer({ rationale: "ok", result: "yes" }), delayMs: 80 };
    configureJudges({ maxConcurrency: 2 });
    const judge = new Safety({ model: vscodeLanguageModel() });
    const results = await Promise.all(Array.from({ length: 6 }, () => judge.run({ outputs: "hi" })));
    assert.ok(results.every((r) => only(r).value === "yes"));
    assert.equal(bridge.maxInFlight, 2);
  });

  it("without the bridge variables (CLI, own scripts) says the provider needs VS Code, and calls nothing", async () => {
    delete process.env[LM_BRIDGE_URL_ENV];
    const feedback = only(await new Safety({ model: vscodeLanguageModel({ family: "gpt-4o" }) }).run({ outputs: "hi" }));
    assert.equal(feedback.error?.type, "JudgeConfigError");
    assert.equal(feedback.error?.message, VSCODE_PROVIDER_NEEDS_EDITOR);
    assert.match(VSCODE_PROVIDER_NEEDS_EDITOR, /needs VS Code.*SCORELENS_JUDGE_BASE_URL \+ SCORELENS_JUDGE_MODEL/);
    process.env[LM_BRIDGE_URL_ENV] = bridge.url;
    delete process.env[LM_BRIDGE_TOKEN_ENV];
    assert.equal(only(await new Safety({ model: vscodeLanguageModel() }).run({ outputs: "hi" })).error?.message, VSCODE_PROVIDER_NEEDS_EDITOR);
    assert.equal(bridge.seen.length, 0);
  });
});

describe("SCORELENS_JUDGE_PROVIDER=vscode as the default", () => {
  it("judges without a model use VS Code's model from SCORELENS_JUDGE_VSCODE_MODEL, even with an OpenAI endpoint set", async () => {
    process.env["SCORELENS_JUDGE_BASE_URL"] = "http://127.0.0.1:9/v1";
    process.env["SCORELENS_JUDGE_MODEL"] = "gpt-4o-mini";
    process.env["SCORELENS_JUDGE_PROVIDER"] = "vscode";
    process.env["SCORELENS_JUDGE_VSCODE_MODEL"] = "copilot/gpt-4.1";
    const judge = new Safety();
    assert.equal(judge.modelName, "vscode:copilot/gpt-4.1");
    bridge.script.push(answer({ rationale: "safe", result: "yes" }, "gpt-4.1-2025"));
    const feedback = only(await judge.run({ outputs: "hi" }));
    assert.equal(feedback.value, "yes");
    assert.equal(feedback.metadata["mlflow.judge.model"], "gpt-4.1-2025");
    // gpt-4.1 is in the price table, but VS Code's models come with a subscription: tokens, no cost
    assert.ok(feedback.metadata["scorelens.judge.input_tokens"] !== undefined);
    assert.equal(feedback.metadata["scorelens.judge.cost_usd"], undefined);
    assert.deepEqual(protocol.LanguageModelChatParams.parse(bridge.seen[0]?.body).selector, { vendor: "copilot", family: "gpt-4.1" });
    assert.equal(judge.modelName, "gpt-4.1-2025", "the default provider is kept, with what it learnt");

    delete process.env[LM_BRIDGE_URL_ENV];
    const cli = only(await new Safety().run({ outputs: "hi" }));
    assert.equal(cli.error?.type, "JudgeConfigError");
    assert.match(cli.error?.message ?? "", /needs VS Code/);
  });

  it("reads the provider kind strictly", () => {
    assert.equal(judgeProviderFromEnv({}), "openai");
    assert.equal(judgeProviderFromEnv({ SCORELENS_JUDGE_PROVIDER: " OpenAI " }), "openai");
    assert.equal(judgeProviderFromEnv({ SCORELENS_JUDGE_PROVIDER: "vscode" }), "vscode");
    assert.throws(() => judgeProviderFromEnv({ SCORELENS_JUDGE_PROVIDER: "copilot" }), { name: "JudgeConfigError", message: /must be "openai" or "vscode", got "copilot"/ });
  });
});

describe("selectors", () => {
  it("parses vendor/family, family, vendor/* and empty", () => {
    assert.deepEqual(parseVSCodeModelSelector("copilot/gpt-4o"), { vendor: "copilot", family: "gpt-4o" });
    assert.deepEqual(parseVSCodeModelSelector(" gpt-4o "), { family: "gpt-4o" });
    assert.deepEqual(parseVSCodeModelSelector("copilot/"), { vendor: "copilot" });
    assert.deepEqual(parseVSCodeModelSelector("copilot/*"), { vendor: "copilot" });
    assert.deepEqual(parseVSCodeModelSelector(""), {});
    assert.deepEqual(parseVSCodeModelSelector(undefined), {});
    assert.deepEqual(parseVSCodeModelSelector("vendor/family/with-slash"), { vendor: "vendor", family: "family/with-slash" });
  });

  it("labels the provider until a model answers; selectors pass the protocol schema", () => {
    assert.equal(vscodeSelectorLabel({ vendor: "copilot", family: "gpt-4o" }), "vscode:copilot/gpt-4o");
    assert.equal(vscodeSelectorLabel({ vendor: "copilot" }), "vscode:copilot/*");
    assert.equal(vscodeSelectorLabel({ id: "x", version: "2" }), "vscode:id=x,version=2");
    assert.equal(vscodeSelectorLabel({}), "vscode:any");
    assert.equal(protocol.describeSelector({ vendor: "copilot", family: "gpt-4o" }), "copilot/gpt-4o");
    assert.equal(protocol.describeSelector({}), "any model");
    const provider = new VSCodeLanguageModelProvider({ vendor: " copilot ", family: "", id: "gpt-4o" });
    assert.deepEqual(provider.selector, { vendor: "copilot", id: "gpt-4o" });
    assert.ok(protocol.LanguageModelSelector.safeParse(provider.selector).success);
    assert.deepEqual(JSON.parse(JSON.stringify(provider)), { provider: "vscode", selector: { vendor: "copilot", id: "gpt-4o" }, model: "vscode:copilot/*,id=gpt-4o" });
  });

  it("the SDK's copies of the bridge names match the protocol's", () => {
    assert.equal(LM_TOKEN_HEADER, protocol.LM_TOKEN_HEADER);
    assert.equal(LM_BRIDGE_URL_ENV, protocol.LM_BRIDGE_URL_ENV);
    assert.equal(LM_BRIDGE_TOKEN_ENV, protocol.LM_BRIDGE_TOKEN_ENV);
  });
});
