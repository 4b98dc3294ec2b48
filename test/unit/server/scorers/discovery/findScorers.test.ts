import assert from "node:assert/strict";
import { test } from "node:test";
import ts from "typescript";
import { ScorerDef } from "../../../../../protocol/scoring";
import {
  analyzeFile,
  findReExports,
  findScorers,
  isSdkSpecifier,
  scriptKindFor,
} from "../../../../../server/scorers/discovery/findScorers";
import { at, byName, fixture, rangeOf, textAt } from "./helpers";

type Row = [name: string, exportName: string | null, kind: "function" | "class", params: string[], aggregations: string[] | null];

function rows(defs: readonly ScorerDef[]): Row[] {
  return defs.map((d) => [d.name, d.exportName, d.kind, d.params, d.aggregations]);
}

function find(source: string, file = "/ws/src/scorers.ts"): ScorerDef[] {
  return findScorers(source, file);
}

// ---------------------------------------------------------------------------------------------
// MLflow docs scorers

test("MLflow docs scorers: names, exports, params, aggregations, descriptions", () => {
  const { file, text } = fixture("mlflow-docs.ts");
  const defs = findScorers(text, file);
  for (const d of defs) ScorerDef.parse(d);
  assert.deepEqual(rows(defs), [
    ["response_length", "responseLength", "function", ["outputs"], ["mean", "min", "max"]],
    ["mentionsKeyword", "mentionsKeyword", "function", ["outputs", "expectations"], null],
    ["keyword_overlap_relevance", "keywordOverlap", "function", ["inputs", "outputs"], null],
    ["tool_call_efficiency", "toolCallEfficiency", "function", ["trace"], ["mean"]],
    ["is_valid_json", "isValidJson", "function", ["outputs"], null],
    ["multiAspectCheck", "multiAspectCheck", "function", ["inputs", "outputs"], null],
  ]);
  assert.equal(byName(defs, "response_length").description, "Number of words in the response");
  assert.equal(byName(defs, "mentionsKeyword").description, null);
  for (const d of defs) assert.equal(d.file, file);
});

test("MLflow docs scorers: ranges cover the scorer(...) call, name ranges the name", () => {
  const { file, text } = fixture("mlflow-docs.ts");
  const defs = findScorers(text, file);
  for (const d of defs) {
    const call = textAt(text, d.range);
    assert.match(call, /^scorer\(/, d.name);
    assert.match(call, /\)$/, d.name);
  }
  const len = byName(defs, "response_length");
  assert.deepEqual(len.nameRange, rangeOf(text, '"response_length"'));
  assert.deepEqual(len.range.startLine, at(text, "export const responseLength").line);
  assert.deepEqual(byName(defs, "mentionsKeyword").nameRange, rangeOf(text, "mentionsKeyword"));
  assert.deepEqual(byName(defs, "is_valid_json").nameRange, rangeOf(text, "is_valid_json"), "the function's own name, as the runtime names it");
  assert.deepEqual(byName(defs, "keyword_overlap_relevance").nameRange, rangeOf(text, '"keyword_overlap_relevance"'));
});

test("MLflow docs scorers: the multi-aspect scorer returns three named Feedbacks", () => {
  const { file, text } = fixture("mlflow-docs.ts");
  const multi = analyzeFile(text, file).scorers.find((a) => a.def.name === "multiAspectCheck");
  assert.ok(multi);
  assert.equal(multi.feedbackArrays.length, 1);
  assert.equal(multi.feedbackArrays[0]?.count, 3);
  assert.deepEqual(multi.feedbackArrays[0]?.unnamed, []);
  assert.deepEqual(multi.feedbackArrays[0]?.duplicateNames, []);
});

// ---------------------------------------------------------------------------------------------
// Every definition shape

