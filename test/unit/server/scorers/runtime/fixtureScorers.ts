/**
 * A scorer workspace written to a tmp folder for the runtime tests: one scorer file that imports
 * the SDK as "scorelens", a local helper module and a package from its own node_modules. Each
 * misbehaving scorer misbehaves only on a trace whose output is a magic word, and scores the rest.
 */
import path from "node:path";
import { makeWorkspace } from "./helpers";

export const SCORERS_TS = `
import { scorer, Feedback } from "scorelens";
import { ratio } from "fake-metrics";
import { describe } from "./lib/describe";

interface Args { inputs: { question: string }; outputs: string }

export const exact = scorer(function exact({ outputs }: Args) {
  return new Feedback({ value: outputs.startsWith("answer"), rationale: describe(outputs) });
});

export const throws = scorer("throws", ({ outputs }: Args) => {
  if (outputs === "BAD") throw new RangeError("bad output: " + outputs);
  return 1;
});

export const loops = scorer("loops", ({ outputs }: Args) => {
  if (outputs === "LOOP") for (;;) {}
  return true;
});

export const hangs = scorer("hangs", async ({ outputs }: Args) => {
  if (outputs === "HANG") await new Promise(() => {});
  return true;
});

export const hog = scorer("hog", ({ outputs }: Args) => {
  if (outputs === "HOG") {
    const keep: number[][] = [];
    for (;;) keep.push(new Array(100_000).fill(keep.length));
  }
  return true;
});

export const exits = scorer("exits", ({ outputs }: Args) => {
  if (outputs === "EXIT") process.exit(3);
  return true;
});

export const chatty = scorer("chatty", ({ inputs, outputs }: Args) => {
  console.log("scoring", inputs.question);
  console.warn("warned %d", 42);
  if (outputs === "SPAM") for (let i = 0; i < 1000; i++) console.info("line", i);
  return outputs.length;
});

export const usesPkg = scorer("uses_pkg", ({ outputs }: Args) => ratio(outputs.length, 2));

export const slow = scorer("slow", async () => {
  await new Promise((r) => setTimeout(r, 20));
  return 1;
});

export const stray = scorer("stray", ({ outputs }: Args) => {
  process.stdout.write("raw stdout " + outputs + "\\n");
  setTimeout(() => {
    throw new Error("late boom " + outputs);
  }, 0);
  void Promise.reject(new Error("unhandled " + outputs));
  return true;
});

export const trivial = scorer(() => 1);

export const notAScorer = 42;
`;

export const DESCRIBE_TS = `
export function describe(text: string): string {
  return "length " + text.length;
}
`;

/** Writes the workspace; returns its root and the scorer file. */
export function scorerWorkspace(extra: Record<string, string> = {}): { root: string; file: string } {
  const root = makeWorkspace({
    "src/scorers.ts": SCORERS_TS,
    "src/lib/describe.ts": DESCRIBE_TS,
    "node_modules/fake-metrics/package.json": JSON.stringify({ name: "fake-metrics", version: "1.0.0", main: "index.js" }),
    "node_modules/fake-metrics/index.js": "exports.ratio = (a, b) => a / b;\n",
    ...extra,
  });
  return { root, file: path.join(root, "src/scorers.ts") };
}
