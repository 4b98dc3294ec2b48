/**
 * Test helper: the expected decode of the captured fixtures (test/fixtures/wire/sdk-trace.*),
 * and small protobuf byte builders for hand-made edge cases.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { RawSpan } from "../../../../protocol/model";
import { SAMPLE } from "./otelCapture";

export const FIXTURES = path.join(__dirname, "..", "..", "..", "fixtures", "wire");

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export const IDS = {
  trace: "7f3a0000000000000000000000000001",
  root: "5b00000000000001",
  llm: "5b00000000000002",
  tool: "5b00000000000003",
} as const;

/** Checks the 3 spans of the fixed sample trace (any order), as decoded from OTLP. */
export function assertFixtureSpans(spans: readonly RawSpan[]): void {
  assert.equal(spans.length, 3);
  const byName = new Map(spans.map((s) => [s.name, s]));
  const root = byName.get(SAMPLE.rootName);
  const llm = byName.get(SAMPLE.childName);
  const tool = byName.get(SAMPLE.toolName);
  assert.ok(root && llm && tool, "all three spans present");
  for (const s of spans) {
    assert.equal(s.traceId, IDS.trace);
    assert.deepEqual(s.resource, { "service.name": SAMPLE.serviceName, "deployment.environment": "test" });
    assert.deepEqual(s.scope, { name: SAMPLE.scopeName, version: SAMPLE.scopeVersion });
  }
  assert.deepEqual(
    { id: root.spanId, parent: root.parentSpanId, kind: root.kind, status: root.statusCode },
    { id: IDS.root, parent: null, kind: 2, status: "OK" },
  );
  assert.equal(root.startTimeUnixNano, "1750000000000000000");
  assert.equal(root.endTimeUnixNano, "1750000000100000000");
  assert.deepEqual(root.attributes, { "session.id": "s-1", "input.value": "What is 2+2?" });

  assert.equal(llm.spanId, IDS.llm);
  assert.equal(llm.parentSpanId, IDS.root);
  assert.equal(llm.kind, 3);
  assert.equal(llm.statusCode, "OK");
  assert.equal(llm.startTimeUnixNano, "1750000000010000000");
  assert.equal(llm.endTimeUnixNano, "1750000000060000000");
  assert.deepEqual(llm.attributes, {
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.usage.input_tokens": 12,
    "gen_ai.usage.output_tokens": -3,
    "llm.temperature": 0.25,
    ok: true,
    tags: ["a", "b"],
    "int.list": [1, 2, 3],
    nested: { role: "user", n: 7, deep: { x: [true, false] } },
    raw: { $bytes: "AAEC+v8=" },
  });
  assert.deepEqual(llm.events, [
    {
      name: "gen_ai.content.prompt",
      timeUnixNano: "1750000000020000000",
      attributes: { "gen_ai.prompt": "What is 2+2?", index: 0 },
    },
  ]);
  assert.deepEqual(llm.links, []);

  assert.equal(tool.spanId, IDS.tool);
  assert.equal(tool.parentSpanId, IDS.root);
  assert.equal(tool.kind, 1);
  assert.equal(tool.statusCode, "ERROR");
  assert.equal(tool.statusMessage, "search backend down");
  assert.deepEqual(tool.events, [
    {
      name: "exception",
      timeUnixNano: "1750000000070000000",
      attributes: {
        "exception.type": "Error",
        "exception.message": "search backend down",
        "exception.stacktrace": "Error: search backend down\n    at search (tool.ts:1:1)",
      },
    },
  ]);
  assert.deepEqual(tool.links, [{ traceId: IDS.trace, spanId: IDS.llm, attributes: { "link.kind": "follows" } }]);
}

// --- protobuf bytes, by hand ------------------------------------------------------------------

export function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** A length-delimited field. */
export function ld(field: number, payload: Uint8Array | number[] | string): Uint8Array {
  const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : Uint8Array.from(payload);
  return Uint8Array.from([...varint((field << 3) | 2), ...varint(bytes.length), ...bytes]);
}

/** A varint field. */
export function vf(field: number, value: number | bigint): Uint8Array {
  return Uint8Array.from([...varint(field << 3), ...varint(value)]);
}

/** A fixed64 field. */
export function f64(field: number, value: bigint): Uint8Array {
  const b = new Uint8Array(9);
  b[0] = (field << 3) | 1;
  new DataView(b.buffer).setBigUint64(1, BigInt.asUintN(64, value), true);
  return b;
}

/** A double field. */
export function dbl(field: number, value: number): Uint8Array {
  const b = new Uint8Array(9);
  b[0] = (field << 3) | 1;
  new DataView(b.buffer).setFloat64(1, value, true);
  return b;
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function hex(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, "hex"));
}

/** An OTLP KeyValue with the given (already encoded) AnyValue. */
export function kv(key: string, anyValue: Uint8Array): Uint8Array {
  return cat(ld(1, key), ld(2, anyValue));
}

/** A span message (fields in spec order) — pass extra encoded fields to append. */
export function spanBytes(o: {
  traceId?: string;
  spanId?: string;
  parent?: string;
  name?: string;
  start?: bigint;
  end?: bigint;
  extra?: Uint8Array[];
}): Uint8Array {
  const parts: Uint8Array[] = [];
  if (o.traceId !== undefined) parts.push(ld(1, hex(o.traceId)));
  if (o.spanId !== undefined) parts.push(ld(2, hex(o.spanId)));
  if (o.parent !== undefined) parts.push(ld(4, hex(o.parent)));
  if (o.name !== undefined) parts.push(ld(5, o.name));
  parts.push(f64(7, o.start ?? 1n), f64(8, o.end ?? 2n));
  parts.push(...(o.extra ?? []));
  return cat(...parts);
}

/** An ExportTraceServiceRequest with one resource and one scope holding `spans`. */
export function requestBytes(spans: Uint8Array[], resourceAttrs: Uint8Array[] = []): Uint8Array {
  const resource = ld(1, cat(...resourceAttrs.map((a) => ld(1, a))));
  const scope = ld(1, cat(ld(1, "scope"), ld(2, "9")));
  const scopeSpans = ld(2, cat(scope, ...spans.map((s) => ld(2, s))));
  return ld(1, cat(resource, scopeSpans));
}
