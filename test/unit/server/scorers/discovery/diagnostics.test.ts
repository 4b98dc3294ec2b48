import assert from "node:assert/strict";
import { test } from "node:test";
import type { Diagnostic, TextEdit as LspTextEdit } from "vscode-languageserver";
import type { ScorerDef } from "../../../../../protocol/scoring";
import {
  editDistance,
  quickFixes,
  scorerDiagnostics,
  suggestName,
  type ScorerDiagnostic,
  type ScorerLookup,
  type TextEdit,
} from "../../../../../server/scorers/discovery/diagnostics";
import { findScorers } from "../../../../../server/scorers/discovery/findScorers";
import { lineStarts, offsetAt } from "../../../../../server/scorers/discovery/positions";
import { fixture, rangeOf } from "./helpers";

const noOthers: ScorerLookup = { byName: () => [] };

function diagnose(text: string, file: string, lookup: ScorerLookup = noOthers): ScorerDiagnostic[] {
  return scorerDiagnostics(findScorers(text, file), text, file, lookup);
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const abs = edits
    .map((e) => ({ from: offsetAt(text, starts, e.range.start), to: offsetAt(text, starts, e.range.end), newText: e.newText }))
    .sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of abs) out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return out;
}

function lspRange(r: ReturnType<typeof rangeOf>) {
  return { start: { line: r.startLine, character: r.startCharacter }, end: { line: r.endLine, character: r.endCharacter } };
}

test("diagnostics are LSP Diagnostics", () => {
  const { file, text } = fixture("diagnostics.ts");
  const diags: Diagnostic[] = diagnose(text, file);
  const edits: LspTextEdit[] = quickFixes(diags[0] as Diagnostic, text).flatMap((f) => f.edits);
  assert.ok(diags.length > 0);
  assert.ok(Array.isArray(edits));
  for (const d of diags) {
    assert.equal(d.source, "scorelens");
    assert.ok([1, 2, 3, 4].includes(d.severity ?? 0));
  }
});

test("MLflow docs scorers have no diagnostics", () => {
  const { file, text } = fixture("mlflow-docs.ts");
  assert.deepEqual(diagnose(text, file), []);
  const shapes = fixture("shapes.ts");
  assert.deepEqual(diagnose(shapes.text, shapes.file), []);
});

test("unknown-param: near misses carry a replacement, other names list the allowed ones", () => {
  const { file, text } = fixture("diagnostics.ts");
  const params = diagnose(text, file).filter((d) => d.code === "unknown-param");
  // The first occurrences of these words are in the fixture's comment; the second are the code.
  assert.deepEqual(
    params.map((d) => [d.range, d.data, d.severity]),
    [
      [lspRange(rangeOf(text, "output", 2)), { original: "output", replacement: "outputs", shorthand: true }, 1],
      [lspRange(rangeOf(text, "expectation", 2)), { original: "expectation", replacement: "expectations", shorthand: false }, 1],
      [lspRange(rangeOf(text, "question", 1)), undefined, 1],
      [lspRange(rangeOf(text, "traces")), { original: "traces", replacement: "trace", shorthand: true }, 1],
    ],
  );
  const [output, , question] = params;
  assert.match(output?.message ?? "", /"output" is not a scorer parameter; did you mean "outputs"\?/);
  assert.match(output?.message ?? "", /inputs, outputs, expectations and trace/);
  assert.match(question?.message ?? "", /"question" is not a scorer parameter/);
  assert.match(question?.message ?? "", /inputs, outputs, expectations and trace/);
});

