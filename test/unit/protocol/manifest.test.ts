/** package.json's contributions and the protocol's settings/commands must not drift apart. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { COMMAND_IDS } from "../../../protocol/commands";
import { Settings } from "../../../protocol/settings";

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8")) as {
  contributes: { commands: Array<{ command: string }>; configuration: { properties: Record<string, { default: unknown }> } };
};

test("every setting in package.json is in the zod schema with the same default, and vice versa", () => {
  const props = pkg.contributes.configuration.properties;
  const manifestKeys = Object.keys(props).map((k) => k.replace(/^scorelens\./, "")).sort();
  assert.deepEqual(manifestKeys, Object.keys(Settings.shape).sort());
  const defaults = Settings.parse({});
  for (const [k, v] of Object.entries(props)) {
    assert.deepEqual(v.default, defaults[k.replace(/^scorelens\./, "") as keyof typeof defaults], k);
  }
});

test("the command table matches package.json's commands", () => {
  assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
});
