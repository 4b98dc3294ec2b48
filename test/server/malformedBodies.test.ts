/**
 * A corpus of bad OTLP/HTTP requests against one running server (`scorelens serve`, default
 * 64 MiB body limit) and a second one with a small `--max-body-bytes`. Each is checked for the
 * documented status, the error body format (protobuf google.rpc.Status for protobuf requests,
 * JSON {code, message} otherwise) and a message naming what was wrong. Afterwards both servers
 * are still up, and what was stored before is intact.
 */
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { MAX_ATTR_DEPTH, TRUNCATED_VALUE } from "../../server/wire/attributes";
import { sampleOtlpJson, tmpDir } from "./lspHarness";
import {
  decodeExportResponse,
  decodeRpcStatus,
  nestedJsonAnyValue,
  nestedProtoAnyValue,
  nowNs,
  otlpJsonBody,
  otlpJsonObject,
  otlpProtoBody,
  type SpanSpec,
} from "./otlpBodies";
import { cliTrace, cliTraces, randomHex, rawRequest, runCli, startServe, stopAllServers, type HttpReply, type ServeProcess } from "./serveHarness";

const JSON_CT = "application/json";
const PROTO_CT = "application/x-protobuf";
const MiB = 1024 * 1024;
const SMALL_LIMIT = MiB;

let big: ServeProcess; // default limit (64 MiB)
let small: ServeProcess; // --max-body-bytes 1 MiB
let bigDb: string;
let smallDb: string;
/** Trace ids every accepted request stored (to check that nothing else was). */
const storedBig = new Set<string>();
const storedSmall = new Set<string>();
const SEED_JSON = "5eed0000000000000000000000000001";
const SEED_PROTO = "5eed0000000000000000000000000002";

before(async () => {
  bigDb = path.join(tmpDir(), "big.db");
  smallDb = path.join(tmpDir(), "small.db");
  [big, small] = await Promise.all([
    startServe(bigDb),
    startServe(smallDb, { args: ["--max-body-bytes", String(SMALL_LIMIT)] }),
  ]);
  for (const [s, set] of [
    [big, storedBig],
    [small, storedSmall],
  ] as const) {
    let r = await rawRequest(s.port, { headers: { "content-type": JSON_CT }, body: sampleOtlpJson(SEED_JSON) });
    assert.equal(r.status, 200);
    r = await rawRequest(s.port, { headers: { "content-type": PROTO_CT }, body: otlpProtoBody(trace(SEED_PROTO, 3)) });
    assert.equal(r.status, 200);
    set.add(SEED_JSON).add(SEED_PROTO);
  }
});
after(async () => {
  await stopAllServers();
});

/** A root and n-1 children in trace `traceId`. */
function trace(traceId: string, n: number, attributes: SpanSpec["attributes"] = {}): SpanSpec[] {
  const base = nowNs();
  const root = randomHex(8);
  return Array.from({ length: n }, (_, i) => ({
    traceId,
    spanId: i === 0 ? root : randomHex(8),
    ...(i === 0 ? {} : { parentSpanId: root }),
    name: i === 0 ? "root" : `child-${i}`,
    startNs: base + BigInt(i),
    endNs: base + 1_000_000n,
    attributes,
  }));
}

function post(s: ServeProcess, contentType: string, body: Buffer | string | (() => Iterable<Buffer>), headers: Record<string, string | number> = {}): Promise<HttpReply> {
  return rawRequest(s.port, { headers: { "content-type": contentType, ...headers }, body, timeoutMs: 60_000 });
}

