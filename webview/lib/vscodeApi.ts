/**
 * The webview's bridge to the host: typed, validated messages; requests with correlation ids.
 * Inbound messages are parsed with the protocol's zod schemas; anything else is ignored.
 */
import { HostToWebview, type PanelKind, type WebviewToHost } from "../../protocol/webview";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let nextId = 1;
const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

export type RequestMethod = Extract<WebviewToHost, { type: "webview/request" }>["method"];

export function send(msg: WebviewToHost): void {
  api.postMessage(msg);
}

export function request(method: RequestMethod): Promise<void> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ type: "webview/request", id, method });
  });
}

export function onSnapshot(panel: PanelKind, handler: (msg: HostToWebview) => void): void {
  window.addEventListener("message", (ev: MessageEvent<unknown>) => {
    const parsed = HostToWebview.safeParse(ev.data);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === "host/response") {
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (w) {
        if (msg.error === null) w.resolve();
        else w.reject(new Error(msg.error));
      }
      return;
    }
    handler(msg);
  });
  send({ type: "webview/ready", panel });
}
