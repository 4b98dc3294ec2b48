import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configFromEnv, DEFAULT_ENDPOINT, resolveEndpoint, resolveHeaders } from "../../../sdk/index";
import { parseKeyValueList } from "../../../sdk/tracing/config";

describe("resolveEndpoint", () => {
  it("uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as-is", () => {
    assert.equal(
      resolveEndpoint({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:9999/custom",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
        SCORELENS_OTLP_ENDPOINT: "http://ignored-too:4318",
      }),
      "http://collector:9999/custom",
    );
  });

  it("appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT exactly once", () => {
    assert.equal(resolveEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://host:4318" }), "http://host:4318/v1/traces");
    assert.equal(resolveEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://host:4318/" }), "http://host:4318/v1/traces");
    assert.equal(resolveEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://host:4318/base" }), "http://host:4318/base/v1/traces");
    assert.equal(resolveEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://host:4318/v1/traces" }), "http://host:4318/v1/traces");
    assert.equal(resolveEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://host:4318/v1/traces/" }), "http://host:4318/v1/traces");
  });

  it("falls back to SCORELENS_OTLP_ENDPOINT, then the local default; blank values do not count", () => {
    assert.equal(resolveEndpoint({ SCORELENS_OTLP_ENDPOINT: "http://127.0.0.1:5000/v1/traces" }), "http://127.0.0.1:5000/v1/traces");
    assert.equal(resolveEndpoint({ SCORELENS_OTLP_ENDPOINT: "http://127.0.0.1:5000" }), "http://127.0.0.1:5000/v1/traces");
    assert.equal(resolveEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "  ", OTEL_EXPORTER_OTLP_ENDPOINT: "" }), DEFAULT_ENDPOINT);
    assert.equal(resolveEndpoint({}), "http://127.0.0.1:4318/v1/traces");
  });
});

describe("headers and env config", () => {
  it("parses k=v lists with URL-decoding and skips malformed entries", () => {
    assert.deepEqual(parseKeyValueList("a=1, b = two ,bad,=x,auth=Bearer%20tok%3Den,c=%E0%A4%A"), {
      a: "1",
      b: "two",
      auth: "Bearer tok=en",
    });
    assert.deepEqual(
      resolveHeaders({ OTEL_EXPORTER_OTLP_HEADERS: "x-a=1,x-b=2", OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-b=3" }),
      { "x-a": "1", "x-b": "3" },
    );
  });

  it("reads disabled flag, service name, resource attributes and defaults", () => {
    assert.equal(configFromEnv({ SCORELENS_TRACING_DISABLED: "1" }).enabled, false);
    assert.equal(configFromEnv({ SCORELENS_TRACING_DISABLED: "true" }).enabled, false);
    assert.equal(configFromEnv({ SCORELENS_TRACING_DISABLED: "0" }).enabled, true);
    const config = configFromEnv({ OTEL_RESOURCE_ATTRIBUTES: "service.name=from-resource,deployment.environment=dev" });
    assert.equal(config.serviceName, "from-resource");
    assert.deepEqual(config.resourceAttributes, { "deployment.environment": "dev" });
    assert.equal(configFromEnv({ OTEL_SERVICE_NAME: "svc", OTEL_RESOURCE_ATTRIBUTES: "service.name=x" }).serviceName, "svc");
    const defaults = configFromEnv({});
    assert.equal(defaults.batchSize, 512);
    assert.equal(defaults.flushIntervalMs, 200);
    assert.equal(defaults.enabled, true);
    assert.equal(defaults.endpoint, DEFAULT_ENDPOINT);
  });
});
