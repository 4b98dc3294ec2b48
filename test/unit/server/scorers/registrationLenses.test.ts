/** Registration lenses: a registered scorer shows its version and rate; editing the file on disk shows drift. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { RegisteredScorer } from "../../../../protocol/monitoring";
import { findScorers } from "../../../../server/scorers/discovery/findScorers";
import { RegistrationLenses } from "../../../../server/scorers/registrationLenses";
import { bundleScorerFile, isBundleError } from "../../../../server/scorers/runtime/bundleScorers";
import { makeWorkspace, SDK_ENTRY } from "./runtime/helpers";

test("version and rate come from the registration; drift appears once the file's bundle differs from the snapshot", async () => {
  const ws = makeWorkspace({ "s.ts": 'import { scorer } from "scorelens";\nexport const short = scorer(({ outputs }) => String(outputs).length < 100);\n' });
  const file = path.join(ws, "s.ts");
  const b = await bundleScorerFile(file, { sdkEntry: SDK_ENTRY, workspaceRoot: ws });
  assert.ok(!isBundleError(b));
  const reg: RegisteredScorer = {
    name: "short", version: 2, file, exportName: "short", sourceHash: b.sourceHash, aggregations: null, sampleRate: 0.5, filterString: null,
    state: "active", createdMs: 0, updatedMs: 0, backlog: 0, scoredCount: 0, lastError: null,
  };
  let hashed = 0;
  let notify: () => void = () => undefined;
  const lenses = new RegistrationLenses(() => {
    hashed++;
    notify();
  }, SDK_ENTRY);
  const waitHashed = () => new Promise<void>((r) => (notify = r));
  const defs = () => findScorers(fs.readFileSync(file, "utf8"), file);

  let wait = waitHashed();
  assert.deepEqual(lenses.forDefs(defs(), [reg]).get("short"), { version: 2, sampleRate: 0.5, sourceChanged: false }, "no verdict before the hash is known");
  await wait;
  assert.deepEqual(lenses.forDefs(defs(), [reg]).get("short"), { version: 2, sampleRate: 0.5, sourceChanged: false }, "same source");

  fs.writeFileSync(file, 'import { scorer } from "scorelens";\nexport const short = scorer(({ outputs }) => String(outputs).length < 80);\n');
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(file, later, later);
  wait = waitHashed();
  lenses.forDefs(defs(), [reg]);
  await wait;
  assert.equal(lenses.forDefs(defs(), [reg]).get("short")?.sourceChanged, true, "the file drifted from the snapshot");
  assert.equal(hashed, 2);
  assert.equal(lenses.forDefs(defs(), []).size, 0, "unregistered scorers have no registration");
});
