/** LLM judges are scorers to discovery: lenses, registration and runs find them by export. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findScorers } from "../../../../../server/scorers/discovery/findScorers";
import { worthParsing } from "../../../../../server/scorers/discovery/workspaceIndex";

const SRC = [
  'import { Guidelines, Safety as Safe, makeJudge, customPromptJudge } from "scorelens";',
  'import * as sl from "scorelens";',
  'export const polite = new Guidelines({ name: "politeness", guidelines: ["Be polite"] });',
  "export const safety = new Safe();",
  'export const tone = makeJudge({ name: "tone", instructions: "Is {{ outputs }} friendly?", feedbackValueType: "yes/no" });',
  'export const grade = customPromptJudge({ name: "grade", promptTemplate: "[[good]] or [[bad]]: {{ outputs }}", numericValues: { good: 1, bad: 0 } });',
  "export const grounded = new sl.RetrievalGroundedness();",
  "const notExported = new Guidelines({ guidelines: ['x'] });",
  "export const other = new Map();",
].join("\n");

test("new Judge(...) and judge factories from the SDK are scorers, named by `name` or the judge's default", () => {
  const defs = findScorers(SRC, "/ws/judges.ts");
  assert.deepEqual(
    defs.map((d) => [d.name, d.exportName, d.kind]),
    [
      ["politeness", "polite", "class"],
      ["safety", "safety", "class"],
      ["tone", "tone", "function"],
      ["grade", "grade", "function"],
      ["retrieval_groundedness", "grounded", "class"],
      ["guidelines", null, "class"],
    ],
  );
  assert.ok(worthParsing('import { Safety } from "scorelens";\nexport const s = new Safety();'), "a file with only judges is parsed");
  assert.deepEqual(findScorers('class Guidelines {}\nexport const g = new Guidelines();', "/ws/x.ts"), [], "a local class of the same name is not the SDK's");
});
