import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  configure,
  flush,
  getCurrentSpan,
  getCurrentTraceId,
  startSpan,
  trace,
  updateCurrentTrace,
  withActiveSpan,
  withSpan,
} from "../../../sdk/index";
import { CaptureServer, jsonAttr, sleep } from "./helpers";

const server = new CaptureServer();

before(async () => {
  await server.start();
  configure({ endpoint: server.url, serviceName: "fluent-test", flushIntervalMs: 10_000, enabled: true });
});

after(async () => {
  await flush();
  await server.close();
});

beforeEach(() => server.reset());

describe("trace() wrapper", () => {
  it("records a sync function: inputs by parameter name, outputs, timing, type, function name", async () => {
    const add = trace(function add(a: number, b: number) {
      return a + b;
    }, { spanType: "TOOL" });
    assert.equal(add(2, 3), 5);
    await flush();

    const span = server.span("add");
    assert.deepEqual(jsonAttr(span, "mlflow.spanInputs"), { a: 2, b: 3 });
    assert.equal(jsonAttr(span, "mlflow.spanOutputs"), 5);
    assert.equal(span.attributes["mlflow.spanType"], '"TOOL"');
    assert.equal(span.attributes["mlflow.spanFunctionName"], '"add"');
    assert.equal(span.attributes["code.function.name"], "add");
    assert.match(String(span.attributes["code.file.path"]), /fluent\.test\.ts$/);
    assert.equal(typeof span.attributes["code.line.number"], "number");
    assert.equal(span.attributes["mlflow.traceRequestId"], JSON.stringify(`tr-${span.traceId}`));
    assert.equal(span.parentSpanId, null);
    assert.equal(span.statusCode, 1);
    assert.ok(span.endNs >= span.startNs);
  });

  it("records an async function with its resolved value and real duration", async () => {
    const slow = trace(async (question: string) => {
      await sleep(20);
      return { answer: question.toUpperCase() };
    }, { name: "slow", spanType: "LLM" });
    assert.deepEqual(await slow("hi"), { answer: "HI" });
    await flush();

    const span = server.span("slow");
    assert.deepEqual(jsonAttr(span, "mlflow.spanInputs"), { question: "hi" });
    assert.deepEqual(jsonAttr(span, "mlflow.spanOutputs"), { answer: "HI" });
    assert.equal(jsonAttr(span, "mlflow.spanType"), "LLM");
    assert.ok(span.endNs - span.startNs >= 15_000_000n, `duration ${span.endNs - span.startNs} ns`);
  });

  it("uses a single object argument as-is, {args} when parameters are not simple, rest parameters by name", async () => {
    const single = trace(function single(options: { q: string; k: number }) {
      return options.k;
    });
    const destructured = trace(function destructured({ q }: { q: string }, n: number) {
      return q.repeat(n);
    });
    const rest = trace(function rest(first: string, ...others: number[]) {
      return first + others.length;
    });
    const none = trace(function none() {
      return null;
    });
    single({ q: "x", k: 3 });
    destructured({ q: "ab" }, 2);
    rest("a", 1, 2, 3);
    none();
    await flush();

    assert.deepEqual(jsonAttr(server.span("single"), "mlflow.spanInputs"), { q: "x", k: 3 });
    assert.deepEqual(jsonAttr(server.span("destructured"), "mlflow.spanInputs"), { args: [{ q: "ab" }, 2] });
    assert.deepEqual(jsonAttr(server.span("rest"), "mlflow.spanInputs"), { first: "a", others: [1, 2, 3] });
    assert.deepEqual(jsonAttr(server.span("none"), "mlflow.spanInputs"), {});
    assert.equal(jsonAttr(server.span("none"), "mlflow.spanOutputs"), null);
  });

  it("keeps `this`, the function name and length", async () => {
    class Greeter {
      constructor(readonly greeting: string) {}
      greet = trace(function greet(this: Greeter, name: string) {
        return `${this.greeting}, ${name}`;
      });
    }
    const greeter = new Greeter("Hello");
    assert.equal(greeter.greet("Ada"), "Hello, Ada");
    assert.equal(greeter.greet.name, "greet");
    assert.equal(greeter.greet.length, 1);
    await flush();
    assert.equal(jsonAttr(server.span("greet"), "mlflow.spanOutputs"), "Hello, Ada");
  });

  it("records a sync exception (status ERROR + exception event) and rethrows it unchanged", async () => {
    class QuotaError extends Error {}
    const original = new QuotaError("over quota");
    const boom = trace(function boom() {
      throw original;
    });
    assert.throws(() => boom(), (error: unknown) => error === original);
    await flush();

    const span = server.span("boom");
    assert.equal(span.statusCode, 2);
    assert.equal(span.statusMessage, "over quota");
    const event = span.events.find((candidate) => candidate.name === "exception");
    assert.ok(event);
    assert.equal(event.attributes["exception.type"], "QuotaError");
    assert.equal(event.attributes["exception.message"], "over quota");
    assert.match(String(event.attributes["exception.stacktrace"]), /over quota/);
    assert.equal(span.attributes["mlflow.spanOutputs"], undefined);
  });

  it("records an async rejection and rethrows it", async () => {
    const failing = trace(async function failing() {
      await sleep(1);
      throw new TypeError("bad input");
    });
    await assert.rejects(failing(), (error: unknown) => error instanceof TypeError && error.message === "bad input");
    await flush();
    const span = server.span("failing");
    assert.equal(span.statusCode, 2);
    assert.equal(span.events[0]?.attributes["exception.type"], "TypeError");
  });

  it("nests across await and gives concurrent Promise.all branches the right parents", async () => {
    const leaf = trace(async function leaf(label: string) {
      await sleep(Math.random() * 10 + label.length * 0);
      return getCurrentSpan()?.name ?? null;
    });
    const branch = trace(async function branch(label: string) {
      await sleep(Math.random() * 5);
      const inner = await leaf(`${label}-leaf`);
      await sleep(1);
      return inner;
    });
    const root = trace(async function root() {
      await sleep(1);
      return Promise.all([branch("a"), branch("b"), branch("c")]);
    });

    assert.deepEqual(await root(), ["leaf", "leaf", "leaf"]);
    await flush();

    const spans = server.spans();
    assert.equal(spans.length, 7);
    const rootSpan = server.span("root");
    const traceIds = new Set(spans.map((span) => span.traceId));
    assert.deepEqual([...traceIds], [rootSpan.traceId]);
    const branches = spans.filter((span) => span.name === "branch");
    assert.equal(branches.length, 3);
    for (const branchSpan of branches) assert.equal(branchSpan.parentSpanId, rootSpan.spanId);
    // Each leaf's parent is the branch with the same label.
    for (const leafSpan of spans.filter((span) => span.name === "leaf")) {
      const label = (jsonAttr(leafSpan, "mlflow.spanInputs") as { label: string }).label;
      const parent = branches.find((candidate) => candidate.spanId === leafSpan.parentSpanId);
      assert.ok(parent, "leaf parent is a branch");
      assert.equal(`${(jsonAttr(parent, "mlflow.spanInputs") as { label: string }).label}-leaf`, label);
    }
  });

  it("returns Promise subclasses unchanged (extra methods survive) and still records their value", async () => {
    class ApiPromise<T> extends Promise<T> {
      withResponse(): string {
        return "response";
      }
    }
    const call = trace(function apiCall(): ApiPromise<string> {
      return new ApiPromise<string>((resolve) => setTimeout(() => resolve("body"), 1));
    });
    const returned = call();
    assert.ok(returned instanceof ApiPromise);
    assert.equal(returned.withResponse(), "response");
    assert.equal(await returned, "body");
    await flush();
    assert.equal(jsonAttr(server.span("apiCall"), "mlflow.spanOutputs"), "body");
  });

  it("does not crash on circular, bigint and function inputs", async () => {
    interface Node {
      name: string;
      self?: Node;
      big: bigint;
      fn: () => void;
    }
    const node: Node = { name: "n", big: 12345678901234567890n, fn: () => undefined };
    node.self = node;
    const weird = trace(function weird(value: Node) {
      return { back: value };
    });
    assert.equal(weird(node).back, node);
    await flush();
    const span = server.span("weird");
    assert.deepEqual(jsonAttr(span, "mlflow.spanInputs"), {
      name: "n",
      self: "[Circular]",
      big: "12345678901234567890",
      fn: "[Function: fn]",
    });
    assert.deepEqual(jsonAttr(span, "mlflow.spanOutputs"), {
      back: { name: "n", self: "[Circular]", big: "12345678901234567890", fn: "[Function: fn]" },
    });
  });
});