/** Asserts an error reply: status, body format matching the request, gRPC code and message. */
function expectError(r: HttpReply, status: number, format: "json" | "protobuf", code: number, message: RegExp): string {
  const text = format === "json" ? r.body.toString("utf8") : `<protobuf ${r.body.length} bytes>`;
  assert.equal(r.status, status, `status (body: ${text})`);
  if (format === "protobuf") {
    assert.equal(r.headers["content-type"], PROTO_CT);
    const st = decodeRpcStatus(r.body);
    assert.equal(st.code, code, `google.rpc.Status.code (message: ${st.message})`);
    assert.match(st.message, message);
    return st.message;
  }
  assert.equal(r.headers["content-type"], JSON_CT);
  const parsed = JSON.parse(r.body.toString("utf8")) as { code: number; message: string };
  assert.deepEqual(Object.keys(parsed).sort(), ["code", "message"]);
  assert.equal(parsed.code, code);
  assert.match(parsed.message, message);
  return parsed.message;
}

describe("success responses echo the request's content type", () => {
  test("JSON → 200 application/json {}; protobuf → 200 application/x-protobuf, empty message; charset is accepted", async () => {
    const a = randomHex(16);
    let r = await post(big, JSON_CT, otlpJsonBody(trace(a, 2)));
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], JSON_CT);
    assert.deepEqual(JSON.parse(r.body.toString()), {});
    const b = randomHex(16);
    r = await post(big, PROTO_CT, otlpProtoBody(trace(b, 2)));
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], PROTO_CT);
    assert.equal(r.body.length, 0);
    assert.equal(decodeExportResponse(r.body), null);
    const c = randomHex(16);
    r = await post(big, "application/json; charset=utf-8", otlpJsonBody(trace(c, 1)));
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], JSON_CT);
    // An empty protobuf body is a valid, empty ExportTraceServiceRequest.
    r = await post(big, PROTO_CT, Buffer.alloc(0));
    assert.equal(r.status, 200);
    for (const id of [a, b, c]) storedBig.add(id);
  });
});

describe("undecodable bodies: 400 naming the problem, nothing stored", () => {
  test("truncated protobuf → 400 (protobuf Status, INVALID_ARGUMENT)", async () => {
    const id = randomHex(16);
    const full = otlpProtoBody(trace(id, 3, { note: "x".repeat(100) }));
    const r = await post(big, PROTO_CT, full.subarray(0, full.length - 40));
    expectError(r, 400, "protobuf", 3, /invalid protobuf: index out of range/);
    assert.equal((await runCli(["trace", id, "--db", bigDb])).code, 1, "nothing of the truncated request was stored");
  });

  test("other broken protobuf: bad wire type, tag 0, impossible length, nested groups → 400", async () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from([0x0f, 0x01]), /^invalid protobuf: invalid wire type 7 at offset 1/],
      [Buffer.from([0x00, 0x01]), /^invalid protobuf: illegal tag 0 at byte 1/],
      [Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), /^invalid protobuf: index out of range at byte 6 \(needs 4294967295 bytes/],
      [Buffer.alloc(100_000, 0x0b), /^invalid protobuf: groups nested too deeply/], // 100k nested start-group tags
    ];
    for (const [body, message] of cases) expectError(await post(big, PROTO_CT, body), 400, "protobuf", 3, message);
  });

  test("protobuf body sent as application/json → 400 invalid JSON", async () => {
    const r = await post(big, JSON_CT, otlpProtoBody(trace(randomHex(16), 2)));
    expectError(r, 400, "json", 3, /^invalid JSON( at position \d+)?:/);
  });

  test("JSON body sent as application/x-protobuf → 400 that says it looks like JSON", async () => {
    const r = await post(big, PROTO_CT, otlpJsonBody(trace(randomHex(16), 2)));
    expectError(r, 400, "protobuf", 3, /looks like JSON.*application\/json/);
  });

  test("invalid JSON → 400 with the position", async () => {
    const text = otlpJsonBody(trace(randomHex(16), 2)).toString();
    let r = await post(big, JSON_CT, text.slice(0, 57));
    expectError(r, 400, "json", 3, /^invalid JSON at position 57/);
    r = await post(big, JSON_CT, '{"resourceSpans": [}]}');
    expectError(r, 400, "json", 3, /^invalid JSON at position 19/);
    r = await post(big, JSON_CT, "");
    expectError(r, 400, "json", 3, /^invalid JSON/);
  });

  test("wrong top-level shape → 400 naming the field", async () => {
    const cases: Array<[string, RegExp]> = [
      ["[]", /body must be an object with "resourceSpans", got an array/],
      ['"resourceSpans"', /body must be an object with "resourceSpans", got "resourceSpans"/],
      ["null", /body must be an object with "resourceSpans"/],
      ['{"resourceSpans": {"scopeSpans": []}}', /^resourceSpans must be an array/],
      ['{"resourceSpans": [42]}', /^resourceSpans\[0\] must be an object, got 42/],
      ['{"resourceSpans": [{"scopeSpans": "x"}]}', /^resourceSpans\[0\]\.scopeSpans must be an array, got "x"/],
      ['{"resourceSpans": [{"scopeSpans": [{"spans": {}}]}]}', /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans must be an array/],
      ['{"resourceSpans": [{"resource": {"attributes": {}}}]}', /^resourceSpans\[0\]\.resource\.attributes must be an array/],
    ];
    for (const [body, message] of cases) {
      expectError(await post(big, JSON_CT, body), 400, "json", 3, message);
    }
  });

  test("corrupt or truncated gzip → 400 invalid gzip body", async () => {
    const garbage = Buffer.from("this is not gzip at all, just text pretending to be compressed");
    let r = await post(big, JSON_CT, garbage, { "content-encoding": "gzip" });
    expectError(r, 400, "json", 3, /^invalid gzip body/);
    const gz = zlib.gzipSync(otlpProtoBody(trace(randomHex(16), 5, { pad: "y".repeat(2000) })));
    r = await post(big, PROTO_CT, gz.subarray(0, Math.floor(gz.length / 2)), { "content-encoding": "gzip" });
    expectError(r, 400, "protobuf", 3, /^invalid gzip body/);
    r = await post(big, JSON_CT, Buffer.from("not deflate"), { "content-encoding": "deflate" });
    expectError(r, 400, "json", 3, /^invalid deflate body/);
  });
});