test("shapes: aliases, options, references, classes, default export; no duplicates, no lookalikes", () => {
  const { file, text } = fixture("shapes.ts");
  const defs = findScorers(text, file);
  for (const d of defs) ScorerDef.parse(d);
  assert.deepEqual(rows(defs), [
    ["plain", "plain", "function", ["outputs"], null],
    ["explicit_name", "named", "function", ["inputs", "outputs"], null],
    ["options_name", "withOptions", "function", ["inputs", "outputs", "expectations"], ["mean", "p90", "custom"]],
    ["constAggs", "constAggs", "function", ["trace"], ["median", "p90"]],
    ["hidden", "exposed", "function", ["outputs"], null],
    ["lengthAtLeast10", "byReference", "function", ["outputs"], null],
    ["internal_only", null, "function", ["outputs"], null],
    ["length_judge", "LengthJudge", "class", ["outputs", "expectations"], ["mean", "max"]],
    ["ToneJudge", "Tone", "class", ["inputs"], null],
    ["defaultScorer", "default", "function", ["outputs"], null],
  ]);
  assert.equal(byName(defs, "options_name").description, "Checks the options form");
  assert.equal(byName(defs, "length_judge").description, "Class-based length judge");
  // Name ranges point at what gave the name.
  assert.deepEqual(byName(defs, "options_name").nameRange, rangeOf(text, '"options_name"'));
  assert.deepEqual(byName(defs, "length_judge").nameRange, rangeOf(text, '"length_judge"'));
  assert.deepEqual(byName(defs, "ToneJudge").nameRange, rangeOf(text, "ToneJudge"));
  assert.deepEqual(byName(defs, "hidden").nameRange, rangeOf(text, "hidden"));
  assert.deepEqual(byName(defs, "defaultScorer").nameRange, rangeOf(text, "defaultScorer"));
  // A class's range is the whole declaration.
  const judge = byName(defs, "length_judge");
  assert.match(textAt(text, judge.range), /^export class LengthJudge extends Scorer \{[\s\S]*\n\}$/);
});

test("shapes: re-exports are reported separately (SDK and type-only re-exports are not)", () => {
  const { file, text } = fixture("shapes.ts");
  const re = findReExports(text, file).map((r) => [r.exportName, r.importedName, r.specifier]);
  assert.deepEqual(re, [
    ["remoteA", "remoteA", "./remote"],
    ["remoteRenamed", "remoteB", "./remote"],
    ["*", "*", "./more-scorers"],
    ["exactMatch", "exactMatch", "./helpers"],
    ["judgeDefault", "default", "./judges"],
  ]);
  for (const r of findReExports(text, file)) assert.equal(r.file, file);
});

test("namespace import in an .mjs file: sl.scorer(...) and extends sl.Scorer", () => {
  const { file, text } = fixture("namespace.mjs");
  const defs = findScorers(text, file);
  assert.deepEqual(rows(defs), [
    ["ns_scorer", "nsScorer", "function", ["outputs"], null],
    ["ns_judge", "NsJudge", "class", ["trace"], null],
    // An anonymous arrow has no name: the SDK's default.
    ["scorer", "default", "function", ["inputs"], null],
  ]);
});

test("CommonJS: require destructuring and namespaces, exports.x, module.exports.x, module.exports = {…}", () => {
  const { file, text } = fixture("commonjs.cjs");
  const defs = findScorers(text, file);
  assert.deepEqual(rows(defs), [
    ["exportsProp", "exportsProp", "function", ["outputs"], null],
    ["module_exports_prop", "moduleExportsProp", "function", ["inputs"], null],
    ["viaObject", "viaObject", "function", ["expectations"], null],
    ["inline_cjs", "inline", "function", ["trace"], null],
  ]);
  // `Feedback: FB` is resolved too: one of the two returned Feedbacks has no name.
  const inline = analyzeFile(text, file).scorers.find((a) => a.def.name === "inline_cjs");
  assert.equal(inline?.feedbackArrays[0]?.unnamed.length, 1);
});

