/**
 * The webview's bridge to the host: typed, validated messages; requests with correlation ids.
 * Inbound messages are parsed with the protocol's zod schemas; anything else is ignored.
 */
import "./zodConfig"; // first: before any protocol schema is built (CSP-safe zod)
import type { z } from "zod";
import type { RequestDescriptor } from "../../protocol/descriptors";
import { HostToWebview, type PanelKind, type WebviewToHost } from "../../protocol/webview";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; parse: (v: unknown) => unknown }>();

export type Snapshot = Exclude<HostToWebview, { type: "host/response" }>;

function send(msg: WebviewToHost): void {
  api.postMessage(msg);
}

/** Sends a request; resolves with the host's validated result, rejects with its error message. */
export function request<M extends string, P extends z.ZodType, R extends z.ZodType>(
  desc: RequestDescriptor<M, P, R>,
  params: z.input<P>,
): Promise<z.output<R>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, {
      resolve: resolve as (v: unknown) => void,
      reject,
      parse: (v) => desc.result.parse(v),
    });
    send({ type: "webview/request", id, method: desc.method, params });
  });
}

/** Listens for snapshots and announces readiness to the host. */
export function onSnapshot(panel: PanelKind, handler: (msg: Snapshot) => void): void {
  window.addEventListener("message", (ev: MessageEvent<unknown>) => {
    const parsed = HostToWebview.safeParse(ev.data);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === "host/response") {
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (!w) return;
      if (msg.error !== null) w.reject(new Error(msg.error));
      else {
        try {
          w.resolve(w.parse(msg.result));
        } catch (e) {
          w.reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
      return;
    }
    handler(msg);
  });
  send({ type: "webview/ready", panel });
}

/** UI state persisted by VS Code across reloads (only navigation/UI state, never data). */
export function getUiState<T>(schema: z.ZodType<T>): T | null {
  const parsed = schema.safeParse(api.getState());
  return parsed.success ? parsed.data : null;
}

export function setUiState(state: unknown): void {
  api.setState(state);
}
