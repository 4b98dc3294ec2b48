/**
 * Code scorers for the travel agent, in the style of MLflow's `@scorer` examples. Each one shows
 * a "▶ Run on last 100 traces" lens in VS Code; results land on the traces as assessments.
 *
 * `scorelens` resolves with zero installs: ScoreLens bundles the SDK into these files when it
 * runs them (examples/tsconfig.json maps it for the editor).
 */
import { Feedback, scorer, type ScorerTrace } from "scorelens";

/** How long the final answer is. Aggregated as mean, min and max over a run. */
export const responseLength = scorer(
  { name: "response_length", aggregations: ["mean", "min", "max"], description: "Characters in the answer" },
  ({ outputs }: { outputs: unknown }) => (typeof outputs === "string" ? outputs.length : JSON.stringify(outputs ?? "").length),
);

/** Does the answer mention the city the user asked about? (yes/no) */
export const mentionsCity = scorer("mentions_city", ({ inputs, outputs }: { inputs: { question?: string }; outputs: unknown }) => {
  const city = /\b(Paris|Tokyo|Lisbon|Reykjavik|Nairobi|Portugal|Atlantis)\b/i.exec(inputs?.question ?? "")?.[1];
  if (!city) return undefined; // no city in the question: no assessment
  return String(outputs ?? "").toLowerCase().includes(city.toLowerCase()) ? "yes" : "no";
});

/** Keyword-overlap relevance: share of the question's content words that the answer uses (0–1). */
export const keywordRelevance = scorer(
  { name: "keyword_relevance", aggregations: ["mean", "median", "p90"] },
  ({ inputs, outputs }: { inputs: { question?: string }; outputs: unknown }) => {
    const words = (s: string) => new Set(s.toLowerCase().split(/\W+/).filter((w) => w.length > 3));
    const q = words(inputs?.question ?? "");
    if (q.size === 0) return undefined;
    const a = words(String(outputs ?? ""));
    let hit = 0;
    for (const w of q) if (a.has(w)) hit++;
    return new Feedback({ value: hit / q.size, rationale: `${hit} of ${q.size} question keywords appear in the answer` });
  },
);

/** Tool-call efficiency: pass when the agent used at most one tool call per model call. */
export const toolCallEfficiency = scorer("tool_call_efficiency", ({ trace }: { trace: ScorerTrace }) => {
  const tools = trace.searchSpans({ spanType: "TOOL" });
  const llmCalls = trace.searchSpans({ spanType: ["CHAT_MODEL", "LLM"] });
  const failed = tools.filter((t) => t.status.code === "ERROR").length;
  return new Feedback({
    value: tools.length <= Math.max(1, llmCalls.length) && failed === 0,
    rationale: `${tools.length} tool call(s), ${failed} failed, for ${llmCalls.length} model call(s)`,
  });
});

/** Uses expectations (ground truth): the share of the expected facts the answer mentions, 0–1. */
export const expectedFacts = scorer(
  { name: "expected_facts", aggregations: ["mean", "min"] },
  ({ outputs, expectations }: { outputs: unknown; expectations?: { expected_facts?: string[] } }) => {
    const facts = expectations?.expected_facts ?? [];
    if (facts.length === 0) return undefined;
    const text = String(outputs ?? "").toLowerCase();
    const found = facts.filter((fact) => text.includes(fact.toLowerCase()));
    return new Feedback({ value: found.length / facts.length, rationale: `found ${found.length} of ${facts.length}: ${found.join(", ") || "none"}` });
  },
);

/** Is the answer valid JSON? Our agent answers in prose, so this throws — errors are captured per trace. */
export const answerIsJson = scorer("answer_is_json", ({ outputs }: { outputs: unknown }) => {
  JSON.parse(String(outputs));
  return true;
});

/** Several aspects at once: each Feedback keeps its own name. */
export const answerQuality = scorer("answer_quality", ({ outputs, trace }: { outputs: unknown; trace: ScorerTrace }) => {
  const text = String(outputs ?? "");
  return [
    new Feedback({ name: "is_concise", value: text.length < 200, rationale: `${text.length} characters` }),
    new Feedback({ name: "is_polite", value: /please|let me know|happy to/i.test(text) ? "yes" : "no" }),
    new Feedback({ name: "latency_ok", value: trace.info.execution_duration < 1000, rationale: `${Math.round(trace.info.execution_duration)} ms` }),
  ];
});