test("relative SDK import in a .tsx file with JSX; anonymous default class is named 'default'", () => {
  const { file, text } = fixture("relative-sdk.tsx");
  const defs = findScorers(text, file);
  assert.deepEqual(rows(defs), [
    ["rendersPreview", "rendersPreview", "function", ["outputs"], null],
    ["default", "default", "class", ["outputs"], null],
  ]);
});

test("files that mention scorer but do not import the SDK define nothing", () => {
  const { file, text } = fixture("not-sdk.ts");
  assert.deepEqual(findScorers(text, file), []);
  assert.deepEqual(find("const scorer = (f) => f;\nexport const x = scorer(({ outputs }) => 1);\n"), []);
});

// ---------------------------------------------------------------------------------------------
// Import forms and naming rules, inline

test("import forms: default, namespace, import = require, require, property of require, await import", () => {
  const cases: [string, string][] = [
    ['import sl from "scorelens";\nexport const a = sl.scorer(({ outputs }) => 1);', "a"],
    ['import * as ev from "scorelens";\nexport const a = ev.scorer("n", ({ outputs }) => 1);', "n"],
    ['import sl = require("scorelens");\nexport const a = sl.scorer(({ outputs }) => 1);', "a"],
    ['const { scorer: s } = require("scorelens");\nexports.a = s(({ outputs }) => 1);', "a"],
    ['const s = require("scorelens").scorer;\nexport const a = s(({ outputs }) => 1);', "a"],
    ['const { scorer } = await import("scorelens");\nexport const a = scorer(({ outputs }) => 1);', "a"],
    ['import { scorer as defineScorer } from "@acme/scorelens";\nexport const a = defineScorer(({ outputs }) => 1);', "a"],
    ['import { scorer } from "../../sdk/scoring/scorer.js";\nexport const a = scorer(({ outputs }) => 1);', "a"],
    ['import { "scorer" as sc } from "scorelens";\nexport const a = sc(({ outputs }) => 1);', "a"],
  ];
  for (const [source, name] of cases) {
    const defs = find(source);
    assert.deepEqual(
      defs.map((d) => d.name),
      [name],
      source,
    );
  }
});

test("type-only imports and other modules' scorer are not the SDK", () => {
  assert.deepEqual(find('import type { scorer } from "scorelens";\nexport const a = scorer(() => 1);'), []);
  assert.deepEqual(find('import { type scorer } from "scorelens";\nexport const a = scorer(() => 1);'), []);
  assert.deepEqual(find('import { scorer } from "./scorers";\nexport const a = scorer(() => 1);'), []);
});

test("isSdkSpecifier", () => {
  const yes = ["scorelens", "@acme/scorelens", "scorelens/scoring", "../sdk", "./sdk/index", "../../sdk/index.js", "../sdk/scoring", "../../sdk/scoring/scorer.ts", "sdk/scoring"];
  const no = ["./scorers", "sdk", "./sdkx", "mlflow", "../sdk-helpers", "./my-scorelens-helpers"];
  for (const s of yes) assert.equal(isSdkSpecifier(s), true, s);
  for (const s of no) assert.equal(isSdkSpecifier(s), false, s);
});

test("names, as the runtime gives them: explicit name > function name > variable name > 'scorer'", () => {
  const src = [
    'import { scorer } from "scorelens";',
    "function judge({ outputs }) { return 1; }",
    "const NAME = 'from_const';",
    "export const a = scorer(function inner({ outputs }) { return 1; });",
    "export const b = scorer({ name: NAME }, ({ outputs }) => 1);",
    "export const c = scorer(`template_name`, ({ outputs }) => 1);",
    "export const d = scorer({ name: `with ${NAME}` }, ({ outputs }) => 1);",
    "module.exports = scorer(judge);",
  ].join("\n");
  assert.deepEqual(
    find(src).map((d) => [d.name, d.exportName]),
    [
      ["inner", "a"],
      ["from_const", "b"],
      ["template_name", "c"],
      ["d", "d"],
      ["judge", "default"],
    ],
  );
});

