/**
 * Registered scorers from code (MLflow's register / start / update / stop / delete_scorer /
 * get_scorer / list_scorers), over the ScoreLens server's HTTP routes (/scorelens/v1/scorers…).
 *
 * The server bundles and snapshots the scorer, so registration names a file and its export:
 *   const s = await registerScorer({ file: "scorers/quality.ts", exportName: "relevance" });
 *   const live = await s.start({ sampleRate: 0.1, filterString: "trace.status = 'OK'" });
 *   // s is unchanged (state "registered"); live is a new handle (state "active")
 *   const off = await live.stop();
 * Handles are frozen values: every lifecycle call returns a NEW handle and leaves the old one as it was.
 */
import { getConfig } from "../tracing/config";
import { SDK_VERSION } from "../version";

const TRACES_PATH = "/v1/traces";
const SCORERS_PATH = "/scorelens/v1/scorers";

export type ScorerState = "registered" | "active" | "stopped";

export interface ScorerClientOptions {
  /** The ScoreLens server's base URL. Default: the OTLP traces endpoint without `/v1/traces`. */
  serverUrl?: string;
  /** Per request, ms. Default 30 000 (registration bundles the file). */
  timeoutMs?: number;
}

export interface SamplingConfig {
  /** 0 < rate <= 1 to start; update may set 0 (= stop). */
  sampleRate: number;
  /** MLflow filter_string: only matching traces are sampled. null / "" = all traces. */
  filterString?: string | null;
}

export interface RegisteredScorerInfo {
  name: string;
  version: number;
  file: string;
  exportName: string;
  sourceHash: string;
  aggregations: string[] | null;
  sampleRate: number;
  filterString: string | null;
  state: ScorerState;
  createdMs: number;
  updatedMs: number;
  backlog: number;
  scoredCount: number;
  lastError: string | null;
}

export class ScorerApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string,
  ) {
    super(message);
    this.name = "ScorerApiError";
  }
}

function baseUrl(opts: ScorerClientOptions): string {
  const base = opts.serverUrl ?? getConfig().endpoint;
  const url = new URL(base);
  let path = url.pathname.replace(/\/+$/, "");
  if (opts.serverUrl === undefined && path.endsWith(TRACES_PATH)) path = path.slice(0, -TRACES_PATH.length);
  return `${url.origin}${path}`;
}

