/**
 * Hand-built OTLP/HTTP request bodies (JSON and protobuf) for server tests, and independent
 * decoders for the protobuf response bodies (ExportTraceServiceResponse, google.rpc.Status),
 * written against the opentelemetry-proto / googleapis field numbers with protobufjs' Reader and
 * Writer (not with the server's own schema).
 */
import { Reader, Writer } from "protobufjs/light";

/**
 * An attribute value. `{ rawJson }` is an OTLP/JSON AnyValue inserted verbatim into JSON bodies;
 * `{ rawProto }` is an encoded AnyValue message inserted verbatim into protobuf bodies.
 */
export type AttrSpec = string | number | boolean | string[] | { rawJson: string } | { rawProto: Uint8Array };

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** Nanoseconds since the epoch. */
  startNs: bigint;
  endNs: bigint;
  kind?: number;
  /** 0 unset, 1 ok, 2 error. */
  status?: 0 | 1 | 2;
  attributes?: Record<string, AttrSpec>;
}

export const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

const RAW_MARK = "\u0000raw:";

function jsonAnyValue(v: AttrSpec, raws: string[]): unknown {
  if (typeof v === "object" && "rawJson" in v) {
    raws.push(v.rawJson);
    return `${RAW_MARK}${raws.length - 1}`;
  }
  if (typeof v === "object" && "rawProto" in v) throw new Error("rawProto values only go into protobuf bodies");
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => ({ stringValue: x })) } };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

/** An OTLP/JSON ExportTraceServiceRequest object (hex ids, string int64s, lowerCamelCase). */
export function otlpJsonObject(spans: SpanSpec[], service = "fault-test", raws: string[] = []): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: "scorelens-tests", version: "1.0.0" },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind ?? 1,
              startTimeUnixNano: s.startNs.toString(),
              endTimeUnixNano: s.endNs.toString(),
              attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: jsonAnyValue(v, raws) })),
              status: { code: s.status ?? 0 },
            })),
          },
        ],
      },
    ],
  };
}

export function otlpJsonBody(spans: SpanSpec[], service?: string): Buffer {
  const raws: string[] = [];
  let text = JSON.stringify(otlpJsonObject(spans, service, raws));
  raws.forEach((raw, i) => {
    text = text.replace(JSON.stringify(`${RAW_MARK}${i}`), () => raw);
  });
  return Buffer.from(text, "utf8");
}

// ---- protobuf encoding (opentelemetry-proto field numbers) ----

function fork(w: Writer, field: number, body: (w: Writer) => void): void {
  w.uint32((field << 3) | 2).fork();
  body(w);
  w.ldelim();
}

function writeFixed64(w: Writer, field: number, v: bigint): void {
  w.uint32((field << 3) | 1).fixed32(Number(v & 0xffffffffn)).fixed32(Number(v >> 32n));
}

function writeAnyValue(w: Writer, v: AttrSpec): void {
  if (typeof v === "object" && "rawJson" in v) throw new Error("rawJson values only go into JSON bodies");
  if (typeof v === "object" && "rawProto" in v) {
    w.raw(v.rawProto);
  } else if (Array.isArray(v)) {
    fork(w, 5, (a) => {
      for (const x of v) fork(a, 1, (av) => av.uint32((1 << 3) | 2).string(x));
    });
  } else if (typeof v === "string") w.uint32((1 << 3) | 2).string(v);
  else if (typeof v === "boolean") w.uint32((2 << 3) | 0).bool(v);
  else if (Number.isInteger(v)) w.uint32((3 << 3) | 0).int64(v);
  else w.uint32((4 << 3) | 1).double(v);
}

function writeKeyValue(w: Writer, field: number, key: string, v: AttrSpec): void {
  fork(w, field, (kv) => {
    kv.uint32((1 << 3) | 2).string(key);
    if (typeof v === "object" && "rawProto" in v) kv.uint32((2 << 3) | 2).bytes(v.rawProto);
    else fork(kv, 2, (av) => writeAnyValue(av, v));
  });
}

/** An OTLP ExportTraceServiceRequest protobuf. */
export function otlpProtoBody(spans: SpanSpec[], service = "fault-test"): Buffer {
  const w = Writer.create();
  fork(w, 1, (rs) => {
    fork(rs, 1, (res) => writeKeyValue(res, 1, "service.name", service));
    fork(rs, 2, (ss) => {
      fork(ss, 1, (sc) => {
        sc.uint32((1 << 3) | 2).string("scorelens-tests");
        sc.uint32((2 << 3) | 2).string("1.0.0");
      });
      for (const s of spans) {
        fork(ss, 2, (sp) => {
          sp.uint32((1 << 3) | 2).bytes(Buffer.from(s.traceId, "hex"));
          sp.uint32((2 << 3) | 2).bytes(Buffer.from(s.spanId, "hex"));
          if (s.parentSpanId) sp.uint32((4 << 3) | 2).bytes(Buffer.from(s.parentSpanId, "hex"));
          sp.uint32((5 << 3) | 2).string(s.name);
          sp.uint32((6 << 3) | 0).int32(s.kind ?? 1);
          writeFixed64(sp, 7, s.startNs);
          writeFixed64(sp, 8, s.endNs);
          for (const [k, v] of Object.entries(s.attributes ?? {})) writeKeyValue(sp, 9, k, v);
          if (s.status) fork(sp, 15, (st) => st.uint32((3 << 3) | 0).int32(s.status ?? 0));
        });
      }
    });
  });
  return Buffer.from(w.finish());
}