test("classes: super('name'), name field, class expression, aggregations/description fields, score arrow property", () => {
  const src = [
    'import { Scorer } from "scorelens";',
    'export class A extends Scorer { constructor() { super("string_form"); } score({ outputs }) { return 1; } }',
    'export class B extends Scorer { name = "field_name"; aggregations = ["min", helper]; description = "d"; score = ({ trace }) => 1; }',
    "export const C = class extends Scorer { score({ inputs: i, expectations }) { return 1; } };",
    "class D extends Scorer<{ outputs: string }> { static score() {} }",
    "export default D;",
  ].join("\n");
  const defs = find(src);
  assert.deepEqual(rows(defs), [
    ["string_form", "A", "class", ["outputs"], null],
    ["field_name", "B", "class", ["trace"], ["min", "custom"]],
    ["C", "C", "class", ["inputs", "expectations"], null],
    ["D", "default", "class", [], null],
  ]);
  assert.equal(byName(defs, "field_name").description, "d");
});

test("aliases: export const y = x, export { x as z }, export default x; own export name wins; chains", () => {
  const src = [
    'import { scorer } from "scorelens";',
    "const base = scorer(({ outputs }) => 1);",
    "const step = base;",
    "export const viaChain = step;",
    "export const own = scorer(({ outputs }) => 2);",
    "export const ownAlias = own;",
    "export { own as ownRenamed };",
    "const third = scorer(({ outputs }) => 3);",
    "export default third;",
  ].join("\n");
  assert.deepEqual(
    find(src).map((d) => [d.name, d.exportName]),
    [
      ["base", "viaChain"],
      ["own", "own"],
      ["third", "default"],
    ],
  );
});

test("aggregations: a non-array expression is custom; holes skipped; `as const` and satisfies unwrap", () => {
  const src = [
    'import { scorer } from "scorelens";',
    "export const a = scorer({ aggregations: pickAggregations() }, ({ outputs }) => 1);",
    'export const b = scorer({ aggregations: ["min", , "max"] as const }, ({ outputs }) => 1);',
    "export const c = scorer({ aggregations: [] }, ({ outputs }) => 1);",
    'export const d = scorer(({ outputs }) => 1) satisfies unknown;',
  ].join("\n");
  assert.deepEqual(
    find(src).map((d) => d.aggregations),
    [["custom"], ["min", "max"], [], null],
  );
});

test("params: renamed, defaulted and rest elements; a plain parameter gives none", () => {
  const src = [
    'import { scorer } from "scorelens";',
    "export const a = scorer(({ outputs: o = '', 'expectations': e, ...rest }) => 1);",
    "export const b = scorer((args) => args.outputs);",
    "export const c = scorer(function (this: unknown, { trace }) { return 1; });",
    "export const d = scorer(importedFn);",
  ].join("\n");
  assert.deepEqual(
    find(src).map((d) => [d.name, d.params]),
    [
      ["a", ["outputs", "expectations"]],
      ["b", []],
      ["c", ["trace"]],
      ["importedFn", []],
    ],
  );
});

test("ranges are 0-based and count CRLF line breaks once", () => {
  const src = 'import { scorer } from "scorelens";\r\n\r\nexport const crlf = scorer(({ outputs }) => 1);\r\n';
  const [def] = find(src);
  assert.ok(def);
  assert.deepEqual(def.nameRange, { startLine: 2, startCharacter: 13, endLine: 2, endCharacter: 17 });
  assert.deepEqual(def.range, { startLine: 2, startCharacter: 20, endLine: 2, endCharacter: 46 });
});