describe("spans with missing or invalid ids: 200 with partialSuccess; the other spans are stored", () => {
  test("JSON", async () => {
    const id = randomHex(16);
    const [root, child] = trace(id, 2);
    const body = otlpJsonObject([root!, child!]) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
    const spans = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    const bad = (over: Record<string, unknown>, drop?: string) => {
      const s: Record<string, unknown> = { ...spans[1]!, spanId: randomHex(8), ...over };
      if (drop) delete s[drop];
      return s;
    };
    spans.push(
      bad({ name: "no-trace-id" }, "traceId"),
      bad({ name: "bad-span-id", spanId: "xyz" }),
      bad({ name: "zero-trace-id", traceId: "0".repeat(32) }),
      bad({ name: "short-parent", parentSpanId: "abcd" }),
      bad({ name: "bad-time", startTimeUnixNano: "-5" }),
    );
    const r = await post(big, JSON_CT, JSON.stringify(body));
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.headers["content-type"], JSON_CT);
    const res = JSON.parse(r.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(res.partialSuccess.rejectedSpans, "5");
    const msg = res.partialSuccess.errorMessage;
    assert.match(msg, /spans\[2\]: missing traceId \(span "no-trace-id"\)/);
    assert.match(msg, /spans\[3\]: invalid spanId "xyz".*\(span "bad-span-id"\)/);
    assert.match(msg, /spans\[4\]: traceId is all zeros \(span "zero-trace-id"\)/);
    assert.match(msg, /spans\[5\]: invalid parentSpanId "abcd"/);
    assert.match(msg, /spans\[6\]: invalid startTimeUnixNano "-5"/);
    const t = await cliTrace(bigDb, id);
    assert.deepEqual(t.spans.map((s) => s.name).sort(), ["child-1", "root"]);
    assert.equal(t.summary.spanCount, 2);
    storedBig.add(id);
  });

  test("protobuf", async () => {
    const id = randomHex(16);
    const good = trace(id, 2);
    const bad: SpanSpec[] = [
      { ...good[1]!, spanId: randomHex(8), traceId: "abcdef01", name: "short-trace-id" },
      { ...good[1]!, spanId: "", name: "no-span-id" },
      { ...good[1]!, spanId: "0".repeat(16), name: "zero-span-id" },
    ];
    const r = await post(big, PROTO_CT, otlpProtoBody([...good, ...bad]));
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], PROTO_CT);
    const res = decodeExportResponse(r.body);
    assert.ok(res, "partial_success is set");
    assert.equal(res.rejectedSpans, 3);
    assert.match(res.errorMessage, /spans\[2\]: trace_id must be 16 bytes, got 4 \(span "short-trace-id"\)/);
    assert.match(res.errorMessage, /spans\[3\]: missing span_id \(span "no-span-id"\)/);
    assert.match(res.errorMessage, /spans\[4\]: span_id is all zeros \(span "zero-span-id"\)/);
    const t = await cliTrace(bigDb, id);
    assert.equal(t.summary.spanCount, 2);
    storedBig.add(id);
  });
});

