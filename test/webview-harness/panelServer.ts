/**
 * The HTTP server every webview harness runs on 127.0.0.1: the harness's own pages (a `route`
 * answers them), the built panel bundles from dist/webview, and 404 for anything else.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const DIST = path.resolve(__dirname, "../../dist/webview");
const TYPES: Record<string, string> = { js: "text/javascript", css: "text/css", map: "application/json" };

export type Send = (status: number, type: string, body: string | Buffer) => void;
/** Answers a harness page (returns true) or leaves the URL to the static files (returns false). */
export type Route = (url: URL, send: Send) => boolean;

export interface PanelServer {
  url: string;
  close(): Promise<void>;
}

/** Throws when the panel bundle is missing (the harness needs a build). */
export function requireBuilt(file: string): void {
  if (!fs.existsSync(path.join(DIST, file))) throw new Error(`dist/webview/${file} is missing: run node scripts/build.mjs first`);
}

export async function startPanelServer(route: Route): Promise<PanelServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send: Send = (status, type, body) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (route(url, send)) return;
    if (url.pathname === "/favicon.ico") return send(204, "text/plain", "");
    const m = /^\/dist\/webview\/([\w.-]+)\.(js|css|map)$/.exec(url.pathname);
    if (m) {
      const file = path.join(DIST, `${m[1] as string}.${m[2] as string}`);
      if (!fs.existsSync(file)) return send(404, "text/plain", "not built: run node scripts/build.mjs");
      return send(200, TYPES[m[2] as string] ?? "application/octet-stream", fs.readFileSync(file));
    }
    send(404, "text/plain", "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (!addr || typeof addr === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
