/**
 * {@link LiveSpan}: a span being recorded. Created by `trace()`, `withSpan()`, `startSpan()` and the
 * client API; exported when `end()` is called. After `end()` the span is frozen: further calls are
 * ignored (with a debug log). When tracing is disabled the SDK hands out a non-recording span whose
 * methods do nothing.
 */
import { log } from "../log";
import {
  DEFAULT_SPAN_TYPE,
  EXCEPTION_EVENT_NAME,
  ExceptionAttributeKey,
  SpanAttributeKey,
  type SpanType,
} from "./attributes";
import { nowNs } from "./clock";
import { getConfig } from "./config";
import { INVALID_SPAN_ID, INVALID_TRACE_ID, newSpanId, newTraceId, normalizeSpanId, normalizeTraceId } from "./ids";
import { enqueueEndedSpan, isTracingActive, notifySpanStarted } from "./pipeline";
import { toJsonString } from "./serialize";

export type StatusCode = "UNSET" | "OK" | "ERROR";

export interface SpanStatus {
  code: StatusCode;
  /** Only meaningful with `ERROR`. */
  message?: string;
}

export type AttributeScalar = string | number | boolean | bigint;
/** What a span attribute holds after normalization: a scalar, or an array of scalars. Objects are stored as JSON text. */
export type StoredAttributeValue = AttributeScalar | readonly AttributeScalar[];

export interface SpanEventRecord {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: ReadonlyMap<string, StoredAttributeValue>;
}

/** Ids of a span created elsewhere (another process, a propagated header), usable as a parent. */
export interface SpanContextLike {
  traceId: string;
  spanId: string;
}

export interface EndSpanOptions {
  /** Sets `mlflow.spanOutputs` (JSON). */
  outputs?: unknown;
  attributes?: Record<string, unknown>;
  /** Default: `OK` unless the status was already set (e.g. `ERROR` by `recordException`). */
  status?: StatusCode | SpanStatus;
  /** Nanoseconds since the epoch; default now. */
  endTimeNs?: bigint;
}

const MAX_EVENTS_PER_SPAN = 1024;

/** @internal State shared by the spans of one trace in this process: which span is the local root. */
export class LocalTrace {
  /** The first span of the trace created in this process (the real root unless the parent is remote). */
  root: LiveSpan | null = null;

  constructor(readonly traceId: string) {}

  /** The span that should carry trace-level attributes: the local root while it is open, else `fallback`. */
  tagTarget(fallback: LiveSpan): LiveSpan {
    return this.root !== null && !this.root.isEnded ? this.root : fallback;
  }
}

/** @internal */
export interface LiveSpanInit {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  parentIsRemote: boolean;
  name: string;
  spanType: SpanType;
  startTimeNs: bigint;
  localTrace: LocalTrace;
  recording: boolean;
}

