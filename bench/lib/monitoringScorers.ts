/**
 * The three scorers of the monitoring benchmark (bench/monitoring.ts), written to a temp folder and
 * registered with a real `scorelens serve` over its HTTP API (protocol/monitoring.ts routes):
 * a trivial one, one that walks the trace, and a keyword one. Replies are validated with the
 * protocol's zod schemas.
 */
import http from "node:http";
import { MonitoringSnapshot, RegisteredScorer } from "../../protocol/monitoring";

export const MONITOR_SCORER_FILE = `/**
 * Scorers for bench/monitoring.ts ("scorelens" is the SDK ScoreLens bundles in).
 */
import { Feedback, scorer, type ScorerTrace } from "scorelens";

/** Trivial: the answer's length (the runtime's fixed cost per trace). */
export const answerLength = scorer({ name: "answer_length", aggregations: ["mean"] }, ({ outputs }: { outputs: unknown }) => String(outputs).length);

/** Walks the trace: the TOOL spans, and every attribute of every span. */
export const toolAudit = scorer("tool_audit", ({ trace }: { trace: ScorerTrace }) => {
  const tools = trace.searchSpans({ spanType: "TOOL" });
  const failed = tools.filter((span) => span.status.code === "ERROR").length;
  let attributes = 0;
  for (const span of trace.data.spans) attributes += Object.keys(span.attributes).length;
  return new Feedback({
    value: tools.length === 0 ? 1 : (tools.length - failed) / tools.length,
    rationale: \`\${tools.length} tool calls, \${failed} failed; \${attributes} attributes in \${trace.data.spans.length} spans\`,
  });
});

const STOP_WORDS = new Set(["what", "which", "when", "where", "does", "have", "with", "that", "this", "from", "your", "about"]);
const text = (v: unknown): string =>
  typeof v === "string" ? v : v && typeof v === "object" ? Object.values(v).filter((x) => typeof x === "string").join(" ") : "";
const words = (v: unknown): string[] => text(v).toLowerCase().match(/[a-z]{4,}/g) ?? [];

/** Keywords: the share of the question's keywords (inputs) that the answer (outputs) uses. */
export const keywordRelevance = scorer({ name: "keyword_relevance", aggregations: ["mean"] }, ({ inputs, outputs }: { inputs: unknown; outputs: unknown }) => {
  const asked = new Set(words(inputs).filter((w) => !STOP_WORDS.has(w)));
  if (asked.size === 0) return new Feedback({ value: 0, rationale: "no keywords in the inputs" });
  const said = new Set(words(outputs));
  const hits = [...asked].filter((w) => said.has(w));
  return new Feedback({ value: hits.length / asked.size, rationale: \`\${hits.length}/\${asked.size} keywords\` });
});
`;

/** Export name → registered (scorer) name. */
export const MONITOR_SCORERS: ReadonlyArray<{ exportName: string; name: string }> = [
  { exportName: "answerLength", name: "answer_length" },
  { exportName: "toolAudit", name: "tool_audit" },
  { exportName: "keywordRelevance", name: "keyword_relevance" },
];

function requestJson(port: number, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const text = body === undefined ? "" : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, json: raw === "" ? null : (JSON.parse(raw) as unknown) });
          } catch (e) {
            reject(new Error(`${method} ${path}: HTTP ${res.statusCode} with a non-JSON body: ${raw.slice(0, 200)} (${String(e)})`));
          }
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(text);
  });
}

async function call<T>(port: number, method: string, path: string, body: unknown, schema: { parse(v: unknown): T }): Promise<T> {
  const r = await requestJson(port, method, path, body);
  if (r.status !== 200) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
  return schema.parse(r.json);
}

/** Registers every scorer of `file` (POST /scorelens/v1/scorers) and starts each at `sampleRate`. */
export async function registerAndStart(port: number, file: string, sampleRate: number): Promise<RegisteredScorer[]> {
  const out: RegisteredScorer[] = [];
  for (const s of MONITOR_SCORERS) {
    const reg = await call(port, "POST", "/scorelens/v1/scorers", { file, exportName: s.exportName }, RegisteredScorer);
    if (reg.name !== s.name) throw new Error(`registered ${s.exportName} as "${reg.name}", expected "${s.name}"`);
    out.push(await call(port, "POST", `/scorelens/v1/scorers/${encodeURIComponent(reg.name)}/start`, { sampleRate }, RegisteredScorer));
  }
  return out;
}

/** GET /scorelens/v1/monitoring. */
export function monitoringSnapshot(port: number): Promise<MonitoringSnapshot> {
  return call(port, "GET", "/scorelens/v1/monitoring", undefined, MonitoringSnapshot);
}