test("unknown-param quick fixes keep the local name for shorthand keys and rename keys otherwise", () => {
  const { file, text } = fixture("diagnostics.ts");
  const params = diagnose(text, file).filter((d) => d.code === "unknown-param");
  const fixes = params.map((d) => quickFixes(d, text));
  assert.deepEqual(
    fixes.map((f) => f.map((x) => x.edits.map((e) => e.newText))),
    [[["outputs: output"]], [["expectations"]], [], [["trace: traces"]]],
  );
  assert.ok(fixes[0]?.[0]?.isPreferred);
  const fixed = applyEdits(text, fixes.flatMap((f) => f.flatMap((x) => x.edits)));
  assert.match(fixed, /scorer\(\(\{ outputs: output, expectations: exp, question \}\) => output === exp\?\.answer\)/);
  assert.match(fixed, /score\(\{ inputs, trace: traces \}\)/);
  const after = diagnose(fixed, file).filter((d) => d.code === "unknown-param");
  assert.deepEqual(
    after.map((d) => d.data?.original ?? "(no fix)"),
    ["(no fix)"],
  );
});

test("unknown-aggregation: closest name suggested and fixed with the same quotes", () => {
  const { file, text } = fixture("diagnostics.ts");
  const aggs = diagnose(text, file).filter((d) => d.code === "unknown-aggregation");
  assert.deepEqual(
    aggs.map((d) => [d.data?.original, d.data?.replacement]),
    [
      ["avg", "mean"],
      ["p95", "p90"],
      ["maximum", "max"],
    ],
  );
  assert.deepEqual(aggs[0]?.range, lspRange(rangeOf(text, '"avg"')));
  assert.match(aggs[0]?.message ?? "", /Unknown aggregation "avg"; did you mean "mean"\? Use mean, min, max, median, variance and p90/);
  const fixed = applyEdits(text, aggs.flatMap((d) => quickFixes(d, text).flatMap((f) => f.edits)));
  assert.match(fixed, /aggregations: \["mean", "mean", "p90", "max", "median"\]/);
  assert.deepEqual(diagnose(fixed, file).filter((d) => d.code === "unknown-aggregation"), []);

  const single = "import { scorer } from 'scorelens';\nexport const s = scorer({ aggregations: ['medain', 'sum'] }, ({ outputs }) => 1);\n";
  const d = diagnose(single, "/ws/s.ts");
  assert.deepEqual(
    d.map((x) => [x.data?.replacement ?? null, x.message.includes("did you mean")]),
    [
      ["median", true],
      [null, false],
    ],
  );
  assert.deepEqual(
    quickFixes(d[0] as ScorerDiagnostic, single).map((f) => f.edits[0]?.newText),
    ["'median'"],
  );
});

test("unnamed-feedbacks: each unnamed Feedback in a returned list of several", () => {
  const { file, text } = fixture("diagnostics.ts");
  const fb = diagnose(text, file).filter((d) => d.code === "unnamed-feedbacks");
  assert.deepEqual(
    fb.map((d) => d.range),
    [lspRange(rangeOf(text, "new Feedback", 2)), lspRange(rangeOf(text, "new Feedback", 3))],
  );
  assert.match(fb[0]?.message ?? "", /scorer "unnamedFeedbacks" returns 3 Feedbacks here and 2 have no name/);
  assert.deepEqual(quickFixes(fb[0] as ScorerDiagnostic, text), []);
});

test("duplicate Feedback names in a returned list", () => {
  const src = [
    'import { scorer, Feedback } from "scorelens";',
    'export const dup = scorer(({ outputs }) => [new Feedback({ name: "x", value: 1 }), new Feedback({ name: "x", value: 2 }), new Feedback({ name: "", value: 3 })]);',
  ].join("\n");
  const d = diagnose(src, "/ws/d.ts");
  assert.deepEqual(
    d.map((x) => x.code),
    ["duplicate-feedback-names", "unnamed-feedbacks"],
  );
  assert.deepEqual(d[0]?.range, lspRange(rangeOf(src, '"x"', 1)));
});

