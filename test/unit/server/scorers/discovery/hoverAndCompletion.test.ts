import assert from "node:assert/strict";
import { test } from "node:test";
import type { CompletionItem as LspCompletionItem } from "vscode-languageserver";
import { SPAN_TYPES } from "../../../../../protocol/model";
import type { LastRun, Registration } from "../../../../../server/scorers/discovery/codeLens";
import { findScorers } from "../../../../../server/scorers/discovery/findScorers";
import { scorerCompletions, scorerHover, type CompletionItem } from "../../../../../server/scorers/discovery/hoverAndCompletion";
import type { Position } from "../../../../../server/scorers/discovery/positions";
import { at, fixture } from "./helpers";

const CURSOR = "@@";

/** The text without the cursor marker, and the marker's position. */
function withCursor(source: string): { text: string; position: Position } {
  const position = at(source, CURSOR);
  return { text: source.replace(CURSOR, ""), position };
}

function complete(source: string, file?: string): CompletionItem[] {
  const { text, position } = withCursor(source);
  return scorerCompletions(text, position, file);
}

function labels(source: string, file?: string): string[] {
  return complete(source, file).map((i) => i.label);
}

const IMPORT = 'import { scorer, Scorer } from "scorelens";\n';
const ALL_PARAMS = ["inputs", "outputs", "expectations", "trace"];

// ---------------------------------------------------------------------------------------------
// Hover

test("hover on a scorer's name: name, export, description, params, aggregations, last run, registration", () => {
  const { file, text } = fixture("mlflow-docs.ts");
  const defs = findScorers(text, file);
  const lastRuns = new Map<string, LastRun>([["response_length", { summary: "mean 41.3 over 20 traces", runId: "r1" }]]);
  const registrations = new Map<string, Registration>([["response_length", { version: 2, sampleRate: 0.25, sourceChanged: true }]]);
  const md = scorerHover(defs, at(text, '"response_length"', 3), lastRuns, registrations);
  assert.ok(md);
  const lines = md.split("\n");
  assert.equal(lines[0], "**Scorer `response_length`** · function · exported as `responseLength`");
  assert.ok(lines.includes("Number of words in the response"));
  assert.ok(lines.includes("- **Reads:** `outputs`"));
  assert.ok(lines.includes("- **Aggregations:** `mean`, `min`, `max` → metrics `response_length/mean`, `response_length/min`, `response_length/max`"));
  assert.ok(lines.includes("- **Last run:** mean 41\\.3 over 20 traces"));
  assert.ok(lines.includes("- **Monitoring:** Registered v2 · active 25% · source changed since registration"));
});

test("hover on the definition's first line; nothing inside the body or elsewhere", () => {
  const { file, text } = fixture("mlflow-docs.ts");
  const defs = findScorers(text, file);
  const none = new Map();
  const md = scorerHover(defs, at(text, "scorer(({ outputs, expectations })", 2), none, none);
  assert.ok(md?.startsWith("**Scorer `mentionsKeyword`**"));
  assert.ok(md?.includes("- **Aggregations:** `mean` (default) → metric `mentionsKeyword/mean`"));
  assert.ok(md?.includes("- **Monitoring:** not registered"));
  assert.equal(scorerHover(defs, at(text, "const keyword ="), none, none), null);
  assert.equal(scorerHover(defs, { line: 0, character: 0 }, none, none), null);
});

test("hover on a class and on a non-exported scorer; markdown in descriptions is escaped", () => {
  const src = [
    IMPORT,
    'class Judge extends Scorer { constructor() { super({ name: "judge", description: "Checks *bold* [links](x)" }); } score({ trace }) { return 1; } }',
  ].join("\n");
  const defs = findScorers(src, "/ws/j.ts");
  const none = new Map();
  const md = scorerHover(defs, at(src, "judge"), none, none);
  assert.ok(md?.startsWith("**Scorer `judge`** · class · not exported"));
  assert.ok(md?.includes("Checks \\*bold\\* \\[links\\]\\(x\\)"));
  assert.ok(md?.includes("_Export it to run it from the editor or register it._"));
});

// ---------------------------------------------------------------------------------------------
// Parameter completions

test("params inside a scorer's destructuring, minus the ones already there", () => {
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ @@ }) => 1);`), ALL_PARAMS);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ outputs, @@ }) => 1);`), ["inputs", "expectations", "trace"]);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer("n", async ({ inputs: i, @@ }) => 1);`), ["outputs", "expectations", "trace"]);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer({ name: "n" }, function ({ trace, @@ }) { return 1; });`), ["inputs", "outputs", "expectations"]);
  // While typing a key, that key does not count as present.
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ trace, outp@@ }) => 1);`), ["inputs", "outputs", "expectations"]);
  const item = complete(`${IMPORT}export const a = scorer(({ @@ }) => 1);`)[1];
  assert.equal(item?.kind, 10);
  assert.match(item?.documentation?.value ?? "", /response/);
  const lsp: LspCompletionItem[] = complete(`${IMPORT}export const a = scorer(({ @@ }) => 1);`);
  assert.equal(lsp.length, 4);
});

test("params in a class's score method and score arrow property, and via aliases/namespaces", () => {
  assert.deepEqual(labels(`${IMPORT}class J extends Scorer { score({ outputs, @@ }) { return 1; } }`), ["inputs", "expectations", "trace"]);
  assert.deepEqual(labels(`${IMPORT}class J extends Scorer { score = ({ @@ }) => 1; }`), ALL_PARAMS);
  assert.deepEqual(labels('import * as sl from "scorelens";\nclass J extends sl.Scorer { score({ @@ }) { return 1; } }'), ALL_PARAMS);
  assert.deepEqual(labels('import { scorer as define } from "scorelens";\nexport const a = define(({ @@ }) => 1);'), ALL_PARAMS);
  assert.deepEqual(labels('import * as sl from "scorelens";\nexport const a = sl.scorer(({ @@ }) => 1);'), ALL_PARAMS);
});

test("params while the arrow is still being typed", () => {
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ @@`), ALL_PARAMS);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ outputs, @@`), ["inputs", "expectations", "trace"]);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer("n", async ({ @@ })`), ALL_PARAMS);
});

