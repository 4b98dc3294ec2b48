/**
 * JUnit XML for CI (`scorelens eval --junit FILE`). Pure.
 *
 * One <testsuite> per run: a "run" testcase (an <error> when the run failed or was cancelled), a
 * testcase per threshold (a <failure> when it failed), and a testcase per aggregate metric and per
 * pass rate, with the value as a property and in system-out (these never fail by themselves:
 * thresholds decide; scorer errors fail a build through `--fail-over errors=…`). Text is escaped, and characters XML 1.0
 * can't hold (control characters, lone surrogates) are written as visible "\uXXXX" text.
 */
import type { EvalReport } from "./evalReport";

// Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const INVALID = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text with the characters XML can't hold made visible ("\u001b"). */
export function xmlSafe(s: string): string {
  return s.replace(INVALID, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Element text: markup characters escaped; CR as a reference, since a parser would read a literal CR as LF. */
export function escapeText(s: string): string {
  return xmlSafe(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** Attribute values: also quotes, and tabs/line breaks as references (a parser would read them as spaces). */
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join("");
}

const secs = (ms: number | null): string => ((ms ?? 0) / 1000).toFixed(3);
const num = (v: number | null): string => (v === null ? "none" : String(Number(v.toPrecision(6))));

interface Case {
  name: string;
  classname: string;
  body: string;
  failed: boolean;
  errored: boolean;
}

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
}

function suite(report: EvalReport, suiteName: string): Suite {
  const run = report.run;
  const cases: Case[] = [];
  const runBad = run.status !== "completed";
  cases.push({
    name: "run",
    classname: `${suiteName}.run`,
    failed: false,
    errored: runBad,
    body: runBad
      ? `<error${attrs({ message: `run ${run.status}${run.message ? `: ${run.message}` : ""}`, type: run.status })}/>`
      : `<system-out>${escapeText(`${run.scoredCount}/${run.traceCount} scored from ${run.selectionLabel}; ${report.errorCount} error(s)`)}</system-out>`,
  });
  for (const t of report.thresholds) {
    cases.push({
      name: t.text.replace(/^--/, ""),
      classname: `${suiteName}.thresholds`,
      failed: !t.passed,
      errored: false,
      body: t.passed
        ? `<system-out>${escapeText(t.message)}</system-out>`
        : `<failure${attrs({ message: t.message, type: "threshold" })}>${escapeText(t.message)}</failure>`,
    });
  }
  const metric = (name: string, value: number | null, props: Record<string, string>, text: string): Case => ({
    name,
    classname: `${suiteName}.metrics`,
    failed: false,
    errored: false,
    body: `<properties>${Object.entries({ value: num(value), ...props })
      .map(([k, v]) => `<property${attrs({ name: k, value: v })}/>`)
      .join("")}</properties><system-out>${escapeText(text)}</system-out>`,
  });
  for (const a of report.aggregates) {
    cases.push(metric(a.name, a.value, { count: String(a.count) }, `${a.name} = ${num(a.value)}${a.note ? ` (${a.note})` : ""}`));
  }
  for (const s of report.assessments) {
    if (s.passRate === null) continue;
    const text = `${s.name}/pass_rate = ${num(s.passRate)} (${s.passed} passed, ${s.failed} failed, ${s.errors} error(s))`;
    cases.push(metric(`${s.name}/pass_rate`, s.passRate, { passed: String(s.passed), failed: String(s.failed), errors: String(s.errors) }, text));
  }
  const counts = { tests: cases.length, failures: cases.filter((c) => c.failed).length, errors: cases.filter((c) => c.errored).length };
  const head = attrs({
    name: `${suiteName} ${run.runId}`,
    ...counts,
    skipped: 0,
    time: secs(run.durationMs),
    timestamp: new Date(run.startedMs).toISOString().replace(/\.\d{3}Z$/, ""),
  });
  const body = cases.map((c) => `    <testcase${attrs({ name: c.name, classname: c.classname, time: "0" })}>${c.body}</testcase>`).join("\n");
  return { xml: `  <testsuite${head}>\n${body}\n  </testsuite>`, ...counts };
}

/** One <testsuites> document with a <testsuite> per report (usually one). */
export function junitXml(reports: readonly EvalReport[], suiteName = "scorelens"): string {
  const suites = reports.map((r) => suite(r, suiteName));
  const total = (k: "tests" | "failures" | "errors"): number => suites.reduce((n, s) => n + s[k], 0);
  const head = attrs({ name: suiteName, tests: total("tests"), failures: total("failures"), errors: total("errors") });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n${suites.map((s) => s.xml).join("\n")}\n</testsuites>\n`;
}
