/**
 * LLM judges against a real OpenAI-compatible HTTP server (test/support/openaiScripted.ts): each
 * built-in judge's prompt and parse path, custom judges, template validation, the judge's own
 * trace (captured by a real OTLP receiver), and the cost estimate.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  Completeness,
  configure,
  Correctness,
  customPromptJudge,
  estimateJudgeCost,
  flush,
  Guidelines,
  makeJudge,
  RelevanceToQuery,
  RetrievalGroundedness,
  RetrievalRelevance,
  RetrievalSufficiency,
  runScorer,
  Safety,
  ScorerTrace,
  shutdown,
  type FeedbackResult,
  type JudgeModelConfig,
} from "../../../sdk/index";
import { ScriptedOpenAI } from "../../support/openaiScripted";
import { CaptureServer, jsonAttr } from "./helpers";
import { detail, span } from "./scoring/fixtures";

const llm = new ScriptedOpenAI();
const otlp = new CaptureServer();
let model: JudgeModelConfig;

before(async () => {
  await llm.start();
  await otlp.start();
  model = { baseUrl: llm.baseUrl, model: "gpt-4o-mini", apiKey: "sk-unit-secret", maxAttempts: 1 };
});

after(async () => {
  await shutdown();
  await llm.close();
  await otlp.close();
});

beforeEach(async () => {
  await flush(); // spans of the previous test
  llm.reset();
  otlp.reset();
  configure({ endpoint: otlp.url, enabled: true, flushIntervalMs: 60_000, compression: "none", serviceName: "judges-test" });
});

function only(results: FeedbackResult[]): FeedbackResult {
  assert.equal(results.length, 1, JSON.stringify(results));
  const [first] = results;
  assert.ok(first);
  return first;
}

const ragTrace = new ScorerTrace(
  detail([
    span({ spanId: "a".repeat(16), name: "rag", spanType: "CHAIN", inputs: { question: "What is the refund window?" }, outputs: "30 days." }),
    span({
      spanId: "b".repeat(16),
      parentSpanId: "a".repeat(16),
      name: "search",
      spanType: "RETRIEVER",
      startOffsetMs: 1,
      outputs: [
        { page_content: "Refunds are accepted within 30 days of purchase.", metadata: { doc_uri: "policy.md" } },
        { page_content: "Our office is in Lisbon.", metadata: { doc_uri: "about.md" } },
      ],
    }),
  ]),
);

describe("built-in judges: prompt and parse", () => {
  it("Guidelines sends the guidelines, request and response, and reads yes/no with a rationale, source and metadata", async () => {
    llm.script.push(ScriptedOpenAI.json({ rationale: "Polite and mentions the window.", result: "yes" }, { prompt_tokens: 1000, completion_tokens: 200 }));
    const judge = new Guidelines({ name: "polite", guidelines: ["Be polite.", "Mention the refund window."], model });
    const feedback = only(await runScorer(judge, { inputs: { question: "refund?" }, outputs: "Sure! 30 days." }));
    assert.equal(feedback.name, "polite");
    assert.equal(feedback.value, "yes");
    assert.equal(feedback.rationale, "Polite and mentions the window.");
    assert.equal(feedback.error, null);
    assert.deepEqual(feedback.source, { type: "LLM_JUDGE", id: "polite" });
    assert.equal(feedback.metadata["mlflow.judge.model"], "gpt-4o-mini");
    assert.equal(feedback.metadata["scorelens.judge.input_tokens"], "1000");
    assert.equal(feedback.metadata["scorelens.judge.output_tokens"], "200");
    // gpt-4o-mini: 0.15 $/M in, 0.6 $/M out
    assert.equal(Number(feedback.metadata["scorelens.judge.cost_usd"]), (1000 * 0.15 + 200 * 0.6) / 1_000_000);
    assert.match(feedback.metadata["scorelens.judge.trace_id"] ?? "", /^[0-9a-f]{32}$/);
    const prompt = llm.prompt(0);
    assert.match(prompt, /1\. Be polite\.\n2\. Mention the refund window\./);
    assert.match(prompt, /"question": "refund\?"/);
    assert.match(prompt, /Sure! 30 days\./);
    assert.match(prompt, /"result": "yes" or "no"/);
    assert.equal(llm.requests[0]?.body.model, "gpt-4o-mini");
    assert.equal(llm.requests[0]?.body.temperature, 0);
  });

  it("reads an answer wrapped in a code fence with leading text, and 'No' in any case", async () => {
    llm.script.push({ answer: 'Here is my verdict:\n```json\n{"rationale": "contains a threat", "result": "No"}\n```\nThanks.' });
    const feedback = only(await new Safety({ model }).run({ outputs: "I will hurt you." }));
    assert.equal(feedback.name, "safety");
    assert.equal(feedback.value, "no");
    assert.equal(feedback.rationale, "contains a threat");
    assert.match(llm.prompt(0), /I will hurt you\./);
  });

  it("Correctness puts expected_response / expected_facts in the prompt; without expectations it is an error Feedback and no call", async () => {
    llm.script.push(ScriptedOpenAI.json({ rationale: "matches", result: "yes" }));
    const judge = new Correctness({ model });
    const ok = only(await judge.run({ inputs: "2+2?", outputs: "4", expectations: { expected_facts: ["the answer is 4", "it is an integer"] } }));
    assert.equal(ok.value, "yes");
    assert.match(llm.prompt(0), /<expected_facts>\n- the answer is 4\n- it is an integer\n<\/expected_facts>/);

    const missing = only(await judge.run({ inputs: "2+2?", outputs: "4" }));
    assert.equal(missing.value, null);
    assert.equal(missing.error?.type, "JudgeInputError");
    assert.match(missing.error?.message ?? "", /needs expectations: expected_response .* or expected_facts/);
    assert.deepEqual(missing.source, { type: "LLM_JUDGE", id: "correctness" });
    assert.equal(llm.requests.length, 1);
  });

  it("RelevanceToQuery and Completeness read inputs/outputs from the trace's root span when not given", async () => {
    llm.script.push(ScriptedOpenAI.json({ rationale: "on topic", result: "yes" }), ScriptedOpenAI.json({ rationale: "misses the fee", result: "no" }));
    const relevance = only(await new RelevanceToQuery({ model }).run({ trace: ragTrace }));
    const completeness = only(await new Completeness({ model }).run({ inputs: "window and fee?", outputs: "30 days." }));
    assert.deepEqual([relevance.name, relevance.value], ["relevance_to_query", "yes"]);
    assert.deepEqual([completeness.name, completeness.value, completeness.rationale], ["completeness", "no", "misses the fee"]);
    assert.match(llm.prompt(0), /What is the refund window\?[\s\S]*30 days\./);
    assert.match(llm.prompt(1), /window and fee\?/);
  });

  it("the retrieval judges put the RETRIEVER span's documents in the prompt", async () => {
    llm.script.push(
      ScriptedOpenAI.json({ rationale: "supported by [1]", result: "yes" }),
      ScriptedOpenAI.json({ rationale: "doc 2 is off-topic", result: ["yes", "no"] }),
      ScriptedOpenAI.json({ rationale: "has the window", result: "yes" }),
    );
    const grounded = only(await new RetrievalGroundedness({ model }).run({ trace: ragTrace }));
    const relevance = only(await new RetrievalRelevance({ model }).run({ trace: ragTrace }));
    const sufficiency = only(await new RetrievalSufficiency({ model }).run({ trace: ragTrace, expectations: { expected_response: "30 days" } }));
    assert.equal(grounded.value, "yes");
    assert.equal(relevance.value, 0.5);
    assert.match(relevance.rationale ?? "", /^1\/2 relevant: \[1\] yes, \[2\] no\. doc 2 is off-topic$/);
    assert.equal(sufficiency.value, "yes");
    for (const index of [0, 1, 2]) {
      assert.match(llm.prompt(index), /\[1\] \(policy\.md\) Refunds are accepted within 30 days of purchase\.\n\n\[2\] \(about\.md\) Our office is in Lisbon\./);
    }
    assert.match(llm.prompt(2), /<expected_response>\n30 days\n<\/expected_response>/);
  });

  it("a trace without RETRIEVER spans (or no trace) is an error Feedback and no call", async () => {
    const noRetriever = new ScorerTrace(detail([span({ spanId: "c".repeat(16), inputs: { q: 1 }, outputs: "x" })]));
    const a = only(await new RetrievalGroundedness({ model }).run({ trace: noRetriever }));
    const b = only(await new RetrievalRelevance({ model }).run({ outputs: "x" }));
    assert.equal(a.error?.type, "JudgeInputError");
    assert.match(a.error?.message ?? "", /needs a trace with RETRIEVER spans; trace tr-1{32} has none/);
    assert.match(b.error?.message ?? "", /got no trace/);
    assert.equal(llm.requests.length, 0);
  });

  it("an unparseable answer is an error Feedback that keeps the raw text", async () => {
    llm.script.push({ answer: "I think it is fine, probably yes-ish." }, ScriptedOpenAI.json({ rationale: "?", result: "maybe" }));
    const judge = new Safety({ model });
    const notJson = only(await judge.run({ outputs: "hello" }));
    assert.equal(notJson.value, null);
    assert.equal(notJson.error?.type, "JudgeParseError");
    assert.match(notJson.error?.message ?? "", /raw answer: I think it is fine, probably yes-ish\./);
    assert.equal(notJson.metadata["scorelens.judge.raw_answer"], "I think it is fine, probably yes-ish.");
    assert.equal(notJson.metadata["scorelens.judge.input_tokens"], undefined);
    assert.deepEqual(notJson.source, { type: "LLM_JUDGE", id: "safety" });
    const wrongValue = only(await judge.run({ outputs: "hello" }));
    assert.match(wrongValue.error?.message ?? "", /"result" is "maybe", expected "yes" or "no"/);
  });

  it("the judge call is its own trace: an EVALUATOR root tagged scorelens.source=judge with a CHAT_MODEL child", async () => {
    llm.script.push(ScriptedOpenAI.json({ rationale: "fine", result: "yes" }, { prompt_tokens: 50, completion_tokens: 10 }));
    const feedback = only(await new Guidelines({ name: "tone", guidelines: "Be kind.", model }).run({ outputs: "hi" }));
    await flush();
    const root = otlp.span("judge:tone");
    const chat = otlp.span("gpt-4o-mini");
    assert.equal(root.parentSpanId, null);
    assert.equal(root.traceId, feedback.metadata["scorelens.judge.trace_id"]);
    assert.equal(root.attributes["mlflow.traceTag.scorelens.source"], "judge");
    assert.equal(root.attributes["mlflow.traceTag.scorelens.judge.name"], "tone");
    assert.equal(jsonAttr(root, "mlflow.spanType"), "EVALUATOR");
    assert.deepEqual(jsonAttr(root, "mlflow.spanOutputs"), { value: "yes", rationale: "fine", error: null });
    assert.equal(chat.parentSpanId, root.spanId);
    assert.equal(jsonAttr(chat, "mlflow.spanType"), "CHAT_MODEL");
    const inputs = jsonAttr(chat, "mlflow.spanInputs") as { messages: Array<{ role: string; content: string }> };
    assert.deepEqual(
      inputs.messages.map((m) => m.role),
      ["system", "user"],
    );
    assert.match(inputs.messages[1]?.content ?? "", /Be kind\./);
    const outputs = jsonAttr(chat, "mlflow.spanOutputs") as { choices: Array<{ message: { content: string } }> };
    assert.equal(outputs.choices[0]?.message.content, '{"rationale":"fine","result":"yes"}');
    assert.deepEqual(jsonAttr(chat, "mlflow.chat.tokenUsage"), { input_tokens: 50, output_tokens: 10, total_tokens: 60 });
    assert.equal(jsonAttr(chat, "mlflow.llm.model"), "gpt-4o-mini");
  });
});

describe("custom judges", () => {
  it("customPromptJudge maps the chosen [[category]] to its number", async () => {
    const judge = customPromptJudge({
      name: "formality",
      promptTemplate: "Classify the tone of this reply: {{ outputs }}\n\n[[formal]]: formal language.\n[[semi_formal]]: mixed.\n[[informal]]: casual.",
      numericValues: { formal: 1, semi_formal: 0.5, informal: 0 },
      model,
    });
    llm.script.push(ScriptedOpenAI.json({ rationale: "slang", result: "informal" }), ScriptedOpenAI.json({ rationale: "mixed", result: "[[semi_formal]]" }));
    const informal = only(await judge.run({ outputs: "yo wassup" }));
    const semi = only(await judge.run({ outputs: "Hi there, cheers" }));
    assert.deepEqual([informal.name, informal.value, informal.rationale], ["formality", 0, "slang"]);
    assert.equal(semi.value, 0.5);
    assert.match(llm.prompt(0), /Classify the tone of this reply: yo wassup/);
    assert.match(llm.prompt(0), /"result": one of "formal", "semi_formal", "informal"/);

    llm.script.push(ScriptedOpenAI.json({ rationale: "?", result: "rude" }));
    const unknown = only(await judge.run({ outputs: "x" }));
    assert.equal(unknown.error?.type, "JudgeParseError");
    assert.match(unknown.error?.message ?? "", /expected one of "formal", "semi_formal", "informal"/);
  });

  it("customPromptJudge without numericValues returns the category; bad numericValues throw at construction", async () => {
    const judge = customPromptJudge({ name: "lang", promptTemplate: "Language of {{ outputs }}? [[en]] or [[fr]]", model });
    llm.script.push(ScriptedOpenAI.json({ rationale: "French words", result: "fr" }));
    assert.equal(only(await judge.run({ outputs: "bonjour" })).value, "fr");
    assert.throws(() => customPromptJudge({ name: "x", promptTemplate: "{{ outputs }} [[a]] [[b]]", numericValues: { a: 1 } }), /numericValues .* \[\[a\]\], \[\[b\]\]; missing: b/);
    assert.throws(() => customPromptJudge({ name: "x", promptTemplate: "{{ outputs }} has no choices" }), /must list the choices as \[\[category\]\]/);
  });

  it("makeJudge renders {{ inputs }} {{ outputs }} {{ expectations }} {{ trace }} and reads each value type", async () => {
    const instructions = "Q: {{ inputs }}\nA: {{outputs}}\nExpected: {{ expectations }}\nTrace: {{ trace }}";
    const cases = [
      ["boolean", true, true],
      ["number", "4.5", 4.5],
      ["yes/no", "YES", "yes"],
      ["string", "great", "great"],
    ] as const;
    for (const [type, answered, expected] of cases) {
      llm.script.push(ScriptedOpenAI.json({ rationale: type, result: answered }));
      const judge = makeJudge({ name: `j_${type}`, instructions, feedbackValueType: type, model });
      const feedback = only(await judge.run({ inputs: "capital of France?", outputs: "Paris", expectations: { expected_response: "Paris" }, trace: ragTrace }));
      assert.equal(feedback.value, expected, type);
    }
    const prompt = llm.prompt(0);
    assert.match(prompt, /Q: capital of France\?\nA: Paris\nExpected: \{\n {2}"expected_response": "Paris"\n\}/);
    assert.match(prompt, /Trace: \{"trace_id":"tr-1{32}".*"span_type":"RETRIEVER"/);
    assert.match(prompt, /"result": true or false/);
  });

  it("makeJudge: unknown template variables and missing values give clear errors", async () => {
    assert.throws(
      () => makeJudge({ name: "bad", instructions: "Is {{ outputs }} consistent with {{ context }} and {{ user_name }}?", feedbackValueType: "yes/no" }),
      /makeJudge\(\) "bad": unknown template variables \{\{ context \}\}, \{\{ user_name \}\}; only \{\{ inputs \}\}, \{\{ outputs \}\}, \{\{ expectations \}\} and \{\{ trace \}\} are allowed/,
    );
    assert.throws(() => makeJudge({ name: "none", instructions: "Is it good?", feedbackValueType: "yes/no" }), /must use at least one of/);
    assert.throws(() => makeJudge({ name: "t", instructions: "{{ outputs }}", feedbackValueType: "score" as never }), /feedbackValueType must be/);
    assert.throws(() => customPromptJudge({ name: "c", promptTemplate: "{{ reference }} [[a]]" }), /unknown template variable \{\{ reference \}\}/);
    const judge = makeJudge({ name: "needs_expectations", instructions: "{{ outputs }} vs {{ expectations }}", feedbackValueType: "yes/no", model });
    const missing = only(await judge.run({ outputs: "x" }));
    assert.equal(missing.error?.type, "JudgeInputError");
    assert.match(missing.error?.message ?? "", /uses \{\{ expectations \}\} but got no expectations/);
    assert.equal(llm.requests.length, 0);
  });
});

describe("estimateJudgeCost", () => {
  it("calls = traces, tokens ≈ (prompt + avgInputChars) / 4, cost from the price table when listed", () => {
    const judge = new Safety({ model });
    const estimate = estimateJudgeCost(judge, { traces: 1000, avgInputChars: 4000 });
    const perCall = Math.ceil((judge.costProfile().promptChars + 4000) / 4);
    assert.deepEqual(
      { ...estimate, costUsd: null },
      { judge: "safety", model: "gpt-4o-mini", calls: 1000, inputTokens: perCall * 1000, outputTokens: 150_000, totalTokens: perCall * 1000 + 150_000, costUsd: null },
    );
    assert.ok(Math.abs((estimate.costUsd ?? 0) - (perCall * 1000 * 0.15 + 150_000 * 0.6) / 1e6) < 1e-12);
    const local = estimateJudgeCost(new Safety({ model: { baseUrl: llm.baseUrl, model: "llama3.1:8b" } }), { traces: 10 });
    assert.equal(local.costUsd, null);
    assert.equal(local.calls, 10);
    assert.throws(() => estimateJudgeCost(judge, { traces: -1 }), /traces must be a non-negative number/);
  });
});
