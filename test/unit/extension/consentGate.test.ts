/**
 * The language model consent gate: one consent question per model. Concurrent calls wait for the
 * first; a refusal fails the next calls at once (no model call, so no new dialog) until reset (the
 * user starts a run or chooses a model), then asks again; a grant lets calls run concurrently.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LanguageModelChatOutcome } from "../../../protocol/languageModel";
import { ConsentGate } from "../../../extension/judges/consentGate";

const answer: LanguageModelChatOutcome = { ok: true, answer: { text: "{}", model: "m-1", vendor: "v", family: "f", inputTokens: 1, outputTokens: 1 } };
const refused: LanguageModelChatOutcome = { ok: false, error: { code: "no-permission", message: "VS Code did not allow ScoreLens to use this language model" } };

/** A model whose calls resolve when the test says so; counts the calls that reached it. */
function model(outcome: () => LanguageModelChatOutcome) {
  const waiting: Array<() => void> = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const call = async (): Promise<LanguageModelChatOutcome> => {
    calls++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight--;
    return outcome();
  };
  return {
    call,
    release: () => waiting.splice(0).forEach((r) => r()),
    get calls() {
      return calls;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test("a refusal is asked once: the waiting calls and the next ones fail at once until reset", async () => {
  const gate = new ConsentGate();
  const m = model(() => refused);
  const all = Array.from({ length: 12 }, () => gate.run("v/m-1", m.call));
  await tick();
  assert.equal(m.calls, 1, "only the first call reaches the model (and VS Code's dialog) while consent is unknown");
  m.release();
  const outcomes = await Promise.all(all);
  assert.equal(m.calls, 1, "a refusal is not asked again for the calls that waited");
  assert.ok(outcomes.every((o) => !o.ok && o.error.code === "no-permission"));
  const later = outcomes[5];
  assert.ok(later && !later.ok);
  assert.match(later.error.message, /did not allow ScoreLens.*does not ask again until you start a run/);
  const stillRefused = await gate.run("v/m-1", m.call);
  assert.equal(stillRefused.ok, false);
  assert.equal(m.calls, 1, "later calls (monitoring) do not ask again either");

  gate.reset();
  const again = gate.run("v/m-1", m.call);
  await tick();
  assert.equal(m.calls, 2, "after a reset (a new run), the next call asks again");
  m.release();
  assert.equal((await again).ok, false);
});

test("a grant lets every call run, concurrently; models are gated separately", async () => {
  const gate = new ConsentGate();
  const m = model(() => answer);
  const first = Array.from({ length: 3 }, () => gate.run("v/m-1", m.call));
  await tick();
  assert.equal(m.calls, 1);
  m.release();
  await tick();
  await tick();
  assert.equal(m.calls, 3, "once the first call is answered the others go");
  m.release();
  assert.ok((await Promise.all(first)).every((o) => o.ok));

  const after = Array.from({ length: 4 }, () => gate.run("v/m-1", m.call));
  await tick();
  assert.equal(m.calls, 7);
  assert.ok(m.maxInFlight >= 4, "granted: no waiting");
  m.release();
  await Promise.all(after);

  const other = model(() => refused);
  const o = gate.run("v/other", other.call);
  await tick();
  assert.equal(other.calls, 1, "another model asks for itself");
  other.release();
  assert.equal((await o).ok, false);
  const stillOk = gate.run("v/m-1", m.call);
  await tick();
  m.release();
  assert.equal((await stillOk).ok, true, "a refusal of one model does not block another");
});

test("other errors do not decide consent: the next call still asks", async () => {
  const gate = new ConsentGate();
  let outcome: LanguageModelChatOutcome = { ok: false, error: { code: "busy", message: "busy" } };
  const m = model(() => outcome);
  const a = gate.run("v/m-1", m.call);
  await tick();
  m.release();
  assert.equal((await a).ok, false);
  outcome = answer;
  const b = gate.run("v/m-1", m.call);
  await tick();
  assert.equal(m.calls, 2);
  m.release();
  assert.equal((await b).ok, true);
});
