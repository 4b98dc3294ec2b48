import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importMlflowTraceJson } from "../../../../server/wire/mlflowTraceJson";
import { importTraceFile, importTraceFileBytes } from "../../../../server/wire/otlpFileImport";
import { WireFormatError } from "../../../../server/wire/wireFormatError";
import { capture, SAMPLE } from "./otelCapture";
import { assertFixtureSpans, fixture, IDS } from "./sample";

function text(name: string): string {
  return fixture(name).toString("utf8");
}

function expectWireError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(WireFormatError.is(caught), `expected a WireFormatError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
}

const compact = (name: string) => JSON.stringify(JSON.parse(text(name)));

describe("importTraceFile", () => {
  it("reads one OTLP/JSON request and groups its spans into traces", () => {
    const r = importTraceFile(text("sdk-trace.json"));
    assert.deepEqual(r.errors, []);
    assert.equal(r.traces.length, 1);
    const t = r.traces[0]!;
    assertFixtureSpans(t.spans);
    assert.deepEqual([t.tags, t.metadata, t.assessments, t.info], [{}, {}, [], undefined]);
  });

  it("reads JSON Lines of OTLP requests (one per exported span), merging spans of a trace", async () => {
    const requests = await capture("json");
    const jsonl = requests.map((r) => r.body.toString("utf8")).join("\n") + "\n";
    const r = importTraceFile(jsonl);
    assert.equal(r.traces.length, 1);
    assert.deepEqual(r.traces[0]!.spans.map((s) => s.name).sort(), [SAMPLE.rootName, SAMPLE.childName, SAMPLE.toolName].sort());
  });

  it("keeps traces apart and in order of first appearance", () => {
    const other = compact("sdk-trace.json").replaceAll(IDS.trace, "00000000000000000000000000000042");
    const r = importTraceFile(`${other}\n${compact("sdk-trace.json")}\n${other}\n`);
    assert.deepEqual(
      r.traces.map((t) => [t.spans[0]!.traceId, t.spans.length]),
      [
        ["00000000000000000000000000000042", 6],
        [IDS.trace, 3],
      ],
    );
  });

  it("detects MLflow trace JSON (single, array, JSON Lines) and matches importMlflowTraceJson", () => {
    for (const name of ["mlflow-v3-proto.json", "mlflow-v4-dict.json", "mlflow-v2.json", "mlflow-traces.jsonl"]) {
      assert.deepEqual(importTraceFile(text(name)), importMlflowTraceJson(text(name)), name);
    }
    const arr = importTraceFile(`[${text("mlflow-v2.json")}]`);
    assert.equal(arr.traces[0]!.spans[0]!.name, "predict");
  });

  it("reads mixed JSON Lines of OTLP and MLflow documents, prefixing messages with the line", () => {
    const badOtlp = compact("sdk-trace.json").replace(`"spanId":"${IDS.tool}"`, '"spanId":"nope"');
    const r = importTraceFile(`${compact("mlflow-v2.json")}\n${badOtlp}\n`);
    assert.deepEqual(
      r.traces.map((t) => t.spans.length),
      [2, 2],
    );
    assert.equal(r.rejected, 1);
    assert.match(r.errors[0]!, /^line 2: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: invalid spanId "nope"/);
  });

  it("throws for a document that is neither OTLP nor MLflow, or invalid JSON, naming where", () => {
    expectWireError(() => importTraceFile('{"hello": 1}'), /^not a trace file: expected an OTLP/);
    expectWireError(() => importTraceFile(`${compact("sdk-trace.json")}\n{"x": 1}\n`), /^line 2: not a trace file/);
    expectWireError(() => importTraceFile(`${compact("sdk-trace.json")}\n{"x": \n`), /^invalid JSON at line 2, position \d+/);
    expectWireError(() => importTraceFile('[{"resourceSpans": 5}]'), /^documents\[0\]: resourceSpans must be an array/);
    expectWireError(() => importTraceFile("   \n"), /the file is empty/);
  });
});

describe("importTraceFileBytes", () => {
  it("reads a binary protobuf request", () => {
    const r = importTraceFileBytes(fixture("sdk-trace.pb"));
    assert.equal(r.traces.length, 1);
    assertFixtureSpans(r.traces[0]!.spans);
  });

  it("reads UTF-8 JSON with a BOM and leading whitespace", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("\n  "), fixture("sdk-trace.json")]);
    assertFixtureSpans(importTraceFileBytes(bytes).traces[0]!.spans);
    assert.equal(importTraceFileBytes(fixture("mlflow-v2.json")).traces[0]!.spans.length, 2);
  });

  it("reports a truncated protobuf file", () => {
    expectWireError(() => importTraceFileBytes(fixture("sdk-trace.pb").subarray(0, 50)), /^invalid protobuf: index out of range/);
  });
});