describe("refused requests", () => {
  test("wrong content type text/plain → 415 naming the type", async () => {
    const id = randomHex(16);
    const r = await post(big, "text/plain", otlpJsonBody(trace(id, 1)));
    expectError(r, 415, "json", 3, /unsupported content type "text\/plain".*application\/x-protobuf or application\/json/);
    const r2 = await rawRequest(big.port, { body: otlpJsonBody(trace(id, 1)) }); // no content type at all
    expectError(r2, 415, "json", 3, /unsupported content type ""/);
    assert.equal((await runCli(["trace", id, "--db", bigDb])).code, 1);
  });

  test("unknown content-encoding → 415 naming the encoding", async () => {
    let r = await post(big, JSON_CT, otlpJsonBody(trace(randomHex(16), 1)), { "content-encoding": "br" });
    expectError(r, 415, "json", 3, /unsupported content encoding "br": use gzip, deflate or none/);
    r = await post(big, PROTO_CT, zlib.gzipSync(otlpProtoBody(trace(randomHex(16), 1))), { "content-encoding": "x-snappy" });
    expectError(r, 415, "protobuf", 3, /unsupported content encoding "x-snappy"/);
  });

  test("cross-site requests → 403: foreign Origin, and a non-loopback Host (DNS rebinding)", async () => {
    const id = randomHex(16);
    let r = await post(big, JSON_CT, otlpJsonBody(trace(id, 1)), { origin: "https://evil.example" });
    expectError(r, 403, "json", 7, /Origin "https:\/\/evil\.example" is not allowed/);
    r = await post(big, PROTO_CT, otlpProtoBody(trace(id, 1)), { host: "evil.example" });
    expectError(r, 403, "protobuf", 7, /Host "evil\.example" is not a loopback address/);
    r = await post(big, JSON_CT, otlpJsonBody(trace(id, 1)), { host: `evil.example:${big.port}` });
    expectError(r, 403, "json", 7, /Host "evil\.example:\d+" is not a loopback address/);
    assert.equal((await runCli(["trace", id, "--db", bigDb])).code, 1, "nothing from a refused request is stored");
    // Loopback names are fine.
    const ok = randomHex(16);
    r = await post(big, JSON_CT, otlpJsonBody(trace(ok, 1)), { host: `localhost:${big.port}` });
    assert.equal(r.status, 200);
    storedBig.add(ok);
  });

  test("GET /v1/traces → 405 with Allow: POST; unknown path → 404", async () => {
    let r = await rawRequest(big.port, { method: "GET" });
    expectError(r, 405, "json", 12, /method GET not allowed on \/v1\/traces; use POST/);
    assert.equal(r.headers.allow, "POST");
    r = await rawRequest(big.port, { method: "PUT", headers: { "content-type": PROTO_CT }, body: otlpProtoBody(trace(randomHex(16), 1)) });
    expectError(r, 405, "protobuf", 12, /method PUT not allowed/);
    const sane = randomHex(16);
    r = await post(big, JSON_CT, otlpJsonBody(trace(sane, 1)));
    assert.equal(r.status, 200, "sanity: a POST on /v1/traces works");
    storedBig.add(sane);
    r = await rawRequest(big.port, { path: "/v1/metrics", headers: { "content-type": JSON_CT }, body: "{}" });
    expectError(r, 404, "json", 5, /not found: \/v1\/metrics \(send traces to POST \/v1\/traces\)/);
    r = await rawRequest(big.port, { path: "/v1/traces/extra", headers: { "content-type": PROTO_CT }, body: Buffer.alloc(0) });
    expectError(r, 404, "protobuf", 5, /not found: \/v1\/traces\/extra/);
  });
});

