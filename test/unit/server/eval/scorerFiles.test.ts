/** `--scorers` globs → files, and the exported scorers in them. */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { expandScorerArgs, globToRegExp, scorersIn } from "../../../../server/eval/scorerFiles";
import { makeWorkspace } from "../scorers/runtime/helpers";

test("globToRegExp: *, **, ?, {a,b}", () => {
  const re = globToRegExp("scorers/**/*.{ts,js}");
  assert.ok(re.test("scorers/a.ts"));
  assert.ok(re.test("scorers/deep/er/b.js"));
  assert.ok(!re.test("scorers/c.py"));
  assert.ok(!re.test("other/a.ts"));
  assert.ok(globToRegExp("s?.ts").test("s1.ts"));
  assert.ok(!globToRegExp("*.ts").test("a/b.ts"), "* stays within a folder");
});

test("expandScorerArgs walks from the fixed prefix, skips node_modules and dot folders; scorersIn keeps exported scorers", () => {
  const sdk = 'import { scorer } from "scorelens";\n';
  const ws = makeWorkspace({
    "evals/a.ts": `${sdk}export const a = scorer(({ outputs }) => 1);\nconst hidden = scorer(({ outputs }) => 2);\n`,
    "evals/sub/b.ts": `${sdk}export const b = scorer("bee", ({ outputs }) => 1);\n`,
    "evals/node_modules/x/c.ts": `${sdk}export const c = scorer(({ outputs }) => 1);\n`,
    "evals/.cache/d.ts": `${sdk}export const d = scorer(({ outputs }) => 1);\n`,
    "evals/readme.md": "no",
  });
  const files = expandScorerArgs(["evals/**/*.ts"], ws);
  assert.deepEqual(files.map((f) => path.relative(ws, f).replace(/\\/g, "/")), ["evals/a.ts", "evals/sub/b.ts"]);
  const { defs, notes } = scorersIn(files);
  assert.deepEqual(defs.map((d) => d.name), ["a", "bee"]);
  assert.match(notes[0] ?? "", /hidden is not exported/);
  assert.throws(() => expandScorerArgs(["evals/*.py"], ws), /no files match/);
  assert.throws(() => expandScorerArgs(["missing.ts"], ws), /no such file/);
});
