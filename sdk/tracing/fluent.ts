/**
 * The fluent tracing API (MLflow's `@mlflow.trace` / `mlflow.start_span` in TypeScript form):
 * spans nest automatically through the current-span context ({@link getCurrentSpan}).
 *
 * - {@link trace} wraps a function (sync or async): one span per call, inputs from the arguments,
 *   outputs from the (resolved) return value, errors recorded and rethrown.
 * - {@link withSpan} runs a callback inside a new span.
 * - {@link startSpan} starts a span you end yourself (it does not become the current span; use
 *   {@link withActiveSpan} for that).
 */
import { log } from "../log";
import { SpanAttributeKey, type SpanType } from "./attributes";
import { captureCallSite, type CallSite } from "./callsite";
import { getConfig } from "./config";
import { getActiveSpan, runWithActiveSpan } from "./context";
import { buildInputs, parseParameterNames } from "./inputs";
import { isTracingActive } from "./pipeline";
import { createSpan, NOOP_SPAN, type LiveSpan, type SpanContextLike } from "./span";
import { applyTraceUpdate, type TraceUpdate } from "./trace-update";

export interface TraceOptions {
  /** Span name; default: the function's name. */
  name?: string;
  /** Default `UNKNOWN`. */
  spanType?: SpanType;
  /** Attributes set on every span of this function. */
  attributes?: Record<string, unknown>;
}

export interface WithSpanOptions {
  /** Default `UNKNOWN`. */
  spanType?: SpanType;
  attributes?: Record<string, unknown>;
  /** Recorded as `mlflow.spanInputs`. */
  inputs?: unknown;
  /** Default: the current span. `null` starts a new trace. */
  parent?: LiveSpan | SpanContextLike | null;
}

export interface StartSpanOptions extends WithSpanOptions {
  name: string;
  /** Nanoseconds since the epoch; default now. */
  startTimeNs?: bigint;
}

function callSiteAttributes(site: CallSite | null, functionName: string | null): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const name = functionName ?? site?.functionName ?? null;
  if (name !== null && name !== "") attributes[SpanAttributeKey.CODE_FUNCTION_NAME] = name;
  if (site !== null) {
    attributes[SpanAttributeKey.CODE_FILE_PATH] = site.filePath;
    attributes[SpanAttributeKey.CODE_LINE_NUMBER] = site.line;
    attributes[SpanAttributeKey.CODE_COLUMN_NUMBER] = site.column;
  }
  return attributes;
}

function failSpan(span: LiveSpan, error: unknown): void {
  try {
    span.recordException(error);
    span.end();
  } catch (internal) {
    log.warn("could not record exception", internal);
  }
}

function finishSpan(span: LiveSpan, result: unknown): void {
  try {
    if (result !== undefined && !span.hasOutputs) span.end({ outputs: result });
    else span.end();
  } catch (internal) {
    log.warn("could not end span", internal);
  }
}

/**
 * Runs `body` as the current span and ends the span when `body` returns, or when the promise it
 * returns settles (native promises only; other thenables are treated as plain values, so that lazy
 * query builders are not triggered). The return value becomes the outputs unless `setOutputs` was called. Errors are
 * recorded on the span and rethrown unchanged.
 */
function runInSpan<R>(span: LiveSpan, body: () => R): R {
  let result: R;
  try {
    result = runWithActiveSpan(span, body);
  } catch (error) {
    failSpan(span, error);
    throw error;
  }
  if (result instanceof Promise) {
    if (result.constructor === Promise) {
      // A plain promise: return the chained one, so an unhandled rejection is still reported as such.
      const chained: Promise<unknown> = result.then(
        (value: unknown) => {
          finishSpan(span, value);
          return value;
        },
        (error: unknown) => {
          failSpan(span, error);
          throw error;
        },
      );
      return chained as R;
    }
    // A Promise subclass (e.g. an SDK's APIPromise with extra methods): observe it and return it unchanged.
    result.then(
      (value: unknown) => finishSpan(span, value),
      (error: unknown) => failSpan(span, error),
    );
    return result;
  }
  finishSpan(span, result);
  return result;
}

function cleanFunctionName(fn: (...args: never[]) => unknown): string {
  try {
    return fn.name.replace(/^bound /, "");
  } catch {
    return "";
  }
}

/**
 * Wraps `fn` so that every call is recorded as a span (named after the function unless
 * `options.name`). Works for sync and async functions and keeps `this`.
 *
 * Inputs: no arguments → `{}`; one non-array object argument → that object; otherwise the
 * arguments by parameter name when the parameter list is simple (`(a, b = 1, ...rest)`), else
 * `{ args: [...] }`. Outputs: the return value, or the resolved value of a returned promise.
 * Errors: status ERROR plus an `exception` event, then rethrown.
 * When tracing is disabled the wrapper just calls `fn`.
 */