test("script kinds by extension; JSX parses in .jsx/.js", () => {
  assert.equal(scriptKindFor("a.ts"), ts.ScriptKind.TS);
  assert.equal(scriptKindFor("a.MTS"), ts.ScriptKind.TS);
  assert.equal(scriptKindFor("a.cts"), ts.ScriptKind.TS);
  assert.equal(scriptKindFor("a.tsx"), ts.ScriptKind.TSX);
  assert.equal(scriptKindFor("a.js"), ts.ScriptKind.JS);
  assert.equal(scriptKindFor("a.mjs"), ts.ScriptKind.JS);
  assert.equal(scriptKindFor("a.cjs"), ts.ScriptKind.JS);
  assert.equal(scriptKindFor("a.jsx"), ts.ScriptKind.JSX);
  assert.equal(scriptKindFor("a.py"), null);
  const jsx = 'import { scorer } from "scorelens";\nconst el = <div>{1}</div>;\nexport const j = scorer(({ outputs }) => el);\n';
  assert.deepEqual(find(jsx, "/ws/a.jsx").map((d) => d.name), ["j"]);
  // A type assertion `<T>x` is only legal in .ts; in .tsx it would be JSX. Both still find the scorer.
  const cast = 'import { scorer } from "scorelens";\nexport const k = scorer(({ outputs }) => <number>outputs);\n';
  assert.deepEqual(find(cast, "/ws/a.ts").map((d) => d.name), ["k"]);
});

test("syntax errors elsewhere in the file do not hide scorers", () => {
  const src = 'import { scorer } from "scorelens";\nexport const ok = scorer(({ outputs }) => 1);\nconst broken = (;\nexport const after = scorer("after", ({ trace }) => 2);\n';
  assert.deepEqual(find(src).map((d) => d.name), ["ok", "after"]);
});

// ---------------------------------------------------------------------------------------------
// Timing (information only)

function generatedFile(lines: number): { text: string; scorers: number } {
  const out = ['import { scorer as defineScorer, Scorer, Feedback } from "scorelens";', 'import * as ev from "scorelens";', ""];
  let scorers = 0;
  let i = 0;
  while (out.length < lines) {
    out.push(
      `export interface Row${i}<T extends string = string> { id: T; score: number; tags: readonly string[] }`,
      `export enum Level${i} { Low = ${i}, High = ${i + 1} }`,
      `function helper${i}(x: number): string { return \`value \${x * ${i}}\` satisfies string; }`,
      `export class Service${i} { private readonly cache = new Map<string, Row${i}>(); get(id: string) { return this.cache.get(id) ?? null; } }`,
      `export const s${i}a = defineScorer({ name: "s${i}_a", aggregations: ["mean", "p90"] }, ({ outputs }) => String(outputs).length > ${i});`,
      `export const s${i}b = defineScorer("s${i}_b", async ({ inputs, outputs }) => new Feedback({ value: helper${i}(1) === String(outputs), rationale: String(inputs) }));`,
      `export const s${i}c = ev.scorer(({ trace }) => trace.searchSpans({ spanType: "TOOL" }).length);`,
      `export class Judge${i} extends Scorer { constructor() { super({ name: "judge_${i}" }); } score({ expectations }) { return expectations != null; } }`,
      "",
    );
    scorers += 4;
    i++;
  }
  return { text: out.join("\n"), scorers };
}

test("timing: findScorers on a generated 2,000-line file (information only)", (t) => {
  const { text, scorers } = generatedFile(2000);
  const lines = text.split("\n").length;
  const file = "/ws/generated.ts";
  const first = performance.now();
  const defs = findScorers(text, file);
  const cold = performance.now() - first;
  assert.equal(defs.length, scorers);
  const runs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    findScorers(text, file);
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)] ?? 0;
  t.diagnostic(`findScorers: ${lines} lines, ${Math.round(text.length / 1024)} KB, ${defs.length} scorers; first call ${cold.toFixed(1)} ms, warm median ${median.toFixed(1)} ms (10 runs)`);
});