test("no param completions outside scorer parameters", () => {
  assert.deepEqual(labels(`${IMPORT}export const a = other(({ @@ }) => 1);`), []);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ outputs = @@ }) => 1);`), []);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ outputs }, { @@ }) => 1);`), []);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer(({ outputs }) => { const { @@ } = outputs; });`), []);
  assert.deepEqual(labels(`${IMPORT}class J extends Scorer { other({ @@ }) { return 1; } }`), []);
  assert.deepEqual(labels(`${IMPORT}class J { score({ @@ }) { return 1; } }`), []);
  assert.deepEqual(labels(`${IMPORT}@@`), []);
});

// ---------------------------------------------------------------------------------------------
// Span types and aggregations

test("span types inside spanType: \"…\" replace the string's contents", () => {
  const src = `${IMPORT}export const t = scorer(({ trace }) => trace.searchSpans({ spanType: "TO@@" }).length);`;
  const items = complete(src);
  assert.deepEqual(
    items.map((i) => i.label),
    [...SPAN_TYPES],
  );
  const { text } = withCursor(src);
  const quoteAt = at(text, '"TO"');
  assert.deepEqual(items[0]?.textEdit?.range, {
    start: { line: quoteAt.line, character: quoteAt.character + 1 },
    end: { line: quoteAt.line, character: quoteAt.character + 3 },
  });
  assert.equal(items[3]?.textEdit?.newText, "TOOL");
  assert.equal(items[0]?.kind, 20);
});

test("span types in arrays, comparisons, single quotes and unterminated strings", () => {
  assert.deepEqual(labels(`const s = trace.searchSpans({ spanType: ["LLM", "@@"] });`), SPAN_TYPES.filter((t) => t !== "LLM"));
  assert.deepEqual(labels(`const tools = spans.filter((s) => s.spanType === '@@');`), [...SPAN_TYPES]);
  assert.deepEqual(labels(`const tools = spans.filter((s) => "@@" !== s["spanType"]);`), [...SPAN_TYPES]);
  const open = complete(`const s = trace.searchSpans({ spanType: "RET@@`);
  assert.equal(open.length, SPAN_TYPES.length);
  assert.deepEqual(open[0]?.textEdit?.range.end, { line: 0, character: 44 });
  assert.deepEqual(labels(`const s = trace.searchSpans({ spanType: ["@@"], name: "x" });`), [...SPAN_TYPES]);
  assert.deepEqual(labels(`const s = trace.searchSpans({ spanType: "LLM", name: "@@" });`), []);
  assert.deepEqual(labels(`const s = { spanType: "LLM"@@ };`), []);
});

test("aggregations inside aggregations: [\"…\"] and aggregations: [ … ]", () => {
  const inString = complete(`${IMPORT}export const a = scorer({ aggregations: ["mean", "@@"] }, ({ outputs }) => 1);`);
  assert.deepEqual(
    inString.map((i) => i.label),
    ["min", "max", "median", "variance", "p90"],
  );
  assert.equal(inString[0]?.kind, 12);
  assert.match(inString[4]?.documentation?.value ?? "", /90th percentile/);
  const bare = complete(`${IMPORT}export const a = scorer({ aggregations: [@@] }, ({ outputs }) => 1);`);
  assert.deepEqual(
    bare.map((i) => i.insertText),
    ['"mean"', '"min"', '"max"', '"median"', '"variance"', '"p90"'],
  );
  assert.equal(bare[0]?.textEdit, undefined);
  assert.deepEqual(labels(`${IMPORT}class J extends Scorer { constructor() { super({ aggregations: ["p90", '@@'] }); } }`), ["mean", "min", "max", "median", "variance"]);
  assert.deepEqual(labels(`${IMPORT}class J extends Scorer { aggregations = ["@@"]; }`), ["mean", "min", "max", "median", "variance", "p90"]);
  assert.deepEqual(labels(`${IMPORT}export const a = scorer({ name: "@@" }, ({ outputs }) => 1);`), []);
});

test("completions in .tsx files and with CRLF line breaks", () => {
  const src = `${IMPORT}const el = <div className="x" />;\r\nexport const a = scorer(({ @@ }) => el);`;
  assert.deepEqual(labels(src, "/ws/a.tsx"), ALL_PARAMS);
});
