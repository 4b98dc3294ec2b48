/**
 * Discovery names a scorer as the runtime will: for every scorer in examples/scorers.ts and a
 * file of naming shapes, the static name equals the name the loaded scorer reports (with the
 * worker's rule: an SDK-default "scorer" name takes the export name), so lenses, hovers and
 * duplicate-name diagnostics talk about the assessment names runs produce.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { findScorers } from "../../../../../server/scorers/discovery/findScorers";
import { makeWorkspace, REPO } from "../runtime/helpers";

function runtimeName(value: unknown, exportName: string): string {
  const name = (value as { name?: unknown }).name;
  return typeof name !== "string" || name === "" || (name === "scorer" && exportName !== "default") ? exportName : name;
}

async function check(file: string): Promise<number> {
  const defs = findScorers(fs.readFileSync(file, "utf8"), file);
  const mod = (await import(file)) as Record<string, unknown>;
  let checked = 0;
  for (const d of defs) {
    if (!d.exportName) continue;
    const value = mod[d.exportName];
    assert.ok(value, `${d.exportName} is exported`);
    assert.equal(d.name, runtimeName(value, d.exportName), `${path.basename(file)}: ${d.exportName}`);
    checked++;
  }
  return checked;
}

test("examples/scorers.ts: discovery names = runtime names", async () => {
  assert.ok((await check(path.join(REPO, "examples/scorers.ts"))) >= 6);
});

test("naming shapes: explicit, named function, referenced function, anonymous arrow", async () => {
  const sdk = path.join(REPO, "sdk/index.ts").replace(/\\/g, "/");
  const ws = makeWorkspace({
    "shapes.ts": [
      `import { scorer } from ${JSON.stringify(sdk)};`,
      "function judge({ outputs }: { outputs?: unknown }) { return outputs !== undefined; }",
      "const arrowRef = ({ outputs }: { outputs?: unknown }) => String(outputs).length;",
      "export const a = scorer(function inner({ outputs }: { outputs?: unknown }) { return 1; });",
      'export const b = scorer("explicit", ({ outputs }) => 1);',
      "export const c = scorer(judge);",
      "export const d = scorer(arrowRef);",
      "export const e = scorer(({ outputs }) => 1);",
      'export const f = scorer({ name: "opts" }, ({ outputs }) => 1);',
    ].join("\n"),
  });
  assert.equal(await check(path.join(ws, "shapes.ts")), 6);
});
