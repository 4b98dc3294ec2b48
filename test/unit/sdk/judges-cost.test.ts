/**
 * The judges' cost profiles come from one table (sdk/judges/judgeProfiles.ts): what every judge's
 * costProfile() returns is that table (plus its own guidelines / template), the table tracks the
 * prompts the judges really send, and estimateFromProfile gives the numbers estimateJudgeCost and
 * the editor's lenses show. The protocol's metadata keys are the SDK's.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { JUDGE_META } from "../../../protocol/judgeCost";
import { Completeness, Correctness, Guidelines, RelevanceToQuery, Safety } from "../../../sdk/judges/builtins";
import { CHARS_PER_TOKEN, estimateFromProfile, estimateJudgeCost } from "../../../sdk/judges/cost";
import { customPromptJudge, makeJudge } from "../../../sdk/judges/custom";
import { JudgeMetadataKey, type JudgeCostProfile, type LlmJudge } from "../../../sdk/judges/judge";
import { choiceFormat, JUDGE_COST_PROFILES, JUDGE_KINDS, judgeCostProfile, UNKNOWN_TEXT_CHARS, valueFormat } from "../../../sdk/judges/judgeProfiles";
import { SYSTEM_PROMPT } from "../../../sdk/judges/prompt";
import type { ChatMessage } from "../../../sdk/judges/provider";
import { RetrievalGroundedness, RetrievalRelevance, RetrievalSufficiency } from "../../../sdk/judges/retrievalJudges";

const MODEL = { baseUrl: "http://127.0.0.1:9/v1", model: "gpt-4o-mini" };

/** The fixed prompt text of a call: its messages with the trace's data cut out. */
function promptOf(judge: LlmJudge, args: Record<string, unknown>): number {
  const messages = (judge as unknown as { buildMessages(a: unknown): ChatMessage[] }).buildMessages(args);
  return messages.reduce((n, m) => n + m.content.length, 0);
}

describe("the profile table is what the judges' costProfile() returns", () => {
  test("fixed judges: exactly the table's entry", () => {
    const judges: Array<[keyof typeof JUDGE_COST_PROFILES, LlmJudge]> = [
      ["Safety", new Safety()],
      ["Correctness", new Correctness()],
      ["RelevanceToQuery", new RelevanceToQuery()],
      ["Completeness", new Completeness()],
      ["RetrievalGroundedness", new RetrievalGroundedness()],
      ["RetrievalRelevance", new RetrievalRelevance()],
      ["RetrievalSufficiency", new RetrievalSufficiency()],
    ];
    for (const [kind, judge] of judges) assert.deepEqual(judge.costProfile(), JUDGE_COST_PROFILES[kind], kind);
    assert.equal(JUDGE_COST_PROFILES.RetrievalRelevance.outputTokensPerCall, 250);
    assert.deepEqual(JUDGE_COST_PROFILES.Safety.reads, ["outputs"]);
    assert.deepEqual(JUDGE_COST_PROFILES.RetrievalGroundedness.reads, ["outputs", "documents"]);
    assert.deepEqual([...JUDGE_KINDS].sort(), Object.keys(JUDGE_COST_PROFILES).sort());
  });

  test("Guidelines and custom judges: the table plus their own text", () => {
    const g = new Guidelines({ guidelines: ["Be polite", "Cite a source"] });
    assert.deepEqual(g.costProfile(), { ...JUDGE_COST_PROFILES.Guidelines, promptChars: JUDGE_COST_PROFILES.Guidelines.promptChars + "Be polite\nCite a source".length });
    assert.deepEqual(judgeCostProfile("Guidelines", { guidelines: ["Be polite", "Cite a source"] }), g.costProfile());
    assert.equal(judgeCostProfile("Guidelines").promptChars, JUDGE_COST_PROFILES.Guidelines.promptChars + UNKNOWN_TEXT_CHARS, "unreadable guidelines count as UNKNOWN_TEXT_CHARS");

    const template = "Is the tone of {{ outputs }} [[formal]] or [[casual]]?";
    const c = customPromptJudge({ name: "tone", promptTemplate: template });
    const cp = c.costProfile();
    assert.equal(cp.promptChars, SYSTEM_PROMPT.length + template.length + choiceFormat(["formal", "casual"]).length);
    assert.deepEqual(cp.reads, ["outputs"]);
    assert.deepEqual(judgeCostProfile("customPromptJudge", { promptTemplate: template }), cp);

    const instructions = "Does {{ outputs }} answer {{ inputs }}? Look at {{ trace }} too.";
    const m = makeJudge({ name: "answers", instructions, feedbackValueType: "number" });
    const mp = m.costProfile();
    assert.equal(mp.promptChars, SYSTEM_PROMPT.length + instructions.length + valueFormat("number").length);
    assert.deepEqual(mp.reads, ["outputs", "inputs", "trace"]);
    assert.deepEqual(judgeCostProfile("makeJudge", { instructions, feedbackValueType: "number" }), mp);
  });

  test("the table tracks the prompts the judges really send (fixed text within the section allowance)", () => {
    const data = { inputs: "q", outputs: "a", expectations: { expected_response: "e" } };
    for (const judge of [new Safety(), new Correctness(), new RelevanceToQuery(), new Completeness(), new Guidelines({ guidelines: "Be brief" })]) {
      const sent = promptOf(judge, data);
      const profile = judge.costProfile().promptChars;
      assert.ok(sent <= profile && profile - sent <= 200, `${judge.name}: sent ${sent} fixed chars, profile ${profile}`);
    }
    const custom = customPromptJudge({ name: "tone", promptTemplate: "Tone of {{ outputs }}: [[formal]] or [[casual]]" });
    // custom judges: the prompt is the template (its {{ outputs }} replaced by the value) and the format
    assert.equal(promptOf(custom, { outputs: "" }), custom.costProfile().promptChars - "{{ outputs }}".length + "\n\n".length);
  });
});