test("duplicate-name: within the file and across the workspace, naming file:line", () => {
  const { file, text } = fixture("diagnostics.ts");
  const dupes = diagnose(text, file).filter((d) => d.code === "duplicate-name");
  assert.equal(dupes.length, 2);
  const line1 = rangeOf(text, '"duplicated"').startLine + 1;
  const line2 = rangeOf(text, '"duplicated"', 1).startLine + 1;
  assert.match(dupes[0]?.message ?? "", new RegExp(`Another scorer is also named "duplicated" \\(diagnostics\\.ts:${line2}\\)`));
  assert.match(dupes[1]?.message ?? "", new RegExp(`\\(diagnostics\\.ts:${line1}\\)`));
  assert.equal(dupes[0]?.severity, 2);
  assert.equal(dupes[0]?.relatedInformation?.[0]?.location.uri.startsWith("file://"), true);

  const other: ScorerDef = {
    name: "plain",
    exportName: "plain",
    file: "/ws/evals/other.ts",
    kind: "function",
    range: { startLine: 4, startCharacter: 0, endLine: 4, endCharacter: 10 },
    nameRange: { startLine: 4, startCharacter: 13, endLine: 4, endCharacter: 18 },
    aggregations: null,
    params: [],
    description: null,
  };
  const src = 'import { scorer } from "scorelens";\nexport const plain = scorer(({ outputs }) => 1);\n';
  const self = findScorers(src, "/ws/src/a.ts");
  // The index also holds this file's own (possibly stale) entry: it is not a duplicate.
  const lookup: ScorerLookup = { byName: (n) => (n === "plain" ? [other, ...self] : []) };
  const d = scorerDiagnostics(self, src, "/ws/src/a.ts", lookup);
  assert.equal(d.length, 1);
  assert.equal(d[0]?.code, "duplicate-name");
  assert.match(d[0]?.message ?? "", /\(\.\.\/evals\/other\.ts:5\)/);
  assert.deepEqual(d[0]?.range, lspRange(rangeOf(src, "plain")));
});

test("quick fixes refuse stale diagnostics and foreign data", () => {
  const { file, text } = fixture("diagnostics.ts");
  const d = diagnose(text, file).find((x) => x.code === "unknown-param");
  assert.ok(d);
  const edited = text.replace("({ output,", "({ outptu,");
  assert.deepEqual(quickFixes(d, edited), []);
  assert.deepEqual(quickFixes({ ...d, data: { replacement: 1 } }, text), []);
  assert.deepEqual(quickFixes({ ...d, data: undefined }, text), []);
  assert.deepEqual(quickFixes({ ...d, code: "duplicate-name" }, text), []);
  assert.deepEqual(quickFixes({ ...d, data: { original: "output", replacement: "out puts" } }, text), []);
});

test("suggestName and editDistance", () => {
  const params = ["inputs", "outputs", "expectations", "trace"];
  assert.equal(suggestName("output", params), "outputs");
  assert.equal(suggestName("Outputs", params), "outputs");
  assert.equal(suggestName("outputs", params), null);
  assert.equal(suggestName("ouptuts", params), "outputs");
  assert.equal(suggestName("foo", params), null);
  assert.equal(suggestName("response", params, { response: "outputs" }), "outputs");
  assert.equal(editDistance("medain", "median"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

test("MLflow 2 parameter names map to MLflow 3's", () => {
  const src = 'import { scorer } from "scorelens";\nexport const old = scorer(({ request, response, expected_response, retrieved_context }) => 1);\n';
  assert.deepEqual(
    diagnose(src, "/ws/old.ts").map((d) => d.data?.replacement),
    ["inputs", "outputs", "expectations", "trace"],
  );
});

test("only the given defs are diagnosed", () => {
  const { file, text } = fixture("diagnostics.ts");
  const defs = findScorers(text, file).filter((d) => d.name === "typoParams");
  const d = scorerDiagnostics(defs, text, file, noOthers);
  assert.deepEqual([...new Set(d.map((x) => x.code))], ["unknown-param"]);
});
