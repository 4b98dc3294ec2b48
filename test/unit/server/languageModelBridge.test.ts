/**
 * The language model bridge's listener over real HTTP on 127.0.0.1, with a host written here:
 * routing and guards, the host's error codes as HTTP statuses, a judge that gives up cancelling the
 * host's request, and the LSP host's handling of an editor that cannot or does not answer.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ErrorCodes, ResponseError, type CancellationToken } from "vscode-languageserver/node";
import { LM_BRIDGE_TOKEN_ENV, LM_BRIDGE_URL_ENV, LM_TOKEN_HEADER, type LanguageModelChatOutcome, type LanguageModelChatParams } from "../../../protocol/languageModel";
import { LanguageModelBridge, lspLanguageModelHost, tokenMatches, type LanguageModelHost } from "../../../server/ingest/languageModelBridge";

const calls: Array<{ params: LanguageModelChatParams; signal: AbortSignal }> = [];
let next: (params: LanguageModelChatParams, signal: AbortSignal) => Promise<LanguageModelChatOutcome> = () => Promise.reject(new Error("no answer scripted"));
const host: LanguageModelHost = {
  chat(params, signal) {
    calls.push({ params, signal });
    return next(params, signal);
  },
};
let bridge: LanguageModelBridge;
before(async () => {
  bridge = await LanguageModelBridge.start(host, { maxBodyBytes: 2048 });
});
after(() => bridge.close());

const BODY = JSON.stringify({ selector: { family: "gpt-4o" }, messages: [{ role: "system", content: "judge" }, { role: "user", content: "hi" }] });
function post(body = BODY, headers: Record<string, string> = {}, url = bridge.url, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", [LM_TOKEN_HEADER]: bridge.token, ...headers }, body, ...(signal ? { signal } : {}) });
}

test("serves its path with the token; the env names the URL and token", async () => {
  assert.deepEqual(Object.keys(bridge.env()).sort(), [LM_BRIDGE_TOKEN_ENV, LM_BRIDGE_URL_ENV].sort());
  assert.equal(bridge.env()[LM_BRIDGE_URL_ENV], bridge.url);
  next = async () => ({ ok: true, answer: { text: "ok", model: "m-1", vendor: "v", family: "f", inputTokens: 3, outputTokens: null } });
  const res = await post();
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { text: "ok", model: "m-1", vendor: "v", family: "f", inputTokens: 3, outputTokens: null });
  assert.deepEqual(calls.at(-1)?.params.selector, { family: "gpt-4o" });
});

test("guards: path, method, token, content type, size", async () => {
  const before = calls.length;
  assert.equal((await post(BODY, {}, bridge.url.replace("/lm/chat", "/lm/other"))).status, 404);
  const get = await fetch(bridge.url, { headers: { [LM_TOKEN_HEADER]: bridge.token } });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  assert.equal((await post(BODY, { [LM_TOKEN_HEADER]: "nope" })).status, 401);
  assert.equal((await post(BODY, { "content-type": "text/plain" })).status, 415);
  const big = await post(JSON.stringify({ selector: {}, messages: [{ role: "user", content: "x".repeat(4096) }] }));
  assert.equal(big.status, 413);
  assert.equal(calls.length, before, "the host was never asked");
  assert.ok(tokenMatches(bridge.token, bridge.token));
  assert.ok(!tokenMatches(undefined, bridge.token) && !tokenMatches([bridge.token], bridge.token) && !tokenMatches(`${bridge.token}x`, bridge.token));
});

test("the host's errors keep their code and get its status; a host that throws is a 500", async () => {
  next = async () => ({ ok: false, error: { code: "rate-limited", message: "slow down" } });
  const limited = await post();
  assert.equal(limited.status, 429);
  assert.deepEqual(await limited.json(), { error: { code: "rate-limited", message: "slow down" } });
  next = async () => ({ ok: false, error: { code: "no-model", message: "none" } });
  assert.equal((await post()).status, 404);
  next = () => Promise.reject(new Error("kaboom"));
  const broken = await post();
  assert.equal(broken.status, 500);
  assert.deepEqual(await broken.json(), { error: { code: "internal", message: "the language model bridge failed: kaboom" } });
});

test("a judge that gives up cancels the host's request", async () => {
  let aborted: () => void = () => {};
  const wasAborted = new Promise<void>((resolve) => (aborted = resolve));
  next = (_params, signal) =>
    new Promise((resolve) => {
      signal.addEventListener("abort", () => {
        aborted();
        resolve({ ok: false, error: { code: "cancelled", message: "cancelled" } });
      });
    });
  const controller = new AbortController();
  const asked = calls.length;
  const pending = post(BODY, {}, bridge.url, controller.signal).catch((e: unknown) => e);
  for (let i = 0; calls.length === asked; i++) {
    assert.ok(i < 500, "the host was asked");
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(calls.at(-1)?.signal.aborted, false);
  controller.abort();
  await pending;
  await wasAborted;
  assert.equal(calls.at(-1)?.signal.aborted, true);
});

test("the LSP host: a valid answer passes, an invalid one, an unknown method and a dead connection become clear errors", async () => {
  const params: LanguageModelChatParams = { selector: {}, messages: [{ role: "user", content: "hi" }] };
  const signal = new AbortController().signal;
  const seen: Array<{ method: string; token: CancellationToken | undefined }> = [];
  const answering = (answer: unknown) =>
    lspLanguageModelHost({
      sendRequest: ((method: string, _p: unknown, token?: CancellationToken) => {
        seen.push({ method, token });
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      }) as never,
    });
  const ok: LanguageModelChatOutcome = { ok: true, answer: { text: "t", model: "m", vendor: "v", family: "f", inputTokens: null, outputTokens: null } };
  assert.deepEqual(await answering(ok).chat(params, signal), ok);
  assert.equal(seen[0]?.method, "scorelens/languageModel/chat");
  assert.ok(seen[0]?.token, "a cancellation token goes with the request");
  const invalid = await answering({ ok: true, answer: { text: 1 } }).chat(params, signal);
  assert.equal(invalid.ok ? null : invalid.error.code, "internal");
  const old = await answering(new ResponseError(ErrorCodes.MethodNotFound, "Unhandled method")).chat(params, signal);
  assert.deepEqual(old, { ok: false, error: { code: "no-editor", message: "the editor does not answer language model requests (is the ScoreLens extension up to date?)" } });
  const gone = await answering(new Error("Connection is disposed.")).chat(params, signal);
  assert.deepEqual(gone, { ok: false, error: { code: "no-editor", message: "the editor did not answer: Connection is disposed." } });
});