export function trace<This, Args extends unknown[], Result>(
  fn: (this: This, ...args: Args) => Result,
  options: TraceOptions = {},
): (this: This, ...args: Args) => Result {
  const functionName = cleanFunctionName(fn);
  const spanName = options.name ?? (functionName !== "" ? functionName : "anonymous");
  const params = parseParameterNames(fn);
  const site = getConfig().captureCallSite !== "none" ? captureCallSite(trace) : null;
  const staticAttributes: Record<string, unknown> = {
    ...callSiteAttributes(site, functionName !== "" ? functionName : null),
    ...options.attributes,
  };
  if (functionName !== "") staticAttributes[SpanAttributeKey.FUNCTION_NAME] = JSON.stringify(functionName);

  const wrapped = function (this: This, ...args: Args): Result {
    if (!isTracingActive()) return fn.apply(this, args);
    const span = createSpan({
      name: spanName,
      spanType: options.spanType,
      parent: getActiveSpan() ?? null,
      attributes: staticAttributes,
    });
    if (!span.isRecording) return fn.apply(this, args);
    try {
      span.setInputs(buildInputs(args, params));
    } catch (error) {
      log.warn(`could not record inputs of ${spanName}`, error);
    }
    return runInSpan(span, () => fn.apply(this, args));
  };
  try {
    Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
    Object.defineProperty(wrapped, "length", { value: fn.length, configurable: true });
  } catch {
    // Non-configurable in some exotic environments; cosmetic only.
  }
  return wrapped;
}

/**
 * Runs `fn(span)` inside a new span that is the current span for `fn` and everything it awaits.
 * The span ends when `fn` returns or its promise settles; the result becomes the outputs unless
 * `span.setOutputs()` was called. Errors are recorded and rethrown.
 */
export function withSpan<R>(name: string, fn: (span: LiveSpan) => R, options: WithSpanOptions = {}): R {
  if (!isTracingActive()) return fn(NOOP_SPAN);
  const site = getConfig().captureCallSite === "all" ? captureCallSite(withSpan) : null;
  const span = createSpan({
    name,
    spanType: options.spanType,
    parent: options.parent === undefined ? (getActiveSpan() ?? null) : options.parent,
    inputs: options.inputs,
    attributes: { ...callSiteAttributes(site, null), ...options.attributes },
  });
  if (!span.isRecording) return fn(span);
  return runInSpan(span, () => fn(span));
}

/**
 * Starts a span (child of the current span unless `parent` is given) that you must end with
 * `span.end({ outputs, status })`. It does not become the current span: wrap code in
 * `withActiveSpan(span, fn)` for children to nest under it.
 */
export function startSpan(options: StartSpanOptions): LiveSpan {
  if (!isTracingActive()) return NOOP_SPAN;
  const site = getConfig().captureCallSite === "all" ? captureCallSite(startSpan) : null;
  return createSpan({
    name: options.name,
    spanType: options.spanType,
    parent: options.parent === undefined ? (getActiveSpan() ?? null) : options.parent,
    inputs: options.inputs,
    attributes: { ...callSiteAttributes(site, null), ...options.attributes },
    startTimeNs: options.startTimeNs,
  });
}

/** Runs `fn` with `span` as the current span, without ending it (for spans from `startSpan` or the client API). */
export function withActiveSpan<R>(span: LiveSpan, fn: () => R): R {
  if (!span.isRecording) return fn();
  return runWithActiveSpan(span, fn);
}

/** The current span, or null outside any span (or when tracing is disabled). */
export function getCurrentSpan(): LiveSpan | null {
  const span = getActiveSpan();
  return span !== undefined && span.isRecording ? span : null;
}

/** The trace id of the current span, or null. */
export function getCurrentTraceId(): string | null {
  return getCurrentSpan()?.traceId ?? null;
}

/**
 * Sets tags, metadata, session and user of the current trace. They are written on the trace's root
 * span (in this process) while it is open, else on the current span. No-op outside a span.
 */
export function updateCurrentTrace(update: TraceUpdate): void {
  const span = getCurrentSpan();
  if (span === null) {
    log.debug("updateCurrentTrace called outside of a span; ignored");
    return;
  }
  try {
    applyTraceUpdate(span.localTrace.tagTarget(span), update);
  } catch (error) {
    log.warn("updateCurrentTrace failed", error);
  }
}
