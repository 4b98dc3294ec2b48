/**
 * Evaluates the travel agent over a small inline dataset, as `mlflow.genai.evaluate` would:
 *   node --import tsx examples/agent/evaluate.ts        (or: npx tsx examples/agent/evaluate.ts)
 *
 * Each question runs through the agent in its own trace (exported over OTLP like runAgent.ts, tagged
 * `scorelens.eval_run_id`), the scorers judge the answer, the expectations and the trace, and the
 * run is posted to the ScoreLens server so it shows in the editor's results panel. Without a server
 * the results are still printed. Endpoint: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else
 * http://127.0.0.1:4318/v1/traces.
 */
import { configure, evaluate } from "../../sdk/index";
import { expectedFacts, mentionsCity, toolCallEfficiency } from "../scorers";
import { answer } from "./travelAgent";

const DATASET = [
  { inputs: { question: "Are Paris museums ever free?" }, expectations: { expected_facts: ["first Sunday"] } },
  { inputs: { question: "What's the weather in Tokyo, what should I pack?" }, expectations: { expected_facts: ["22°C", "clear"] } },
  { inputs: { question: "Do I need to tip in Tokyo?" }, expectations: { expected_facts: ["not customary"] } },
  { inputs: { question: "Which tram should I take in Lisbon?" }, expectations: { expected_facts: ["tram 28"] } },
  // The weather tool knows no Atlantis: this row's agent call fails, and the run carries on.
  { inputs: { question: "What's the weather in Atlantis, what should I pack?" }, expectations: { expected_facts: ["sunny"] } },
];

configure({ serviceName: "travel-assistant" });

async function main(): Promise<void> {
  const result = await evaluate({
    data: DATASET,
    predictFn: ({ question }: { question: string }) => answer(question, "eval-user", "eval-session"),
    scorers: [expectedFacts, mentionsCity, toolCallEfficiency],
    name: "travel agent: inline dataset",
  });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(`run ${result.runId}: ${result.rows.length} rows, ${result.errorCount} with errors`);
  for (const row of result.rows) {
    const scores = row.feedbacks.map((f) => `${f.name}=${f.error ? `error(${f.error.type})` : JSON.stringify(f.value)}`).join(" ");
    const failure = row.error ? ` [agent failed: ${row.error.type}: ${row.error.message}]` : "";
    out(`  ${String(row.inputs?.question)} → trace ${row.traceId ?? "-"}${failure}\n    ${scores}`);
  }
  out("metrics:");
  for (const [name, value] of Object.entries(result.metrics)) out(`  ${name.padEnd(28)} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
  if (result.upload?.ok) out(`logged to ${result.upload.url}`);
  else out(`not logged to a ScoreLens server (${result.upload?.error ?? "disabled"}); start one to see the run in VS Code`);
}

void main();