function truncateText(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…[truncated ${text.length - maxChars} chars]` : text;
}

function isScalar(value: unknown): value is AttributeScalar {
  const kind = typeof value;
  return kind === "string" || kind === "number" || kind === "boolean" || kind === "bigint";
}

/**
 * Attribute normalization: strings, numbers, booleans, bigints and arrays of those are kept as
 * OTLP typed values; any other value (objects, mixed arrays…) is stored as safe JSON text;
 * `null`/`undefined` removes the attribute (returns undefined).
 */
export function toAttributeValue(value: unknown, maxChars: number): StoredAttributeValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return truncateText(value, maxChars);
  if (isScalar(value)) return value;
  if (Array.isArray(value) && value.length <= 1000 && value.every(isScalar)) {
    return value.map((item) => (typeof item === "string" ? truncateText(item, maxChars) : item));
  }
  return toJsonString(value, { maxChars });
}

function errorType(error: unknown): string {
  if (error instanceof Error) {
    if (error.name && error.name !== "Error") return error.name;
    const ctorName = (error.constructor as { name?: unknown } | undefined)?.name;
    return typeof ctorName === "string" && ctorName !== "" ? ctorName : error.name || "Error";
  }
  return error === null ? "null" : typeof error;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return toJsonString(error, { maxChars: 10_000 });
}

function normalizeStatus(status: StatusCode | SpanStatus, message?: string): SpanStatus | null {
  const code = typeof status === "string" ? status : status?.code;
  if (code !== "UNSET" && code !== "OK" && code !== "ERROR") return null;
  const text = typeof status === "string" ? message : status.message ?? message;
  return code === "ERROR" && text !== undefined && text !== "" ? { code, message: String(text) } : { code };
}

/** A span being recorded. Get one from `trace()`, `withSpan()`, `startSpan()` or the client API; do not construct it. */
export class LiveSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Null for the root span of a trace. */
  readonly parentSpanId: string | null;
  /** True when the parent came from another process (remote span context). */
  readonly parentIsRemote: boolean;
  readonly startTimeNs: bigint;
  /** False for the no-op span handed out while tracing is disabled. */
  readonly isRecording: boolean;
  /** @internal */
  readonly localTrace: LocalTrace;

  #name: string;
  #spanType: SpanType;
  #endTimeNs: bigint | null = null;
  #status: SpanStatus = { code: "UNSET" };
  #outputsSet = false;
  readonly #attributes = new Map<string, StoredAttributeValue>();
  readonly #events: SpanEventRecord[] = [];
  #droppedEvents = 0;
  readonly #endListeners: Array<(span: LiveSpan) => void> = [];

  /** @internal */
  constructor(init: LiveSpanInit) {
    this.traceId = init.traceId;
    this.spanId = init.spanId;
    this.parentSpanId = init.parentSpanId;
    this.parentIsRemote = init.parentIsRemote;
    this.#name = init.name;
    this.#spanType = init.spanType;
    this.startTimeNs = init.startTimeNs;
    this.localTrace = init.localTrace;
    this.isRecording = init.recording;
    if (this.isRecording) {
      this.#attributes.set(SpanAttributeKey.TRACE_REQUEST_ID, JSON.stringify(`tr-${this.traceId}`));
      this.#attributes.set(SpanAttributeKey.SPAN_TYPE, JSON.stringify(init.spanType));
    }
  }

  get name(): string {
    return this.#name;
  }

  get spanType(): SpanType {
    return this.#spanType;
  }

  /** MLflow's request id: `"tr-" + traceId`. */
  get requestId(): string {
    return `tr-${this.traceId}`;
  }

  get isEnded(): boolean {
    return this.#endTimeNs !== null;
  }

  /** Null until the span ends. */
  get endTimeNs(): bigint | null {
    return this.#endTimeNs;
  }

  get status(): Readonly<SpanStatus> {
    return this.#status;
  }

  get attributes(): ReadonlyMap<string, StoredAttributeValue> {
    return this.#attributes;
  }

  get events(): readonly SpanEventRecord[] {
    return this.#events;
  }

  /** @internal Events dropped because the span had too many. */
  get droppedEventsCount(): number {
    return this.#droppedEvents;
  }

  getAttribute(key: string): StoredAttributeValue | undefined {
    return this.#attributes.get(key);
  }

  /** True when `setOutputs` (or `end({outputs})`) has been called. */
  get hasOutputs(): boolean {
    return this.#outputsSet;
  }

  #writable(operation: string): boolean {
    if (!this.isRecording) return false;
    if (this.#endTimeNs !== null) {
      log.debug(`${operation} on ended span "${this.#name}" (${this.spanId}) ignored`);
      return false;
    }
    return true;
  }

  updateName(name: string): this {
    if (this.#writable("updateName")) this.#name = String(name);
    return this;
  }

  setSpanType(spanType: SpanType): this {
    if (this.#writable("setSpanType")) {
      this.#spanType = spanType;
      this.#attributes.set(SpanAttributeKey.SPAN_TYPE, JSON.stringify(spanType));
    }
    return this;
  }

  /** Sets `mlflow.spanInputs` to the JSON encoding of `inputs` (safe for cycles, bigint…; huge values truncated). */
  setInputs(inputs: unknown): this {
    if (this.#writable("setInputs")) {
      this.#attributes.set(SpanAttributeKey.INPUTS, toJsonString(inputs, { maxChars: getConfig().maxValueChars }));
    }
    return this;
  }

  /** Sets `mlflow.spanOutputs` to the JSON encoding of `outputs`. */
  setOutputs(outputs: unknown): this {
    if (this.#writable("setOutputs")) {
      this.#attributes.set(SpanAttributeKey.OUTPUTS, toJsonString(outputs, { maxChars: getConfig().maxValueChars }));
      this.#outputsSet = true;
    }
    return this;
  }

  /**
   * Sets one attribute. Strings, numbers, booleans, bigints and arrays of those are exported as
   * typed OTLP values; objects are exported as JSON text; `null`/`undefined` removes the key.
   */
  setAttribute(key: string, value: unknown): this {
    if (!this.#writable("setAttribute")) return this;
    try {
      const stored = toAttributeValue(value, getConfig().maxValueChars);
      if (stored === undefined) this.#attributes.delete(key);
      else this.#attributes.set(String(key), stored);
    } catch (error) {
      log.warn(`setAttribute(${key}) failed`, error);
    }
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    if (!this.#writable("setAttributes")) return this;
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }

  /** Adds a timestamped event (default time: now). At most 1024 events are kept per span. */
  addEvent(name: string, attributes: Record<string, unknown> = {}, timeNs?: bigint): this {
    if (!this.#writable("addEvent")) return this;
    if (this.#events.length >= MAX_EVENTS_PER_SPAN) {
      this.#droppedEvents++;
      return this;
    }
    const maxChars = getConfig().maxValueChars;
    const stored = new Map<string, StoredAttributeValue>();
    try {
      for (const [key, value] of Object.entries(attributes)) {
        const converted = toAttributeValue(value, maxChars);
        if (converted !== undefined) stored.set(key, converted);
      }
    } catch (error) {
      log.warn(`addEvent(${name}) attributes failed`, error);
    }
    this.#events.push({ name: String(name), timeUnixNano: typeof timeNs === "bigint" ? timeNs : nowNs(), attributes: stored });
    return this;
  }

  /**
   * Records an `exception` event (`exception.type`, `exception.message`, `exception.stacktrace`)
   * and, as MLflow does, sets the status to `ERROR` with the error's message.
   */
  recordException(error: unknown): this {
    if (!this.#writable("recordException")) return this;
    const message = errorMessage(error);
    const attributes: Record<string, unknown> = {
      [ExceptionAttributeKey.TYPE]: errorType(error),
      [ExceptionAttributeKey.MESSAGE]: message,
    };
    if (error instanceof Error && typeof error.stack === "string") attributes[ExceptionAttributeKey.STACKTRACE] = error.stack;
    this.addEvent(EXCEPTION_EVENT_NAME, attributes);
    this.setStatus({ code: "ERROR", message });
    return this;
  }

  /** `setStatus("ERROR", "message")` or `setStatus({ code: "ERROR", message })`. */
  setStatus(status: StatusCode | SpanStatus, message?: string): this {
    if (!this.#writable("setStatus")) return this;
    const normalized = normalizeStatus(status, message);
    if (normalized === null) log.warn(`setStatus: invalid status ${String(typeof status === "string" ? status : status?.code)}`);
    else this.#status = normalized;
    return this;
  }

  /** @internal Runs `listener` once when the span ends. */
  onEnd(listener: (span: LiveSpan) => void): void {
    if (this.isRecording && !this.isEnded) this.#endListeners.push(listener);
  }

  /** Ends the span and queues it for export. Calling it again does nothing. Never throws. */
  end(options: EndSpanOptions = {}): void {
    if (!this.#writable("end")) return;
    try {
      if (options.outputs !== undefined) this.setOutputs(options.outputs);
      if (options.attributes !== undefined) this.setAttributes(options.attributes);
      if (options.status !== undefined) this.setStatus(options.status);
    } catch (error) {
      log.warn(`end(${this.#name}) options failed`, error);
    }
    if (this.#status.code === "UNSET") this.#status = { code: "OK" };
    const end = typeof options.endTimeNs === "bigint" ? options.endTimeNs : nowNs();
    this.#endTimeNs = end < this.startTimeNs ? this.startTimeNs : end;
    for (const listener of this.#endListeners.splice(0)) {
      try {
        listener(this);
      } catch (error) {
        log.warn("span end listener failed", error);
      }
    }
    enqueueEndedSpan(this);
  }
}

/** The span handed out while tracing is disabled: every method is a no-op and the ids are all zeros. */
export const NOOP_SPAN: LiveSpan = new LiveSpan({
  traceId: INVALID_TRACE_ID,
  spanId: INVALID_SPAN_ID,
  parentSpanId: null,
  parentIsRemote: false,
  name: "",
  spanType: DEFAULT_SPAN_TYPE,
  startTimeNs: 0n,
  localTrace: new LocalTrace(INVALID_TRACE_ID),
  recording: false,
});

/** @internal */
export interface CreateSpanOptions {
  name: string;
  spanType?: SpanType | undefined;
  /** A live span, a remote span context, or null for a new trace. */
  parent: LiveSpan | SpanContextLike | null;
  /** Trace id of a root span (parent null); default a new random id. Ignored when there is a parent. */
  traceId?: string | undefined;
  inputs?: unknown;
  attributes?: Record<string, unknown> | undefined;
  startTimeNs?: bigint | undefined;
  /** Reuse this trace state (client API) instead of creating one for a remote parent / new trace. */
  localTrace?: LocalTrace | undefined;
}

/** @internal Creates and starts a span, or returns {@link NOOP_SPAN} when tracing is off. Never throws. */
export function createSpan(options: CreateSpanOptions): LiveSpan {
  if (!isTracingActive()) return NOOP_SPAN;
  try {
    let traceId: string;
    let parentSpanId: string | null = null;
    let parentIsRemote = false;
    let localTrace: LocalTrace | undefined = options.localTrace;
    const parent = options.parent;
    if (parent instanceof LiveSpan && parent.isRecording) {
      traceId = parent.traceId;
      parentSpanId = parent.spanId;
      parentIsRemote = false;
      localTrace = parent.localTrace;
    } else if (parent !== null && !(parent instanceof LiveSpan)) {
      const remoteTrace = normalizeTraceId(String(parent.traceId));
      const remoteSpan = normalizeSpanId(String(parent.spanId));
      if (remoteTrace === null || remoteSpan === null) {
        log.warn(`invalid parent span context ${String(parent.traceId)}/${String(parent.spanId)}: starting a new trace`);
        traceId = newTraceId();
      } else {
        traceId = remoteTrace;
        parentSpanId = remoteSpan;
        parentIsRemote = true;
      }
    } else {
      const requested = options.traceId === undefined ? null : normalizeTraceId(options.traceId);
      traceId = requested ?? newTraceId();
    }
    if (localTrace === undefined || localTrace.traceId !== traceId) localTrace = new LocalTrace(traceId);

    const span = new LiveSpan({
      traceId,
      spanId: newSpanId(),
      parentSpanId,
      parentIsRemote,
      name: options.name === "" ? "span" : String(options.name),
      spanType: options.spanType ?? DEFAULT_SPAN_TYPE,
      startTimeNs: options.startTimeNs ?? nowNs(),
      localTrace,
      recording: true,
    });
    localTrace.root ??= span;
    if (options.inputs !== undefined) span.setInputs(options.inputs);
    if (options.attributes !== undefined) span.setAttributes(options.attributes);
    notifySpanStarted(span);
    return span;
  } catch (error) {
    log.warn(`could not start span ${String(options.name)}`, error);
    return NOOP_SPAN;
  }
}