describe("withSpan / startSpan", () => {
  it("withSpan records inputs, the callback's return value, attributes, and nests traced calls", async () => {
    const inner = trace(function inner() {
      return getCurrentSpan()?.name;
    });
    const result = await withSpan(
      "retrieve",
      async (span) => {
        span.setAttribute("retriever.k", 3);
        span.addEvent("cache_miss", { key: "q1" });
        await sleep(1);
        return { docs: [inner()] };
      },
      { spanType: "RETRIEVER", inputs: { query: "q1" }, attributes: { custom: "yes" } },
    );
    assert.deepEqual(result, { docs: ["inner"] });
    await flush();

    const span = server.span("retrieve");
    assert.deepEqual(jsonAttr(span, "mlflow.spanInputs"), { query: "q1" });
    assert.deepEqual(jsonAttr(span, "mlflow.spanOutputs"), { docs: ["inner"] });
    assert.equal(span.attributes["retriever.k"], 3);
    assert.equal(span.attributes["custom"], "yes");
    assert.equal(jsonAttr(span, "mlflow.spanType"), "RETRIEVER");
    assert.deepEqual(span.events.map((event) => event.name), ["cache_miss"]);
    assert.equal(server.span("inner").parentSpanId, span.spanId);
  });

  it("withSpan keeps explicit outputs and supports sync callbacks", async () => {
    const value = withSpan("sync-work", (span) => {
      span.setOutputs({ explicit: true });
      return 42;
    });
    assert.equal(value, 42);
    await flush();
    assert.deepEqual(jsonAttr(server.span("sync-work"), "mlflow.spanOutputs"), { explicit: true });
  });

  it("records the caller's location per call only with captureCallSite: \"all\"", async () => {
    withSpan("no-site", () => 1);
    configure({ captureCallSite: "all" });
    function callerOfWithSpan(): number {
      return withSpan("with-site", () => 1);
    }
    callerOfWithSpan();
    startSpan({ name: "start-site" }).end();
    configure({ captureCallSite: "definition" });
    await flush();
    assert.equal(server.span("no-site").attributes["code.file.path"], undefined);
    const withSite = server.span("with-site");
    assert.equal(withSite.attributes["code.function.name"], "callerOfWithSpan");
    assert.match(String(withSite.attributes["code.file.path"]), /fluent\.test\.ts$/);
    assert.equal(typeof withSite.attributes["code.line.number"], "number");
    assert.match(String(server.span("start-site").attributes["code.file.path"]), /fluent\.test\.ts$/);
  });

  it("startSpan returns a span ended by hand; children attach through withActiveSpan", async () => {
    const parent = startSpan({ name: "manual", spanType: "AGENT", inputs: { task: "t" } });
    assert.equal(getCurrentSpan(), null, "startSpan does not change the current span");
    const child = trace(function child() {
      return getCurrentTraceId();
    });
    assert.equal(withActiveSpan(parent, () => child()), parent.traceId);
    const explicitChild = startSpan({ name: "explicit-child", parent });
    explicitChild.end({ status: { code: "ERROR", message: "nope" } });
    parent.end({ outputs: "done" });
    parent.setAttribute("after.end", 1); // ignored
    parent.end(); // ignored
    await flush();

    const manual = server.span("manual");
    assert.equal(manual.parentSpanId, null);
    assert.deepEqual(jsonAttr(manual, "mlflow.spanInputs"), { task: "t" });
    assert.equal(jsonAttr(manual, "mlflow.spanOutputs"), "done");
    assert.equal(manual.attributes["after.end"], undefined);
    assert.equal(server.span("child").parentSpanId, manual.spanId);
    const explicit = server.span("explicit-child");
    assert.equal(explicit.parentSpanId, manual.spanId);
    assert.equal(explicit.statusCode, 2);
    assert.equal(explicit.statusMessage, "nope");
    assert.equal(server.spans().length, 3);
  });

  it("startSpan with parent: null starts a new trace, and a remote parent keeps its ids", async () => {
    const outer = startSpan({ name: "outer" });
    const detached = withActiveSpan(outer, () => startSpan({ name: "detached", parent: null }));
    const remote = startSpan({
      name: "remote-child",
      parent: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" },
    });
    detached.end();
    remote.end();
    outer.end();
    await flush();
    assert.notEqual(server.span("detached").traceId, server.span("outer").traceId);
    assert.equal(server.span("detached").parentSpanId, null);
    assert.equal(server.span("remote-child").traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(server.span("remote-child").parentSpanId, "b7ad6b7169203331");
  });
});

describe("updateCurrentTrace", () => {
  it("writes tags, metadata, session and user on the root span, even from a nested span", async () => {
    const nested = trace(async function nested() {
      updateCurrentTrace({
        tags: { env: "prod", team: "search" },
        metadata: { "app.version": "1.2.3" },
        sessionId: "session-42",
        userId: "user-7",
      });
      return "ok";
    });
    const root = trace(async function rootWithTags() {
      return nested();
    });
    await root();
    await flush();

    const rootSpan = server.span("rootWithTags");
    assert.equal(rootSpan.attributes["mlflow.traceTag.env"], "prod");
    assert.equal(rootSpan.attributes["mlflow.traceTag.team"], "search");
    assert.equal(rootSpan.attributes["mlflow.traceMetadata.app.version"], "1.2.3");
    assert.equal(rootSpan.attributes["session.id"], "session-42");
    assert.equal(rootSpan.attributes["user.id"], "user-7");
    const nestedSpan = server.span("nested");
    assert.equal(nestedSpan.attributes["mlflow.traceTag.env"], undefined);
    assert.equal(nestedSpan.attributes["session.id"], undefined);
  });

  it("is a no-op outside a span", () => {
    assert.doesNotThrow(() => updateCurrentTrace({ tags: { a: "b" } }));
    assert.equal(getCurrentSpan(), null);
  });
});