// ---- protobuf response decoding ----

function readMessage(buf: Uint8Array, onField: (r: Reader, field: number, wireType: number) => boolean): void {
  const r = Reader.create(buf);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (!onField(r, tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
}

/** google.rpc.Status: code = 1 (int32), message = 2 (string). */
export function decodeRpcStatus(buf: Uint8Array): { code: number; message: string } {
  let code = 0;
  let message = "";
  readMessage(buf, (r, field, wt) => {
    if (field === 1 && wt === 0) code = r.int32();
    else if (field === 2 && wt === 2) message = r.string();
    else return false;
    return true;
  });
  return { code, message };
}

/** ExportTraceServiceResponse { partial_success = 1 { rejected_spans = 1 (int64), error_message = 2 } }. */
export function decodeExportResponse(buf: Uint8Array): { rejectedSpans: number; errorMessage: string } | null {
  let partial: { rejectedSpans: number; errorMessage: string } | null = null;
  readMessage(buf, (r, field, wt) => {
    if (field !== 1 || wt !== 2) return false;
    const p = { rejectedSpans: 0, errorMessage: "" };
    readMessage(r.bytes(), (r2, f2, wt2) => {
      if (f2 === 1 && wt2 === 0) p.rejectedSpans = Number(r2.int64().toString());
      else if (f2 === 2 && wt2 === 2) p.errorMessage = r2.string();
      else return false;
      return true;
    });
    partial = p;
    return true;
  });
  return partial;
}

// ---- deeply nested AnyValues (built iteratively: no recursion in the test either) ----

/** An OTLP/JSON AnyValue nested `depth` levels deep (kvlist `{"k": …}` or single-element arrays) around "bottom". */
export function nestedJsonAnyValue(depth: number, kind: "kvlist" | "array"): string {
  const [open, close] =
    kind === "kvlist" ? ['{"kvlistValue":{"values":[{"key":"k","value":', "}]}}"] : ['{"arrayValue":{"values":[', "]}}"];
  return open.repeat(depth) + '{"stringValue":"bottom"}' + close.repeat(depth);
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function putVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** The protobuf AnyValue message nested `depth` levels deep, like {@link nestedJsonAnyValue}. */
export function nestedProtoAnyValue(depth: number, kind: "kvlist" | "array"): Uint8Array {
  const bottom = Buffer.concat([Buffer.from([0x0a, 6]), Buffer.from("bottom")]);
  // sizes[i]: byte size of the AnyValue at nesting level i (0 = bottom); inner[i]: its container sizes.
  const sizes: number[] = [bottom.length];
  const inner: number[][] = [[]];
  for (let i = 1; i <= depth; i++) {
    const c = sizes[i - 1]!;
    if (kind === "array") {
      const a = 1 + varintLength(c) + c; // ArrayValue { values(1) = child }
      sizes.push(1 + varintLength(a) + a); // AnyValue { array_value(5) = … }
      inner.push([a]);
    } else {
      const k = 3 + 1 + varintLength(c) + c; // KeyValue { key(1) = "k", value(2) = child }
      const l = 1 + varintLength(k) + k; // KeyValueList { values(1) = … }
      sizes.push(1 + varintLength(l) + l); // AnyValue { kvlist_value(6) = … }
      inner.push([l, k]);
    }
  }
  const out = new Uint8Array(sizes[depth]!);
  let pos = 0;
  for (let i = depth; i >= 1; i--) {
    const c = sizes[i - 1]!;
    if (kind === "array") {
      out[pos++] = 0x2a;
      pos = putVarint(out, pos, inner[i]![0]!);
      out[pos++] = 0x0a;
      pos = putVarint(out, pos, c);
    } else {
      out[pos++] = 0x32;
      pos = putVarint(out, pos, inner[i]![0]!);
      out[pos++] = 0x0a;
      pos = putVarint(out, pos, inner[i]![1]!);
      out[pos++] = 0x0a;
      out[pos++] = 1;
      out[pos++] = 0x6b; // "k"
      out[pos++] = 0x12;
      pos = putVarint(out, pos, c);
    }
  }
  out.set(bottom, pos);
  if (pos + bottom.length !== out.length) throw new Error("nestedProtoAnyValue: size mismatch");
  return out;
}
