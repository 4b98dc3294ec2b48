import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { client, configure, flush, getCurrentSpan, TracingClient, withActiveSpan } from "../../../sdk/index";
import { CaptureServer, jsonAttr } from "./helpers";

const server = new CaptureServer();

before(async () => {
  await server.start();
  configure({ endpoint: server.url, flushIntervalMs: 10_000, enabled: true });
});

after(async () => {
  await flush();
  await server.close();
});

beforeEach(() => server.reset());

describe("low-level client API", () => {
  it("builds a trace with explicit ids from callback-style code, without any current span", async () => {
    const root = client.startTrace({
      name: "batch-job",
      spanType: "CHAIN",
      inputs: { items: 2 },
      attributes: { "job.kind": "nightly" },
      tags: { env: "test" },
      metadata: { "git.sha": "abc123" },
      sessionId: "s-1",
      userId: "u-1",
    });
    assert.equal(getCurrentSpan(), null);
    const { traceId } = root;

    // Two workers, each in its own callback chain, parented by id only.
    const ids = await Promise.all(
      ["a", "b"].map(
        (item) =>
          new Promise<string>((resolve) => {
            const span = client.startSpan({
              traceId,
              parentSpanId: root.spanId,
              name: `work-${item}`,
              spanType: "TOOL",
              inputs: { item },
            });
            setImmediate(() => {
              const grandchild = client.startSpan({ traceId, parentSpanId: span.spanId, name: `sub-${item}` });
              client.endSpan(traceId, grandchild.spanId, { outputs: item.toUpperCase() });
              client.endSpan(traceId, span.spanId, { outputs: { done: item }, attributes: { "work.item": item } });
              resolve(span.spanId);
            });
          }),
      ),
    );
    const failing = client.startSpan({ traceId, parentSpanId: root.spanId, name: "work-failing" });
    client.endSpan(traceId, failing.spanId, { status: { code: "ERROR", message: "worker crashed" } });
    client.endTrace(traceId, { outputs: { processed: 2 } });
    await flush();

    const spans = server.spans();
    assert.equal(spans.length, 6);
    assert.ok(spans.every((span) => span.traceId === traceId));
    const rootSpan = server.span("batch-job");
    assert.equal(rootSpan.parentSpanId, null);
    assert.equal(rootSpan.spanId, root.spanId);
    assert.deepEqual(jsonAttr(rootSpan, "mlflow.spanInputs"), { items: 2 });
    assert.deepEqual(jsonAttr(rootSpan, "mlflow.spanOutputs"), { processed: 2 });
    assert.equal(jsonAttr(rootSpan, "mlflow.spanType"), "CHAIN");
    assert.equal(rootSpan.attributes["job.kind"], "nightly");
    assert.equal(rootSpan.attributes["mlflow.traceTag.env"], "test");
    assert.equal(rootSpan.attributes["mlflow.traceMetadata.git.sha"], "abc123");
    assert.equal(rootSpan.attributes["session.id"], "s-1");
    assert.equal(rootSpan.attributes["user.id"], "u-1");

    for (const [index, item] of ["a", "b"].entries()) {
      const work = server.span(`work-${item}`);
      assert.equal(work.spanId, ids[index]);
      assert.equal(work.parentSpanId, root.spanId);
      assert.deepEqual(jsonAttr(work, "mlflow.spanOutputs"), { done: item });
      assert.equal(work.attributes["work.item"], item);
      const sub = server.span(`sub-${item}`);
      assert.equal(sub.parentSpanId, work.spanId);
      assert.equal(jsonAttr(sub, "mlflow.spanOutputs"), item.toUpperCase());
    }
    const failed = server.span("work-failing");
    assert.equal(failed.statusCode, 2);
    assert.equal(failed.statusMessage, "worker crashed");
    assert.equal(rootSpan.statusCode, 1);
  });

  it("endTrace ends spans left open; updateTrace tags the root; unknown ids are ignored", async () => {
    const other = new TracingClient();
    const root = other.startTrace({ name: "with-leftovers" });
    const open = client.startSpan({ traceId: root.traceId, parentSpanId: root.spanId, name: "left-open" });
    client.updateTrace(root.traceId, { tags: { late: "yes" } });
    assert.equal(client.getSpan(root.traceId, open.spanId), open);
    assert.doesNotThrow(() => client.endSpan(root.traceId, "ffffffffffffffff"));
    assert.doesNotThrow(() => client.endSpan("not-an-id", "nope"));
    assert.doesNotThrow(() => client.endTrace("0123"));
    client.endTrace(`tr-${root.traceId}`, { status: "ERROR" });
    assert.equal(client.getSpan(root.traceId, open.spanId), null);
    await flush();

    assert.equal(server.spans().length, 2);
    const rootSpan = server.span("with-leftovers");
    assert.equal(rootSpan.statusCode, 2);
    assert.equal(rootSpan.attributes["mlflow.traceTag.late"], "yes");
    assert.equal(server.span("left-open").parentSpanId, rootSpan.spanId);
    assert.equal(server.span("left-open").statusCode, 1);
  });

  it("client spans can parent fluent spans and continue a trace started elsewhere", async () => {
    const foreignTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const foreignParent = "00f067aa0ba902b7";
    const span = client.startSpan({ traceId: foreignTrace, parentSpanId: foreignParent, name: "continued" });
    withActiveSpan(span, () => {
      assert.equal(getCurrentSpan(), span);
    });
    client.endSpan(foreignTrace, span.spanId);
    const rootInGivenTrace = client.startSpan({ traceId: foreignTrace, parentSpanId: null, name: "given-root" });
    rootInGivenTrace.end();
    await flush();
    assert.equal(server.span("continued").traceId, foreignTrace);
    assert.equal(server.span("continued").parentSpanId, foreignParent);
    assert.equal(server.span("given-root").traceId, foreignTrace);
    assert.equal(server.span("given-root").parentSpanId, null);
  });
});