describe("estimateFromProfile", () => {
  const profile: JudgeCostProfile = { promptChars: 600, callsPerTrace: 1, outputTokensPerCall: 150 };

  test("numbers for a priced model", () => {
    const e = estimateFromProfile(profile, "gpt-4o-mini", { traces: 100, avgInputChars: 2800 });
    assert.equal(e.calls, 100);
    assert.equal(e.inputTokens, 100 * Math.ceil((600 + 2800) / CHARS_PER_TOKEN));
    assert.equal(e.inputTokens, 85_000);
    assert.equal(e.outputTokens, 15_000);
    assert.equal(e.totalTokens, 100_000);
    assert.ok(Math.abs((e.costUsd ?? 0) - (85_000 * 0.15 + 15_000 * 0.6) / 1e6) < 1e-12, String(e.costUsd));
    assert.equal(e.model, "gpt-4o-mini");
  });

  test("an unknown model, or none, has no cost; two calls per trace double the calls", () => {
    assert.equal(estimateFromProfile(profile, "llama3.1:8b", { traces: 10 }).costUsd, null);
    assert.equal(estimateFromProfile(profile, null, { traces: 10 }).costUsd, null);
    assert.equal(estimateFromProfile({ ...profile, callsPerTrace: 2 }, null, { traces: 10 }).calls, 20);
    assert.throws(() => estimateFromProfile(profile, null, { traces: Number.NaN }), /traces must be a non-negative number/);
  });

  test("estimateJudgeCost is estimateFromProfile with the judge's profile, model and name", () => {
    const judge = new Guidelines({ name: "polite", guidelines: "Be polite", model: MODEL });
    assert.deepEqual(estimateJudgeCost(judge, { traces: 7, avgInputChars: 1234 }), { judge: "polite", ...estimateFromProfile(judge.costProfile(), "gpt-4o-mini", { traces: 7, avgInputChars: 1234 }) });
  });
});

test("the protocol's judge metadata keys are the SDK's", () => {
  for (const [k, v] of Object.entries(JUDGE_META)) assert.equal(JudgeMetadataKey[k as keyof typeof JudgeMetadataKey], v, k);
});
