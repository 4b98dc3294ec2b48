import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { ScorerIndex } from "../../../../../server/scorers/discovery/workspaceIndex";
import { FIXTURES, tempDir } from "./helpers";

let ws: string;
let cleanup: () => void;

function write(rel: string, text: string, mtime?: Date): string {
  const file = path.join(ws, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (mtime) utimesSync(file, mtime, mtime);
  return file;
}

const scorerFile = (...names: string[]): string =>
  ['import { scorer } from "scorelens";', ...names.map((n) => `export const ${n} = scorer(({ outputs }) => outputs);`)].join("\n") + "\n";

function names(index: ScorerIndex): string[] {
  return index.all().map((d) => d.name);
}

beforeEach(() => {
  ({ dir: ws, cleanup } = tempDir());
  write(".gitignore", "# generated code\ngenerated/\n*.local.ts\n!keep.local.ts\n/scratch\n");
  write("src/scorers.ts", scorerFile("alpha", "beta"));
  write("src/more.ts", scorerFile("gamma"));
  write("src/index.ts", 'export { alpha as first } from "./scorers";\nexport * from "./more";\n');
  write("src/barrel/index.ts", 'export * from "../scorers.js";\n');
  write("src/util.ts", "export const add = (a: number, b: number) => a + b;\n");
  write("src/app.tsx", "export const App = () => <div>hello</div>;\n");
  write("src/docs.md", "scorer docs, not code\n");
  write("mlflow/docs.ts", readFileSync(path.join(FIXTURES, "mlflow-docs.ts"), "utf8"));
  write("generated/gen.ts", scorerFile("ignoredGenerated"));
  write("x.local.ts", scorerFile("ignoredLocal"));
  write("keep.local.ts", scorerFile("kept"));
  write("scratch/s.ts", scorerFile("ignoredScratch"));
  write("lib/scratch/s.ts", scorerFile("notAnchoredAway"));
  write("node_modules/pkg/index.ts", scorerFile("ignoredNodeModules"));
  write("dist/bundle.js", scorerFile("ignoredDist"));
  write("out/x.ts", scorerFile("ignoredOut"));
  write(".git/hooks/x.ts", scorerFile("ignoredGit"));
});

afterEach(() => cleanup());

test("indexes TS/JS files, skipping node_modules, .git, dist, out and .gitignore'd paths", async () => {
  const index = new ScorerIndex();
  const report = await index.indexFolders([ws]);
  assert.deepEqual(names(index).sort(), [
    "alpha",
    "beta",
    "gamma",
    "is_valid_json",
    "kept",
    "keyword_overlap_relevance",
    "mentionsKeyword",
    "multiAspectCheck",
    "notAnchoredAway",
    "response_length",
    "tool_call_efficiency",
  ]);
  assert.equal(report.cappedWalk, false);
  assert.equal(report.cappedParse, false);
  assert.deepEqual(report.warnings, []);
  // Walked: every file outside skipped/ignored directories (incl. .gitignore, docs.md, x.local.ts).
  assert.equal(report.filesWalked, 12);
  // Candidates: TS/JS files not ignored. Parsed: those mentioning scorers or re-exporting.
  assert.equal(report.candidates, 9);
  assert.equal(report.filesRead, 9);
  assert.equal(report.filesParsed, 7);
  assert.equal(report.cacheHits, 0);
  assert.equal(report.scorers, 11);
  assert.equal(report.filesWithScorers, 5);
  assert.deepEqual(
    index.byFile(path.join(ws, "src/scorers.ts")).map((d) => d.name),
    ["alpha", "beta"],
  );
  assert.deepEqual(index.byFile(path.join(ws, "generated/gen.ts")), []);
  assert.equal(index.byName("gamma")[0]?.file, path.join(ws, "src/more.ts"));
  assert.deepEqual(index.byName("nope"), []);
  assert.equal(index.report, report);
});

test("a rescan reuses unchanged files by (mtime, size) and re-reads changed ones", async () => {
  const index = new ScorerIndex();
  await index.indexFolders([ws]);
  const again = await index.rescan();
  assert.equal(again.filesRead, 0);
  assert.equal(again.filesParsed, 0);
  assert.equal(again.cacheHits, 9);
  assert.equal(again.scorers, 11);

  write("src/more.ts", scorerFile("gamma", "delta"), new Date(Date.now() + 5_000));
  rmSync(path.join(ws, "keep.local.ts"));
  write("src/new.ts", scorerFile("epsilon"));
  const third = await index.rescan();
  assert.equal(third.filesRead, 2);
  assert.equal(third.filesParsed, 2);
  assert.equal(third.cacheHits, 7);
  assert.ok(names(index).includes("delta"));
  assert.ok(names(index).includes("epsilon"));
  assert.ok(!names(index).includes("kept"));
  assert.deepEqual(index.byName("kept"), []);
});

test("open documents: update() wins over the disk until closeDocument()", async () => {
  const index = new ScorerIndex();
  await index.indexFolders([ws]);
  const file = path.join(ws, "src/scorers.ts");
  const defs = index.update(file, scorerFile("alpha", "beta", "typing"));
  assert.deepEqual(
    defs.map((d) => d.name),
    ["alpha", "beta", "typing"],
  );
  assert.equal(index.byName("typing").length, 1);
  const report = await index.rescan();
  assert.deepEqual(
    index.byFile(file).map((d) => d.name),
    ["alpha", "beta", "typing"],
  );
  assert.equal(report.filesRead, 0);
  // Incremental: other files are untouched by update().
  assert.deepEqual(
    index.byFile(path.join(ws, "src/more.ts")).map((d) => d.name),
    ["gamma"],
  );
  // Closing reverts to the disk.
  const closed = await index.closeDocument(file);
  assert.deepEqual(
    closed.map((d) => d.name),
    ["alpha", "beta"],
  );
  assert.deepEqual(index.byName("typing"), []);
  // update() of a file that no longer mentions scorers clears it; non-TS files are ignored.
  assert.deepEqual(index.update(file, "export const nothing = 1;\n"), []);
  assert.deepEqual(index.byName("alpha"), []);
  assert.deepEqual(index.update(path.join(ws, "notes.md"), scorerFile("md")), []);
  // A file outside the folders (or ignored) can still be open and indexed.
  assert.deepEqual(
    index.update(path.join(ws, "generated/gen.ts"), scorerFile("openedGenerated")).map((d) => d.name),
    ["openedGenerated"],
  );
});

test("refreshFile and remove, for file events", async () => {
  const index = new ScorerIndex();
  await index.indexFolders([ws]);
  const created = write("src/created.ts", scorerFile("zeta"));
  assert.deepEqual(
    (await index.refreshFile(created)).map((d) => d.name),
    ["zeta"],
  );
  const ignored = write("generated/other.ts", scorerFile("eta"));
  assert.deepEqual(await index.refreshFile(ignored), []);
  assert.deepEqual(await index.refreshFile(path.join(ws, "node_modules/pkg/index.ts")), []);
  assert.deepEqual(index.byName("ignoredNodeModules"), []);
  rmSync(created);
  assert.deepEqual(await index.refreshFile(created), []);
  assert.deepEqual(index.byName("zeta"), []);
  index.remove(path.join(ws, "src/more.ts"));
  assert.deepEqual(index.byName("gamma"), []);
});

test("re-exports resolve across files: named, renamed, export *, .js specifiers, cycles", async () => {
  write("src/cycle-a.ts", 'export * from "./cycle-b";\nexport { alpha } from "./scorers";\n');
  write("src/cycle-b.ts", 'export * from "./cycle-a";\n');
  write("src/default.ts", 'import { scorer } from "scorelens";\nexport default scorer("dflt", ({ outputs }) => 1);\n');
  write("src/star-default.ts", 'export * from "./default";\nimport d from "./default";\nexport { d as namedDefault };\n');
  const index = new ScorerIndex();
  await index.indexFolders([ws]);
  const resolved = index.resolveReExports().map((r) => [path.relative(ws, r.file), r.exportName, r.def.name]);
  assert.deepEqual(resolved, [
    ["src/barrel/index.ts", "alpha", "alpha"],
    ["src/barrel/index.ts", "beta", "beta"],
    ["src/cycle-a.ts", "alpha", "alpha"],
    ["src/cycle-b.ts", "alpha", "alpha"],
    ["src/index.ts", "first", "alpha"],
    ["src/index.ts", "gamma", "gamma"],
    ["src/star-default.ts", "namedDefault", "dflt"],
  ]);
  assert.deepEqual(
    index.exportsOf(path.join(ws, "src/scorers.ts")).map((r) => r.exportName),
    ["alpha", "beta"],
  );
  assert.deepEqual(
    index.reExports(path.join(ws, "src/index.ts")).map((r) => r.specifier),
    ["./scorers", "./more"],
  );
  assert.equal(index.resolveModule(path.join(ws, "src/index.ts"), "some-package"), null);
  assert.equal(index.resolveModule(path.join(ws, "src/index.ts"), "./barrel"), path.join(ws, "src/barrel/index.ts"));
});

test("caps: files walked, files parsed and file size are limited and reported", async () => {
  const walked = await new ScorerIndex({ maxFilesWalked: 3 }).indexFolders([ws]);
  assert.equal(walked.cappedWalk, true);
  assert.equal(walked.filesWalked, 3);
  assert.match(walked.warnings.join("\n"), /stopped walking after 3 files/);

  const parsedIndex = new ScorerIndex({ maxFilesParsed: 2, concurrency: 1 });
  const parsed = await parsedIndex.indexFolders([ws]);
  assert.equal(parsed.cappedParse, true);
  assert.equal(parsed.filesParsed, 2);
  assert.match(parsed.warnings.join("\n"), /limit of 2 files/);
  // The cap also holds when files come from the cache.
  const again = await parsedIndex.rescan();
  assert.equal(again.cappedParse, true);
  assert.ok(again.filesParsed <= 2);
  assert.ok(parsedIndex.files().filter((f) => parsedIndex.byFile(f).length > 0 || parsedIndex.reExports(f).length > 0).length <= 2);

  write("src/huge.ts", scorerFile("huge") + "// padding\n".repeat(200));
  const sized = await new ScorerIndex({ maxFileBytes: 1500 }).indexFolders([ws]);
  assert.ok(sized.tooLarge.includes(path.join(ws, "src/huge.ts")));
  assert.ok(sized.tooLarge.includes(path.join(ws, "mlflow/docs.ts")));
  assert.match(sized.warnings.join("\n"), /larger than 1500 bytes/);
});

test("several folders; scans requested together run one after the other", async () => {
  const { dir: other, cleanup: cleanupOther } = tempDir();
  try {
    writeFileSync(path.join(other, "evals.ts"), scorerFile("otherFolder", "alpha"));
    const index = new ScorerIndex();
    const [a, b] = await Promise.all([index.indexFolders([ws]), index.indexFolders([ws, other])]);
    assert.deepEqual(a.folders, [path.resolve(ws)]);
    assert.equal(b.folders.length, 2);
    assert.ok(names(index).includes("otherFolder"));
    assert.deepEqual(index.byName("alpha").map((d) => path.basename(d.file)).sort(), ["evals.ts", "scorers.ts"]);
    // Dropping a folder forgets its files.
    await index.indexFolders([other]);
    assert.deepEqual(names(index).sort(), ["alpha", "otherFolder"]);
  } finally {
    cleanupOther();
  }
});

test("missing folders and unreadable entries do not throw", async () => {
  const index = new ScorerIndex();
  const report = await index.indexFolders([path.join(ws, "does-not-exist")]);
  assert.equal(report.filesWalked, 0);
  assert.deepEqual(index.all(), []);
});

test("an open document's analysis is kept for its diagnostics (no second parse) until it changes or closes", async () => {
  const index = new ScorerIndex();
  const file = path.join(ws, "open-doc.ts");
  const text = 'import { scorer } from "scorelens";\nexport const openOne = scorer(({ outputs }) => 1);\n';
  index.update(file, text);
  const a = index.analysisFor(file, text);
  assert.ok(a, "kept for the text it was made from");
  assert.deepEqual(a.scorers.map((s) => s.def.name), ["openOne"]);
  assert.equal(index.analysisFor(file, `${text}// edited\n`), null, "not for another text");
  await index.closeDocument(file);
  assert.equal(index.analysisFor(file, text), null, "dropped on close");
});
