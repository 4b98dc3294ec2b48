/**
 * Desktop VS Code integration runner (@vscode/test-electron). It downloads VS Code, so it only
 * works on machines with internet access; CI here uses code-server + Playwright instead
 * (scripts/e2e.sh). Run with: bash scripts/run.sh node --import tsx test/integration/runTests.ts
 */
import path from "node:path";
import { runTests } from "@vscode/test-electron";

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "../..");
  await runTests({
    version: process.env.VSCODE_VERSION ?? "stable",
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, "test/integration/suite/index.cjs"),
    launchArgs: [path.join(root, "examples"), "--disable-extensions"],
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`integration tests failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