/** `count` chunks of `chunk` bytes, the same buffer each time (nothing big is allocated). */
function chunks(count: number, chunk: Buffer): () => Iterable<Buffer> {
  return function* () {
    for (let i = 0; i < count; i++) yield chunk;
  };
}

describe("body size limits", () => {
  test("a ~100 MB streamed body (chunked, no content-length) → 413 on the default 64 MiB limit", async () => {
    const started = Date.now();
    const r = await post(big, PROTO_CT, chunks(100, Buffer.alloc(MiB, 0x0a)));
    expectError(r, 413, "protobuf", 8, new RegExp(`request body is larger than the limit of ${64 * MiB} bytes`));
    assert.ok(Date.now() - started < 30_000);
  });

  test("a declared content-length above the limit → 413 at once, without reading the body", async () => {
    const r = await post(big, JSON_CT, chunks(100, Buffer.alloc(MiB, 0x20)), { "content-length": 100 * MiB });
    expectError(r, 413, "json", 8, /request body is larger than the limit of 67108864 bytes/);
  });

  test("abandoned uploads (client disconnects mid-body, 270 MiB in all) do not wedge the receiver", async () => {
    const chunk = Buffer.alloc(MiB, 0x0a);
    for (let i = 0; i < 18; i++) {
      await new Promise<void>((resolve) => {
        const req = http.request({
          host: "127.0.0.1",
          port: big.port,
          method: "POST",
          path: "/v1/traces",
          headers: { "content-type": PROTO_CT },
          agent: false,
        });
        const timer = setTimeout(() => req.destroy(), 10_000);
        req.on("error", () => undefined);
        req.on("close", () => {
          clearTimeout(timer);
          resolve();
        });
        let sent = 0;
        const pump = () => {
          while (sent < 15) {
            sent++;
            if (!req.write(chunk)) {
              req.once("drain", pump);
              return;
            }
          }
          setTimeout(() => req.destroy(), 20);
        };
        pump();
      });
    }
    // Over 256 MiB (the receiver's in-flight byte budget) was abandoned: none of it may still count.
    const id = randomHex(16);
    let r: HttpReply | null = null;
    for (let i = 0; i < 20; i++) {
      r = await post(big, JSON_CT, otlpJsonBody(trace(id, 1)));
      if (r.status !== 503) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(r?.status, 200, r?.body.toString());
    storedBig.add(id);
    const h = await rawRequest(big.port, { method: "GET", path: "/health" });
    assert.equal(h.status, 200);
  });

  test("--max-body-bytes: just under the limit is accepted, just over is 413", async () => {
    const under = randomHex(16);
    const pad = "p".repeat(SMALL_LIMIT - 4096);
    const okBody = otlpJsonBody(trace(under, 1, { pad }));
    assert.ok(okBody.length < SMALL_LIMIT);
    let r = await post(small, JSON_CT, okBody);
    assert.equal(r.status, 200, r.body.toString());
    storedSmall.add(under);
    const overBody = otlpJsonBody(trace(randomHex(16), 1, { pad: "p".repeat(SMALL_LIMIT) }));
    r = await post(small, JSON_CT, overBody);
    expectError(r, 413, "json", 8, new RegExp(`larger than the limit of ${SMALL_LIMIT} bytes`));
    r = await post(small, PROTO_CT, chunks(3, Buffer.alloc(MiB)));
    expectError(r, 413, "protobuf", 8, new RegExp(`larger than the limit of ${SMALL_LIMIT} bytes`));
  });

  test("gzip bombs that decompress past the limit → 413", async () => {
    // 64 MiB of zeros gzips to ~64 KB: small on the wire, over the 1 MiB limit once inflated.
    const gz = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on("data", (c: Buffer) => parts.push(c));
    const zeros = Buffer.alloc(MiB);
    for (let i = 0; i < 80; i++) gz.write(zeros);
    await new Promise<void>((resolve) => gz.end(resolve));
    const bomb = Buffer.concat(parts); // 80 MiB inflated: also over the default 64 MiB limit
    assert.ok(bomb.length < 200 * 1024, `${bomb.length} bytes compressed`);
    let r = await post(small, PROTO_CT, bomb, { "content-encoding": "gzip" });
    expectError(r, 413, "protobuf", 8, new RegExp(`decompressed body is larger than the limit of ${SMALL_LIMIT} bytes`));
    r = await post(big, JSON_CT, bomb, { "content-encoding": "gzip" });
    expectError(r, 413, "json", 8, new RegExp(`decompressed body is larger than the limit of ${64 * MiB} bytes`));
    const deflateBomb = zlib.deflateSync(Buffer.alloc(2 * MiB, 0x20));
    r = await post(small, JSON_CT, deflateBomb, { "content-encoding": "deflate" });
    expectError(r, 413, "json", 8, /decompressed body is larger than the limit/);
  });
});

/** Walks `{k: {k: …}}` / `[[…]]` down to the first non-container; returns [depth, value]. */
function descend(v: unknown): [number, unknown] {
  let depth = 0;
  let cur = v;
  for (let i = 0; i < 100_000; i++) {
    if (Array.isArray(cur) && cur.length === 1) cur = cur[0];
    else if (typeof cur === "object" && cur !== null && !Array.isArray(cur) && "k" in cur) cur = (cur as Record<string, unknown>).k;
    else return [depth, cur];
    depth++;
  }
  return [depth, cur];
}

describe("deeply nested attribute values", () => {
  test("10,000-level kvlist/array in JSON and protobuf: stored, truncated at the depth limit", async () => {
    const id = randomHex(16);
    const jsonSpans = trace(id, 1, {
      "deep.kv": { rawJson: nestedJsonAnyValue(10_000, "kvlist") },
      "deep.arr": { rawJson: nestedJsonAnyValue(10_000, "array") },
      shallow: { rawJson: nestedJsonAnyValue(3, "kvlist") },
    });
    let r = await post(big, JSON_CT, otlpJsonBody(jsonSpans));
    assert.equal(r.status, 200, r.body.toString().slice(0, 300));
    const protoSpan = {
      ...trace(id, 1)[0]!,
      spanId: randomHex(8),
      parentSpanId: jsonSpans[0]!.spanId,
      name: "proto-child",
      attributes: {
        "deep.kv": { rawProto: nestedProtoAnyValue(10_000, "kvlist") },
        "deep.arr": { rawProto: nestedProtoAnyValue(10_000, "array") },
      },
    } satisfies SpanSpec;
    r = await post(big, PROTO_CT, otlpProtoBody([protoSpan]));
    assert.equal(r.status, 200);
    storedBig.add(id);

    const t = await cliTrace(bigDb, id);
    assert.equal(t.spans.length, 2);
    for (const s of t.spans) {
      for (const key of ["deep.kv", "deep.arr"]) {
        assert.deepEqual(descend(s.attributes[key]), [MAX_ATTR_DEPTH, TRUNCATED_VALUE], `${s.name} ${key}`);
      }
    }
    const root = t.spans.find((s) => s.name === "root");
    assert.deepEqual(root?.attributes.shallow, { k: { k: { k: "bottom" } } }, "shallow nesting is kept whole");
  });

  test("1,000,000-level nesting inside an attribute value (JSON and protobuf): answered, server stays up", async (tc) => {
    const id = randomHex(16);
    const [root] = trace(id, 1, { huge: { rawJson: nestedJsonAnyValue(1_000_000, "array") } });
    let r = await post(big, JSON_CT, otlpJsonBody([root!]));
    tc.diagnostic(`JSON: ${r.status} ${r.body.toString().slice(0, 200)}`);
    assert.ok(r.status === 200 || r.status === 400, `status ${r.status}: ${r.body.toString().slice(0, 200)}`);
    const child: SpanSpec = {
      ...root!,
      spanId: randomHex(8),
      parentSpanId: root!.spanId,
      name: "proto-huge",
      attributes: { huge: { rawProto: nestedProtoAnyValue(1_000_000, "kvlist") } },
    };
    r = await post(big, PROTO_CT, otlpProtoBody([child]));
    tc.diagnostic(`protobuf: ${r.status} (${r.body.length} bytes)`);
    assert.ok(r.status === 200 || r.status === 400, `status ${r.status}`);
    if (r.status === 200) {
      storedBig.add(id);
      const t = await cliTrace(bigDb, id);
      for (const s of t.spans) assert.deepEqual(descend(s.attributes.huge), [MAX_ATTR_DEPTH, TRUNCATED_VALUE], s.name);
    }
    const h = await rawRequest(big.port, { method: "GET", path: "/health" });
    assert.equal(h.status, 200);
  });

  test(
    "deep nesting where the envelope expects an object or an id → 400 naming the field (not 500)",
    async () => {
      const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
      let r = await post(big, JSON_CT, `{"resourceSpans":[${deep(5000)}]}`);
      expectError(r, 400, "json", 3, /^resourceSpans\[0\] must be an object/);
      r = await post(
        big,
        JSON_CT,
        `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":${deep(5000)},"spanId":"1111111111111111"}]}]}]}`,
      );
      assert.equal(r.status, 200, r.body.toString().slice(0, 300));
      const res = JSON.parse(r.body.toString()) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
      assert.equal(res.partialSuccess?.rejectedSpans, "1");
      assert.match(res.partialSuccess?.errorMessage ?? "", /invalid traceId/);
    },
  );
});

describe("after all of the above", () => {
  test("both servers are still up, serve new requests, and stored exactly what they accepted", async () => {
    for (const s of [big, small]) {
      assert.equal(s.proc.exitCode, null, `server exited:\n${s.stderr()}`);
      assert.equal(s.proc.signalCode, null);
      const h = await rawRequest(s.port, { method: "GET", path: "/health" });
      assert.equal(h.status, 200);
      assert.equal((JSON.parse(h.body.toString()) as { pid: number }).pid, s.pid);
    }
    for (const [s, db, ids] of [
      [big, bigDb, storedBig],
      [small, smallDb, storedSmall],
    ] as const) {
      const seed = await cliTrace(db, SEED_JSON);
      assert.equal(seed.summary.name, "agent");
      assert.equal(seed.summary.spanCount, 2);
      assert.equal(seed.summary.totalTokens, 15);
      assert.deepEqual(seed.spans.map((x) => [x.name, x.spanType]), [["agent", "AGENT"], ["llm", "LLM"]]);
      const seedProto = await cliTrace(db, SEED_PROTO);
      assert.equal(seedProto.summary.spanCount, 3);
      const fresh = randomHex(16);
      const r = await post(s, PROTO_CT, otlpProtoBody(trace(fresh, 2)));
      assert.equal(r.status, 200);
      ids.add(fresh);
      const listed = new Set((await cliTraces(db, 1000)).map((t) => t.traceId));
      // Exactly what was accepted: nothing from a refused or undecodable request.
      assert.deepEqual([...listed].sort(), [...ids].sort());
    }
  });
});
