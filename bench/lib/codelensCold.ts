/**
 * Child process of bench/codelens.ts: the first call in a fresh Node process, where nothing is
 * JIT-compiled yet. Prints one JSON line.
 *
 *   node --import tsx bench/lib/codelensCold.ts parse FILE.ts       # ts.createSourceFile alone
 *   node --import tsx bench/lib/codelensCold.ts codelens FILE.ts    # ScorerIndex.update + scorerLenses, then scorerDiagnostics
 *
 * Module loading is timed on its own (the server loads these modules at startup, not on the
 * first request); under tsx it includes compiling the repo's .ts files, so it overstates the bundle.
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  if ((mode !== "parse" && mode !== "codelens") || !file) throw new Error("usage: codelensCold.ts parse|codelens FILE");
  const text = fs.readFileSync(file, "utf8");
  const m0 = performance.now();
  const ts = (await import("typescript")).default;
  const tsImportMs = performance.now() - m0;
  if (mode === "parse") {
    const t0 = performance.now();
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const parseMs = performance.now() - t0;
    console.log(JSON.stringify({ mode, tsImportMs, parseMs, statements: sf.statements.length }));
    return;
  }
  const d0 = performance.now();
  const { ScorerIndex } = await import("../../server/scorers/discovery/workspaceIndex");
  const { scorerLenses } = await import("../../server/scorers/discovery/codeLens");
  const { scorerDiagnostics } = await import("../../server/scorers/discovery/diagnostics");
  const discoveryImportMs = performance.now() - d0;
  const index = new ScorerIndex();
  const t0 = performance.now();
  const defs = index.update(file, text);
  const t1 = performance.now();
  const lenses = scorerLenses(index.byFile(file), { trusted: true, lastN: 100, lastRuns: new Map(), registrations: new Map(), registrationEnabled: false }).map((l) => ({
    range: l.range,
    command: { title: l.title, command: l.command, arguments: l.arguments },
  }));
  const t2 = performance.now();
  const diagnostics = scorerDiagnostics(index.byFile(file), text, file, index);
  const t3 = performance.now();
  console.log(
    JSON.stringify({
      mode,
      tsImportMs,
      discoveryImportMs,
      updateMs: t1 - t0,
      lensesMs: t2 - t1,
      diagnosticsMs: t3 - t2,
      defs: defs.length,
      lenses: lenses.length,
      diagnostics: diagnostics.length,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
