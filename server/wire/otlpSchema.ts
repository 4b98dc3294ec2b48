/**
 * The OTLP trace protobuf schema (opentelemetry-proto: common/v1, resource/v1, trace/v1 and
 * collector/trace/v1) as a protobufjs JSON descriptor, written from the wire format's field
 * names and numbers. Only the trace signal is described, plus google.rpc.Status for error bodies.
 *
 * The hot decode path (otlpProtobuf.ts) walks the wire format by hand for speed and for
 * bounded nesting; this schema is used to encode responses and, in tests, as an independent
 * reference decoder. Field numbers in both places are checked against each other by a test.
 */
import { Root } from "protobufjs/light";
import type { INamespace, Type } from "protobufjs/light";

const F = (type: string, id: number, rule?: "repeated") => (rule ? { type, id, rule } : { type, id });

const common = {
  nested: {
    AnyValue: {
      oneofs: {
        value: {
          oneof: [
            "stringValue",
            "boolValue",
            "intValue",
            "doubleValue",
            "arrayValue",
            "kvlistValue",
            "bytesValue",
          ],
        },
      },
      fields: {
        stringValue: F("string", 1),
        boolValue: F("bool", 2),
        intValue: F("int64", 3),
        doubleValue: F("double", 4),
        arrayValue: F("ArrayValue", 5),
        kvlistValue: F("KeyValueList", 6),
        bytesValue: F("bytes", 7),
      },
    },
    ArrayValue: { fields: { values: F("AnyValue", 1, "repeated") } },
    KeyValueList: { fields: { values: F("KeyValue", 1, "repeated") } },
    KeyValue: { fields: { key: F("string", 1), value: F("AnyValue", 2) } },
    InstrumentationScope: {
      fields: {
        name: F("string", 1),
        version: F("string", 2),
        attributes: F("KeyValue", 3, "repeated"),
        droppedAttributesCount: F("uint32", 4),
      },
    },
  },
};

const resource = {
  nested: {
    Resource: {
      fields: {
        attributes: F("opentelemetry.proto.common.v1.KeyValue", 1, "repeated"),
        droppedAttributesCount: F("uint32", 2),
      },
    },
  },
};

const KV = "opentelemetry.proto.common.v1.KeyValue";

const trace = {
  nested: {
    TracesData: { fields: { resourceSpans: F("ResourceSpans", 1, "repeated") } },
    ResourceSpans: {
      fields: {
        resource: F("opentelemetry.proto.resource.v1.Resource", 1),
        scopeSpans: F("ScopeSpans", 2, "repeated"),
        schemaUrl: F("string", 3),
      },
    },
    ScopeSpans: {
      fields: {
        scope: F("opentelemetry.proto.common.v1.InstrumentationScope", 1),
        spans: F("Span", 2, "repeated"),
        schemaUrl: F("string", 3),
      },
    },
    Span: {
      fields: {
        traceId: F("bytes", 1),
        spanId: F("bytes", 2),
        traceState: F("string", 3),
        parentSpanId: F("bytes", 4),
        flags: F("fixed32", 16),
        name: F("string", 5),
        kind: F("SpanKind", 6),
        startTimeUnixNano: F("fixed64", 7),
        endTimeUnixNano: F("fixed64", 8),
        attributes: F(KV, 9, "repeated"),
        droppedAttributesCount: F("uint32", 10),
        events: F("Event", 11, "repeated"),
        droppedEventsCount: F("uint32", 12),
        links: F("Link", 13, "repeated"),
        droppedLinksCount: F("uint32", 14),
        status: F("Status", 15),
      },
      nested: {
        SpanKind: {
          values: {
            SPAN_KIND_UNSPECIFIED: 0,
            SPAN_KIND_INTERNAL: 1,
            SPAN_KIND_SERVER: 2,
            SPAN_KIND_CLIENT: 3,
            SPAN_KIND_PRODUCER: 4,
            SPAN_KIND_CONSUMER: 5,
          },
        },
        Event: {
          fields: {
            timeUnixNano: F("fixed64", 1),
            name: F("string", 2),
            attributes: F(KV, 3, "repeated"),
            droppedAttributesCount: F("uint32", 4),
          },
        },
        Link: {
          fields: {
            traceId: F("bytes", 1),
            spanId: F("bytes", 2),
            traceState: F("string", 3),
            attributes: F(KV, 4, "repeated"),
            droppedAttributesCount: F("uint32", 5),
            flags: F("fixed32", 6),
          },
        },
      },
    },
    Status: {
      fields: {
        message: F("string", 2),
        code: F("StatusCode", 3),
      },
      nested: {
        StatusCode: { values: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } },
      },
    },
  },
};

const collector = {
  nested: {
    ExportTraceServiceRequest: {
      fields: { resourceSpans: F("opentelemetry.proto.trace.v1.ResourceSpans", 1, "repeated") },
    },
    ExportTraceServiceResponse: { fields: { partialSuccess: F("ExportTracePartialSuccess", 1) } },
    ExportTracePartialSuccess: {
      fields: { rejectedSpans: F("int64", 1), errorMessage: F("string", 2) },
    },
  },
};

/**
 * google.rpc.Status (code=1 int32, message=2, details=3 repeated google.protobuf.Any), the body
 * OTLP/HTTP servers send with 4xx/5xx responses.
 */
const google = {
  nested: {
    rpc: {
      nested: {
        Status: {
          fields: {
            code: F("int32", 1),
            message: F("string", 2),
            details: F("google.protobuf.Any", 3, "repeated"),
          },
        },
      },
    },
    protobuf: {
      nested: {
        Any: { fields: { type_url: F("string", 1), value: F("bytes", 2) } },
      },
    },
  },
};

/** The descriptor, exported for inspection and tests. */
export const OTLP_TRACE_DESCRIPTOR: INamespace = {
  nested: {
    google,
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: { nested: { v1: common } },
            resource: { nested: { v1: resource } },
            trace: { nested: { v1: trace } },
            collector: { nested: { trace: { nested: { v1: collector } } } },
          },
        },
      },
    },
  },
};

export const OTLP_TYPE_NAMES = {
  exportRequest: "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest",
  exportResponse: "opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse",
  tracesData: "opentelemetry.proto.trace.v1.TracesData",
  span: "opentelemetry.proto.trace.v1.Span",
  anyValue: "opentelemetry.proto.common.v1.AnyValue",
  rpcStatus: "google.rpc.Status",
} as const;

let root: Root | undefined;

/** The schema root, built once on first use. */
export function otlpRoot(): Root {
  if (!root) {
    root = Root.fromJSON(OTLP_TRACE_DESCRIPTOR);
    root.resolveAll();
  }
  return root;
}

/** A message type by its fully qualified name, e.g. {@link OTLP_TYPE_NAMES}.exportRequest. */
export function otlpType(fullName: string): Type {
  return otlpRoot().lookupType(fullName);
}