async function call(opts: ScorerClientOptions, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { ...getConfig().headers, "content-type": "application/json", "user-agent": `scorelens-sdk/${SDK_VERSION}` };
  let res: Response;
  try {
    res = await fetch(`${baseUrl(opts)}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new ScorerApiError(`the ScoreLens server did not answer: ${e instanceof Error ? e.message : String(e)}`, null, "unreachable");
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    throw new ScorerApiError(`the server answered ${res.status} with a body that is not JSON`, res.status, "bad-reply");
  }
  if (!res.ok) {
    const o = (json ?? {}) as { error?: unknown; code?: unknown };
    throw new ScorerApiError(typeof o.error === "string" ? o.error : `HTTP ${res.status}`, res.status, typeof o.code === "string" ? o.code : "error");
  }
  return json;
}

/** Checks the server's reply field by field (the SDK carries no schema library). */
function toInfo(v: unknown): RegisteredScorerInfo {
  const o = (v ?? {}) as Record<string, unknown>;
  const str = (k: string) => {
    if (typeof o[k] !== "string") throw new ScorerApiError(`the server's reply lacks "${k}"`, null, "bad-reply");
    return o[k];
  };
  const num = (k: string) => {
    if (typeof o[k] !== "number") throw new ScorerApiError(`the server's reply lacks "${k}"`, null, "bad-reply");
    return o[k];
  };
  const state = str("state");
  if (state !== "registered" && state !== "active" && state !== "stopped") throw new ScorerApiError(`unknown scorer state "${state}"`, null, "bad-reply");
  const aggs = o.aggregations;
  return {
    name: str("name"),
    version: num("version"),
    file: str("file"),
    exportName: str("exportName"),
    sourceHash: str("sourceHash"),
    aggregations: Array.isArray(aggs) ? aggs.filter((a): a is string => typeof a === "string") : null,
    sampleRate: num("sampleRate"),
    filterString: typeof o.filterString === "string" ? o.filterString : null,
    state,
    createdMs: num("createdMs"),
    updatedMs: num("updatedMs"),
    backlog: num("backlog"),
    scoredCount: num("scoredCount"),
    lastError: typeof o.lastError === "string" ? o.lastError : null,
  };
}

/** An immutable snapshot of a registered scorer; lifecycle calls return new handles. */
export class RegisteredScorerHandle implements RegisteredScorerInfo {
  readonly name!: string;
  readonly version!: number;
  readonly file!: string;
  readonly exportName!: string;
  readonly sourceHash!: string;
  readonly aggregations!: string[] | null;
  readonly sampleRate!: number;
  readonly filterString!: string | null;
  readonly state!: ScorerState;
  readonly createdMs!: number;
  readonly updatedMs!: number;
  readonly backlog!: number;
  readonly scoredCount!: number;
  readonly lastError!: string | null;
  readonly #opts: ScorerClientOptions;

  constructor(info: RegisteredScorerInfo, opts: ScorerClientOptions = {}) {
    Object.assign(this, { ...info, aggregations: info.aggregations ? Object.freeze([...info.aggregations]) : null });
    this.#opts = { ...opts };
    Object.freeze(this);
  }

  private path(action?: string): string {
    return `${SCORERS_PATH}/${encodeURIComponent(this.name)}${action ? `/${action}` : ""}`;
  }

  /** Starts monitoring (MLflow's start(sampling_config)). */
  async start(config: SamplingConfig): Promise<RegisteredScorerHandle> {
    return new RegisteredScorerHandle(toInfo(await call(this.#opts, "POST", this.path("start"), { sampleRate: config.sampleRate, filterString: config.filterString ?? null })), this.#opts);
  }

  /** Changes the rate and/or filter (what is not given stays). */
  async update(config: Partial<SamplingConfig>): Promise<RegisteredScorerHandle> {
    const body: Record<string, unknown> = {};
    if (config.sampleRate !== undefined) body.sampleRate = config.sampleRate;
    if (config.filterString !== undefined) body.filterString = config.filterString;
    return new RegisteredScorerHandle(toInfo(await call(this.#opts, "POST", this.path("update"), body)), this.#opts);
  }

  /** Sets the rate to 0. */
  async stop(): Promise<RegisteredScorerHandle> {
    return new RegisteredScorerHandle(toInfo(await call(this.#opts, "POST", this.path("stop"), {})), this.#opts);
  }

  /** Removes the registration (its assessments stay). Resolves to whether it existed. */
  async delete(): Promise<boolean> {
    const r = (await call(this.#opts, "DELETE", this.path())) as { deleted?: unknown } | null;
    return r?.deleted === true;
  }
}

/** Snapshots `exportName` of `file` (resolved by the server) as a new version of `name` (default: the scorer's own name). */
export async function registerScorer(ref: { file: string; exportName: string; name?: string }, opts: ScorerClientOptions = {}): Promise<RegisteredScorerHandle> {
  const body = { file: ref.file, exportName: ref.exportName, ...(ref.name ? { name: ref.name } : {}) };
  return new RegisteredScorerHandle(toInfo(await call(opts, "POST", SCORERS_PATH, body)), opts);
}

/** The current registration of `name`, or null. */
export async function getScorer(name: string, opts: ScorerClientOptions = {}): Promise<RegisteredScorerHandle | null> {
  try {
    return new RegisteredScorerHandle(toInfo(await call(opts, "GET", `${SCORERS_PATH}/${encodeURIComponent(name)}`)), opts);
  } catch (e) {
    if (e instanceof ScorerApiError && e.status === 404) return null;
    throw e;
  }
}

export async function listScorers(opts: ScorerClientOptions = {}): Promise<RegisteredScorerHandle[]> {
  const r = (await call(opts, "GET", SCORERS_PATH)) as { scorers?: unknown } | null;
  if (!Array.isArray(r?.scorers)) throw new ScorerApiError("the server's reply lacks scorers", null, "bad-reply");
  return r.scorers.map((s) => new RegisteredScorerHandle(toInfo(s), opts));
}
