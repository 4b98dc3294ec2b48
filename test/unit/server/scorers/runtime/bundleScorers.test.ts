/** bundleScorerFile: the SDK alias, externals, tsconfig paths, structured build errors, the cache. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { bundleScorerFile, clearBundleCache, isBundleError, type BundleResult, type ScorerBundle } from "../../../../../server/scorers/runtime/bundleScorers";
import { scorerWorkspace } from "./fixtureScorers";
import { makeWorkspace, REPO, SDK_ENTRY } from "./helpers";

function ok(r: BundleResult): ScorerBundle {
  if (isBundleError(r)) assert.fail(`unexpected build error: ${JSON.stringify(r.error)}`);
  return r;
}

function failed(r: BundleResult): { message: string; file: string; line: number | null; column: number | null } {
  if (!isBundleError(r)) assert.fail("expected a build error");
  return r.error;
}

test("bundles the SDK and local modules; the user's packages stay external", async () => {
  const { root, file } = scorerWorkspace();
  const b = ok(await bundleScorerFile(file, { sdkEntry: SDK_ENTRY, workspaceRoot: root }));
  assert.match(b.code, /require\("fake-metrics"\)/);
  assert.doesNotMatch(b.code, /require\("scorelens"\)/);
  assert.match(b.code, /scorelens\.scorer/); // the SDK's brand: the SDK is inside the bundle
  assert.match(b.code, /"length " \+ text\.length/); // ./lib/describe is inside the bundle
  assert.match(b.code, /\/\/# sourceMappingURL=data:application\/json;base64,/);
  assert.match(b.sourceHash, /^[0-9a-f]{64}$/);
  assert.deepEqual(b.warnings, []);
  // the source map's sources are relative to the scorer file's folder
  const map = JSON.parse(Buffer.from(b.code.split("base64,")[1] ?? "", "base64").toString("utf8")) as { sources: string[] };
  assert.ok(map.sources.includes("scorers.ts"), map.sources.join(", "));
  assert.ok(map.sources.includes("lib/describe.ts"));
});

test("caches by the file's and its inputs' mtime and size", async () => {
  clearBundleCache();
  const { root, file } = scorerWorkspace();
  const opts = { sdkEntry: SDK_ENTRY, workspaceRoot: root };
  const a = ok(await bundleScorerFile(file, opts));
  const b = ok(await bundleScorerFile(file, opts));
  assert.equal(a, b);

  // an imported module changes: rebuilt
  const helper = path.join(root, "src/lib/describe.ts");
  fs.writeFileSync(helper, `export function describe(text: string): string {\n  return "chars " + text.length;\n}\n`);
  const c = ok(await bundleScorerFile(file, opts));
  assert.notEqual(c.sourceHash, a.sourceHash);
  assert.match(c.code, /"chars "/);

  // the file itself changes (same size, newer mtime): rebuilt
  const later = new Date(Date.now() + 5_000);
  fs.utimesSync(file, later, later);
  const d = ok(await bundleScorerFile(file, opts));
  assert.notEqual(d, c);
  assert.equal(d.sourceHash, c.sourceHash);
});

test("a syntax error comes back structured, pointing at the file, line and column", async () => {
  const ws = makeWorkspace({ "broken.ts": `import { scorer } from "scorelens";\nexport const a = scorer("a", () => {\n  return 1;\n` });
  const err = failed(await bundleScorerFile(path.join(ws, "broken.ts"), { sdkEntry: SDK_ENTRY, workspaceRoot: ws }));
  assert.equal(err.file, path.join(ws, "broken.ts"));
  assert.equal(err.line, 4);
  assert.equal(err.column, 0);
  assert.equal(err.message, "Unexpected end of file");
});

test("an error in an imported module points at that module", async () => {
  const ws = makeWorkspace({
    "src/main.ts": `import { helper } from "./helper";\nexport const x = helper;\n`,
    "src/helper.ts": `export const helper = (a: number) => a +;\n`,
  });
  const err = failed(await bundleScorerFile(path.join(ws, "src/main.ts"), { sdkEntry: SDK_ENTRY, workspaceRoot: ws }));
  assert.equal(err.file, path.join(ws, "src/helper.ts"));
  assert.equal(err.line, 1);
  assert.equal(typeof err.column, "number");
});

test("a missing relative import and a missing file are build errors", async () => {
  const ws = makeWorkspace({ "a.ts": `import { nope } from "./nope";\nexport const x = nope;\n` });
  const err = failed(await bundleScorerFile(path.join(ws, "a.ts"), { sdkEntry: SDK_ENTRY, workspaceRoot: ws }));
  assert.match(err.message, /Could not resolve "\.\/nope"/);
  assert.equal(err.line, 1);
  const gone = failed(await bundleScorerFile(path.join(ws, "gone.ts"), { sdkEntry: SDK_ENTRY, workspaceRoot: ws }));
  assert.match(gone.message, /not found/);
  assert.equal(gone.line, null);
});

test("a package that is not installed stays external (it fails when loaded, not when bundled)", async () => {
  const ws = makeWorkspace({ "a.ts": `import { x } from "not-installed-pkg";\nexport const y = x;\n` });
  const b = ok(await bundleScorerFile(path.join(ws, "a.ts"), { sdkEntry: SDK_ENTRY, workspaceRoot: ws }));
  assert.match(b.code, /require\("not-installed-pkg"\)/);
});

test("tsconfig paths that point at local source are bundled", async () => {
  const ws = makeWorkspace({
    "tsconfig.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["src/lib/*"] } } }),
    "src/lib/util.ts": `export const twice = (n: number) => n * 2;\n`,
    "src/a.ts": `import { twice } from "@lib/util";\nexport const y = twice(21);\n`,
  });
  const b = ok(await bundleScorerFile(path.join(ws, "src/a.ts"), { sdkEntry: SDK_ENTRY, workspaceRoot: ws }));
  assert.doesNotMatch(b.code, /require\("@lib\/util"\)/);
  assert.match(b.code, /n \* 2/);
});

test("a relative import into the repo's sdk/ is bundled as written", async () => {
  const file = path.join(REPO, "test/fixtures/scorer-workspaces/repo-relative/scorers.ts");
  const b = ok(await bundleScorerFile(file, { sdkEntry: SDK_ENTRY, workspaceRoot: REPO }));
  assert.doesNotMatch(b.code, /require\("\.\.\//);
  assert.match(b.code, /scorelens\.scorer/);
});
