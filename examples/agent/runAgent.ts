/**
 * Runs the travel agent over a list of questions and exports the traces over OTLP.
 *   node --import tsx examples/agent/runAgent.ts [--runs N]
 * Endpoint: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or http://127.0.0.1:4318/v1/traces.
 */
import { configure, flush } from "../../sdk/index";
import { answer } from "./travelAgent";

const QUESTIONS = [
  "Are Paris museums ever free?",
  "What's the weather in Tokyo, what should I pack?",
  "How late does the Paris metro run?",
  "Do I need to tip in Tokyo?",
  "Which tram should I take in Lisbon?",
  "Is the weather in Reykjavik good for hiking, what should I wear?",
  "How far is the national park from Nairobi?",
  "What's the weather in Atlantis, what should I pack?",
  "Do I need a visa for Portugal as an EU citizen?",
  "Can I drink tap water in Reykjavik?",
];

const i = process.argv.indexOf("--runs");
const runs = i > 0 ? Number(process.argv[i + 1]) : QUESTIONS.length;
configure({ serviceName: "travel-assistant" });

async function main(): Promise<void> {
  let failed = 0;
  const concurrency = 4;
  let next = 0;
  const worker = async () => {
    while (next < runs) {
      const n = next++;
      const q = QUESTIONS[n % QUESTIONS.length] ?? "";
      try {
        await answer(q, `user-${(n % 4) + 1}`, `session-${Math.floor(n / 3) + 1}`);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await flush();
  console.log(`ran ${runs} agent calls (${failed} failed on purpose); traces exported`);
}

void main();
