/**
 * A generated scorer file for the CodeLens benchmark (bench/codelens.ts): about `lines` lines of
 * TypeScript mixing every definition shape discovery recognises (server/scorers/discovery/findScorers.ts)
 * with ordinary code around them (helpers, types, constants), the way a real scorers.ts grows:
 *
 * - `scorer({ name, aggregations, description }, fn)`, `scorer("name", fn)`, `scorer(function named(…) {…})`;
 * - async scorers, trace-walking scorers returning `new Feedback(...)`, scorers returning Feedback arrays;
 * - `class X extends Scorer` with `super({ name })` and a `score` method;
 * - module-local scorers exported later by `export { a as b }`, and `export const y = x` aliases.
 *
 * A few definitions carry mistakes diagnostics report (an unknown parameter, an unknown
 * aggregation, unnamed Feedbacks in an array, a duplicated scorer name), so `scorerDiagnostics` has
 * work too. Deterministic: the same `lines` gives the same text.
 */

export interface GeneratedScorerFile {
  text: string;
  lines: number;
  /** Scorer definitions written (aliases and re-exports not counted). */
  definitions: number;
  /** Definitions with a deliberate mistake. */
  withMistakes: number;
}

const AGGS = [`["mean"]`, `["mean", "min", "max"]`, `["median", "p90"]`, `["mean", "variance"]`];

function helper(i: number): string {
  return `
/** Normalizes text for comparisons (helper ${i}). */
function normalize${i}(text: unknown): string {
  return String(text ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, " ")
    .replace(/\\s+/g, " ")
    .trim();
}

interface Rubric${i} {
  id: string;
  weight: number;
  keywords: readonly string[];
}

const RUBRIC_${i}: readonly Rubric${i}[] = [
  { id: "accuracy", weight: 0.5, keywords: ["refund", "invoice", "plan"] },
  { id: "tone", weight: 0.3, keywords: ["please", "thanks", "happy to"] },
  { id: "brevity", weight: 0.2, keywords: [] },
];
`;
}

