/**
 * Scorers through the real server process: discovery over the workspace, CodeLens and
 * diagnostics over LSP, and scorelens/runScorer running a scorer file in worker threads over
 * stored traces (results, assessments, aggregates, errors, a hung scorer killed by the timeout).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, test } from "node:test";
import { initOptions, postJson, sampleOtlpJson, startLspServer, tmpDir, type LspServer } from "./lspHarness";

const started: LspServer[] = [];
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
});

const SCORERS = `import { Feedback, scorer } from "scorelens";

export const answerLength = scorer({ name: "answer_length", aggregations: ["mean", "max"] }, ({ outputs }) => String(outputs ?? "").length);

export const saysWorld = scorer("says_world", ({ outputs }) => (String(outputs).includes("world") ? "yes" : "no"));

export const alwaysThrows = scorer("always_throws", () => {
  throw new TypeError("boom");
});

export const hangs = scorer("hangs", () => new Promise(() => {}));

export const multi = scorer("multi", ({ trace }) => [
  new Feedback({ name: "span_count", value: trace.data.spans.length }),
  new Feedback({ name: "has_llm", value: trace.searchSpans({ spanType: "LLM" }).length > 0 }),
]);

export const badParam = scorer("bad_param", ({ output }) => Boolean(output));
`;

async function setup(): Promise<{ s: LspServer; ws: string; file: string; port: number }> {
  const dir = tmpDir();
  const ws = path.join(dir, "ws");
  fs.mkdirSync(ws);
  const file = path.join(ws, "scorers.ts");
  fs.writeFileSync(file, SCORERS);
  const s = await startLspServer({ ...initOptions(path.join(dir, "traces.db"), { workspaceFolders: [ws] }), scorerTimeoutMs: 1500 });
  started.push(s);
  const ready = await s.waitForStatus((st) => st.health === "ready");
  for (let i = 0; i < 5; i++) {
    const res = await postJson(ready.otlpPort!, sampleOtlpJson(`${String(i).repeat(8)}`.padEnd(32, "a").slice(0, 32)));
    assert.equal(res.status, 200);
  }
  return { s, ws, file, port: ready.otlpPort! };
}

test("discovery, lenses and diagnostics over LSP", async () => {
  const { s, file } = await setup();
  let scorers: Array<{ name: string; exportName: string | null }> = [];
  for (let i = 0; i < 50 && scorers.length < 6; i++) {
    scorers = ((await s.conn.sendRequest("scorelens/listScorers", {})) as { scorers: typeof scorers }).scorers;
    if (scorers.length < 6) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(scorers.map((x) => x.name).sort(), ["always_throws", "answer_length", "bad_param", "hangs", "multi", "says_world"]);

  const uri = pathToFileURL(file).toString();
  const diags = new Promise<Array<{ code: string; message: string }>>((resolve) =>
    s.conn.onNotification("textDocument/publishDiagnostics", (p: { uri: string; diagnostics: Array<{ code: string; message: string }> }) => {
      if (p.uri === uri && p.diagnostics.length > 0) resolve(p.diagnostics);
    }),
  );
  await s.conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text: SCORERS } });
  const d = await diags;
  const unknown = d.find((x) => x.code === "unknown-param");
  assert.ok(unknown, JSON.stringify(d));
  assert.match(unknown.message, /output/);
  const lenses = (await s.conn.sendRequest("textDocument/codeLens", { textDocument: { uri } })) as Array<{ command: { title: string; command: string; arguments: unknown[] } }>;
  const runLenses = lenses.filter((l) => l.command.command === "scorelens.runScorer");
  assert.equal(runLenses.length, 6);
  assert.match(runLenses[0]!.command.title, /Run on last 100 traces/);
  // monitoring is up: every exported scorer can be registered from its lens (file, export, name)
  const register = lenses.filter((l) => l.command.title === "Register");
  assert.equal(register.length, 6);
  assert.deepEqual(register[0]?.command.arguments.slice(0, 2), [file, "answerLength"]);
});

test("runScorer scores stored traces in workers: values, aggregates, errors, a hung scorer stopped by the timeout", async () => {
  const { s, file } = await setup();
  const run = async (scorerName: string) =>
    (await s.conn.sendRequest("scorelens/runScorer", { scorers: [{ file, scorerName }], selection: { kind: "lastN", n: 100 } })) as {
      runId: string;
      status: string;
      scoredCount: number;
      errorCount: number;
      aggregates: Array<{ name: string; value: number | null }>;
      message: string | null;
    };
  const len = await run("answerLength");
  assert.equal(len.status, "completed", len.message ?? "");
  assert.equal(len.scoredCount, 5);
  assert.equal(len.errorCount, 0);
  assert.deepEqual(len.aggregates.map((a) => [a.name, a.value]), [["answer_length/mean", 5], ["answer_length/max", 5]]);

  const yes = await run("says_world");
  assert.deepEqual(yes.aggregates.map((a) => [a.name, a.value]), [["says_world/mean", 1]]);

  const boom = await run("always_throws");
  assert.equal(boom.status, "completed");
  assert.equal(boom.errorCount, 5);
  const rows = (await s.conn.sendRequest("scorelens/getRun", { runId: boom.runId })) as {
    rows: Array<{ feedbacks: Array<{ name: string; error: { type: string; message: string; stack: string | null } | null }> }>;
  };
  assert.equal(rows.rows[0]?.feedbacks[0]?.error?.type, "TypeError");
  assert.equal(rows.rows[0]?.feedbacks[0]?.error?.message, "boom");

  const hung = await run("hangs");
  assert.equal(hung.errorCount, 5);
  const hungRows = (await s.conn.sendRequest("scorelens/getRun", { runId: hung.runId })) as {
    rows: Array<{ feedbacks: Array<{ error: { type: string } | null }> }>;
  };
  assert.equal(hungRows.rows[0]?.feedbacks[0]?.error?.type, "TimeoutError");

  const multi = await run("multi");
  assert.deepEqual(multi.aggregates.map((a) => a.name).sort(), ["has_llm/mean", "span_count/mean"]);

  // results are assessments on the traces: a feedback filter finds them
  const list = (await s.conn.sendRequest("scorelens/listTraces", { limit: 10, filter: "feedback.says_world = 'yes'" })) as {
    traces: Array<{ badges: Array<{ name: string }> }>;
  };
  assert.equal(list.traces.length, 5);
  assert.ok(list.traces[0]!.badges.some((b) => b.name === "says_world"));
});

test("a scorer file that does not build fails the run with where it broke", async () => {
  const { s, ws } = await setup();
  const broken = path.join(ws, "broken.ts");
  fs.writeFileSync(broken, `import { scorer } from "scorelens";\nexport const x = scorer("x", ({ outputs }) => {\n`);
  const r = (await s.conn.sendRequest("scorelens/runScorer", { scorers: [{ file: broken, scorerName: "x" }], selection: { kind: "lastN", n: 10 } })) as {
    status: string;
    message: string;
  };
  assert.equal(r.status, "failed");
  assert.match(r.message, /broken\.ts:\d+/);
});

test("datasets over LSP: from traces (with their expectations), run two scorers on it in one run, export, bad names refused", async () => {
  const { s, file } = await setup();
  const ids = ["00000000aaaaaaaaaaaaaaaaaaaaaaaa", "11111111aaaaaaaaaaaaaaaaaaaaaaaa"];
  await s.conn.sendRequest("scorelens/logAssessment", { traceId: ids[0], spanId: null, kind: "expectation", name: "expected_response", value: "hello world" });
  const info = (await s.conn.sendRequest("scorelens/createDataset", { name: "golden", traceIds: ids })) as { name: string; rowCount: number };
  assert.deepEqual([info.name, info.rowCount], ["golden", 2]);
  const listed = (await s.conn.sendRequest("scorelens/listDatasets", {})) as { datasets: Array<{ name: string }> };
  assert.deepEqual(listed.datasets.map((d) => d.name), ["golden"]);
  await assert.rejects(s.conn.sendRequest("scorelens/createDataset", { name: "../etc", traceIds: ids }), /letters, digits/);

  const run = (await s.conn.sendRequest("scorelens/runScorer", {
    scorers: [{ file, scorerName: "answerLength" }, { file, scorerName: "saysWorld" }],
    selection: { kind: "dataset", name: "golden" },
  })) as { status: string; message: string | null; traceCount: number; selectionLabel: string; aggregates: Array<{ name: string }> };
  assert.equal(run.status, "completed", run.message ?? "");
  assert.equal(run.traceCount, 2);
  assert.equal(run.selectionLabel, "dataset golden");
  assert.deepEqual(run.aggregates.map((a) => a.name).sort(), ["answer_length/max", "answer_length/mean", "says_world/mean"]);

  const out = path.join(tmpDir(), "golden.jsonl");
  const exported = (await s.conn.sendRequest("scorelens/exportDataset", { name: "golden", file: out })) as { rows: number; format: string };
  assert.deepEqual(exported, { rows: 2, format: "jsonl" });
  const first = JSON.parse(fs.readFileSync(out, "utf8").split("\n")[0] ?? "{}") as { expectations?: Record<string, unknown>; trace_id?: string };
  assert.deepEqual(first.expectations, { expected_response: "hello world" }, "the trace's expectation came along");
});
