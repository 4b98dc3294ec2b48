import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGitignore } from "../../../../../server/scorers/discovery/gitignore";

function check(rules: string, cases: [path: string, isDir: boolean, ignored: boolean][]): void {
  const m = parseGitignore(rules);
  for (const [p, isDir, ignored] of cases) assert.equal(m.ignores(p, isDir), ignored, `${JSON.stringify(rules)}: ${p}${isDir ? "/" : ""}`);
}

test("comments, blank lines, escapes and trailing spaces", () => {
  const m = parseGitignore("# a comment\n\n   \n\\#literal\n\\!bang\ntrailing   \nkept\\ \r\n");
  assert.equal(m.ruleCount, 4);
  check("# a comment\n\\#literal\n\\!bang\ntrailing   \nkept\\ \r\n", [
    ["# a comment", false, false],
    ["#literal", false, true],
    ["!bang", false, true],
    ["trailing", false, true],
    ["kept ", false, true],
    ["kept", false, false],
  ]);
});

test("a name without a slash matches at any depth; with a slash it is anchored", () => {
  check("build\n/root-only.ts\nsrc/generated\n", [
    ["build", true, true],
    ["build", false, true],
    ["packages/app/build", true, true],
    ["packages/app/build/x.ts", false, true],
    ["root-only.ts", false, true],
    ["lib/root-only.ts", false, false],
    ["src/generated", true, true],
    ["src/generated/a.ts", false, true],
    ["lib/src/generated/a.ts", false, false],
  ]);
});

test("dir/ only matches directories (and so everything inside)", () => {
  check("cache/\n", [
    ["cache", true, true],
    ["cache", false, false],
    ["a/cache/file.ts", false, true],
  ]);
});

test("*, ? and character classes stay within one path segment", () => {
  check("*.log\ntmp-?.ts\nfile[0-9].ts\nx[!a].ts\n", [
    ["a.log", false, true],
    ["deep/dir/a.log", false, true],
    ["tmp-1.ts", false, true],
    ["tmp-12.ts", false, false],
    ["file7.ts", false, true],
    ["fileA.ts", false, false],
    ["xb.ts", false, true],
    ["xa.ts", false, false],
  ]);
  check("src/*.gen.ts\n", [
    ["src/a.gen.ts", false, true],
    ["src/sub/a.gen.ts", false, false],
  ]);
});

test("** leading, trailing and in the middle", () => {
  check("**/fixtures\n", [
    ["fixtures", true, true],
    ["a/b/fixtures", true, true],
    ["a/b/fixtures/x.ts", false, true],
  ]);
  check("logs/**\n", [
    ["logs/a.ts", false, true],
    ["logs/deep/a.ts", false, true],
    ["logs", true, false],
  ]);
  check("a/**/z.ts\n", [
    ["a/z.ts", false, true],
    ["a/b/z.ts", false, true],
    ["a/b/c/z.ts", false, true],
    ["b/a/z.ts", false, false],
  ]);
  check("foo**bar\n", [
    ["fooxbar", false, true],
    ["foo/bar", false, false],
  ]);
});

test("negation: the last matching rule wins; nothing under an ignored directory comes back", () => {
  check("*.ts\n!keep.ts\n", [
    ["a.ts", false, true],
    ["keep.ts", false, false],
    ["sub/keep.ts", false, false],
  ]);
  check("generated/\n!generated/scorers.ts\n", [["generated/scorers.ts", false, true]]);
  check("generated/*\n!generated/scorers.ts\n", [
    ["generated/other.ts", false, true],
    ["generated/scorers.ts", false, false],
  ]);
});

test("regex characters in patterns are literal", () => {
  check("a+b(c).ts\n$x.ts\n", [
    ["a+b(c).ts", false, true],
    ["aab(c).ts", false, false],
    ["$x.ts", false, true],
  ]);
});

test("matches() checks only the path itself (for walkers that skip ignored directories)", () => {
  const m = parseGitignore("generated/\n");
  assert.equal(m.matches("generated/a.ts", false), false);
  assert.equal(m.ignores("generated/a.ts", false), true);
});