function definition(i: number, mistakes: { count: number }): { text: string; exported: string | null; local: string | null } {
  const name = `check_${i}`;
  const mistake = i % 17 === 5;
  if (mistake) mistakes.count++;
  switch (i % 8) {
    case 0: {
      const aggs = mistake ? `["mean", "avg"]` : (AGGS[i % AGGS.length] as string);
      return {
        exported: `lengthScore${i}`,
        local: null,
        text: `
/** Answer length in words, aggregated (${i}). */
export const lengthScore${i} = scorer(
  { name: "${name}", aggregations: ${aggs}, description: "Words in the answer" },
  ({ outputs }: { outputs: unknown }) => normalize${i}(outputs).split(" ").filter(Boolean).length,
);
`,
      };
    }
    case 1:
      return {
        exported: `mentions${i}`,
        local: null,
        text: `
/** Yes/no: does the answer mention what the question asks about? (${i}) */
export const mentions${i} = scorer("${name}", ({ inputs, ${mistake ? "output" : "outputs"} }: { inputs: { question?: string }; ${mistake ? "output" : "outputs"}: unknown }) => {
  const topic = /\\b(refund|invoice|webhook|region|export)\\b/i.exec(inputs?.question ?? "")?.[1];
  if (!topic) return undefined;
  return String(${mistake ? "output" : "outputs"} ?? "").toLowerCase().includes(topic.toLowerCase()) ? "yes" : "no";
});
`,
      };
    case 2:
      return {
        exported: `validJson${i}`,
        local: null,
        text: `
/** Throws on invalid JSON; the run records an error Feedback (${i}). */
export const validJson${i} = scorer(function valid_json_${i}({ outputs }: { outputs: unknown }) {
  JSON.parse(String(outputs));
  return true;
});
`,
      };
    case 3:
      return {
        exported: `toolUse${i}`,
        local: null,
        text: `
/** Tool calls per model call, and failed tools (${i}). */
export const toolUse${i} = scorer({ name: "${name}", aggregations: ["mean"] }, ({ trace }: { trace: ScorerTrace }) => {
  const tools = trace.searchSpans({ spanType: "TOOL" });
  const models = trace.searchSpans({ spanType: ["LLM", "CHAT_MODEL"] });
  const failed = tools.filter((span) => span.status.code === "ERROR");
  const seen = new Set<string>();
  let repeated = 0;
  for (const span of tools) {
    const key = \`\${span.name}:\${JSON.stringify(span.inputs)}\`;
    if (seen.has(key)) repeated++;
    seen.add(key);
  }
  return new Feedback({
    value: failed.length === 0 && repeated === 0 && tools.length <= Math.max(1, models.length),
    rationale: \`\${tools.length} tool calls (\${repeated} repeated, \${failed.length} failed) for \${models.length} model calls\`,
  });
});
`,
      };
    case 4:
      return {
        exported: `quality${i}`,
        local: null,
        text: `
/** Several aspects at once; each Feedback keeps its own name (${i}). */
export const quality${i} = scorer("${name}", async ({ outputs, trace }: { outputs: unknown; trace: ScorerTrace }) => {
  const text = String(outputs ?? "");
  return [
    new Feedback({ ${mistake ? "" : `name: "concise_${i}", `}value: text.length < 400, rationale: \`\${text.length} characters\` }),
    new Feedback({ ${mistake ? "" : `name: "polite_${i}", `}value: /please|thanks|happy to/i.test(text) ? "yes" : "no" }),
    new Feedback({ name: "latency_${i}", value: trace.info.execution_duration < 2000 }),
  ];
});
`,
      };
    case 5:
      return {
        exported: `MaxCost${i}`,
        local: null,
        text: `
/** Class form: holds its threshold (${i}). */
export class MaxCost${i} extends Scorer<{ trace: ScorerTrace }> {
  constructor(readonly limitUsd = 0.01) {
    super({ name: "${mistake ? "check_0" : name}", aggregations: ["mean", "max"], description: "Cost under the limit" });
  }

  score({ trace }: { trace: ScorerTrace }) {
    let cost = 0;
    for (const span of trace.data.spans) cost += span.record.cost?.totalCost ?? 0;
    return new Feedback({ value: cost <= this.limitUsd, rationale: \`$\${cost.toFixed(4)} of $\${this.limitUsd}\` });
  }
}
`,
      };
    case 6:
      return {
        exported: null,
        local: `retrieval${i}`,
        text: `
/** Module-local; exported below under another name (${i}). */
const retrieval${i} = scorer("${name}", ({ trace, expectations }: { trace: ScorerTrace; expectations: { doc_id?: string } }) => {
  const docs = trace.searchSpans({ spanType: "RETRIEVER" }).flatMap((span) =>
    Object.entries(span.attributes)
      .filter(([key]) => key.endsWith(".document.id"))
      .map(([, value]) => String(value)),
  );
  if (!expectations?.doc_id) return docs.length > 0;
  return docs.includes(expectations.doc_id);
});
`,
      };
    default:
      return {
        exported: `grounded${i}`,
        local: null,
        text: `
/** Keyword overlap between the answer and the retrieved documents (${i}). */
export const grounded${i} = scorer(
  { name: "${name}", aggregations: ["mean", "p90"] },
  async ({ outputs, trace }: { outputs: unknown; trace: ScorerTrace }) => {
    const words = (s: string) => new Set(s.toLowerCase().split(/\\W+/).filter((w) => w.length > 3));
    const docs = trace.searchSpans({ spanType: "RETRIEVER" }).map((span) => JSON.stringify(span.outputs ?? ""));
    const source = words(docs.join(" "));
    const answer = words(String(outputs ?? ""));
    if (answer.size === 0) return undefined;
    let hit = 0;
    for (const w of answer) if (source.has(w)) hit++;
    return new Feedback({ value: hit / answer.size, rationale: \`\${hit} of \${answer.size} answer words are in the documents\` });
  },
);
`,
      };
  }
}

/** Generates a scorer file of about `lines` lines (never fewer). */
export function generateScorerFile(lines = 2000): GeneratedScorerFile {
  const parts: string[] = [
    `/**\n * Generated by bench/lib/scorerFile.ts: scorers of mixed shapes for the CodeLens benchmark.\n */\nimport { Feedback, Scorer, scorer, type ScorerTrace } from "scorelens";\n`,
  ];
  const locals: string[] = [];
  const aliases: string[] = [];
  const mistakes = { count: 0 };
  let count = 0;
  let total = parts[0]?.split("\n").length ?? 0;
  const tail = () => 4 + locals.length + aliases.length;
  for (let i = 0; total + tail() < lines; i++) {
    const chunk: string[] = [];
    if (i % 8 === 0) chunk.push(helper(i));
    const def = definition(i, mistakes);
    chunk.push(def.text);
    count++;
    if (def.local) locals.push(`  ${def.local} as retrievalScorer${i},`);
    if (def.exported && i % 10 === 3) aliases.push(`export const alias${i} = ${def.exported};`);
    const text = chunk.join("");
    parts.push(text);
    total += text.split("\n").length - 1;
  }
  parts.push(`\n${aliases.join("\n")}\n\nexport {\n${locals.join("\n")}\n};\n`);
  const text = parts.join("");
  return { text, lines: text.split("\n").length, definitions: count, withMistakes: mistakes.count };
}
