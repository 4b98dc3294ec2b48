/**
 * Visual harness for the run-compare panel: serves a page that loads the built
 * dist/webview/runCompare.js with panel.css + runCompare.css under the extension's webview CSP
 * (nonce scripts, no inline styles), Dark+ values for the theme variables, and a fake host that
 * answers the panel's requests like the extension (swap and threshold post the snapshots the
 * fixture computed with the real diff) and records them in `window.__requests`.
 *
 *   GET /runCompare.html?scenario=default|none|big|mismatch
 *
 * Run standalone to browse it: `node --import tsx test/webview-harness/runCompareHarness.ts`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { runCompareFixture, type RunCompareScenario } from "./runCompareFixtures";
import { DARK_PLUS } from "./tracesHarness";

export { launchChromium } from "./tracesHarness";

const ROOT = path.resolve(__dirname, "../..");
const DIST = path.join(ROOT, "dist", "webview");
export const SHOTS_DIR = path.join(ROOT, "test-output", "webview");

export function shotPath(name: string): string {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  return path.join(SHOTS_DIR, `${name}.png`);
}

const EXTRA: Record<string, string> = {
  "--vscode-input-border": "#3c3c3c",
  "--vscode-inputValidation-warningBackground": "#352a05",
};

function themeCss(): string {
  const vars = Object.entries({ ...DARK_PLUS, ...EXTRA })
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `  ${k}: ${v};`)
    .join("\n");
  return `html {\n${vars}\n}
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
`;
}

/** The fake host (plain JS, inlined with the nonce after `window.__fixture = …`). */
const FAKE_HOST = String.raw`
(function () {
  var fx = window.__fixture;
  window.__requests = [];
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || ""));
  });
  var current = fx.snapshot;
  function post(msg) { window.postMessage(msg, "*"); }
  function reply(id, result, error) {
    setTimeout(function () { post({ type: "host/response", id: id, result: result, error: error || null }); }, 20);
  }
  function push(s) { current = s; setTimeout(function () { post(s); }, 10); }
  var state;
  window.acquireVsCodeApi = function () {
    return {
      postMessage: function (msg) {
        window.__requests.push(msg);
        if (msg.type === "webview/ready") return push(current);
        if (msg.type !== "webview/request") return;
        var p = msg.params || {};
        switch (msg.method) {
          case "runCompare/openTrace": case "runCompare/openRun": return reply(msg.id, { ok: true });
          case "runCompare/pickBase": return reply(msg.id, { changed: false });
          case "runCompare/swap":
            if (!fx.swapped) return reply(msg.id, null, "there is no base run to swap with");
            var next = current === fx.swapped ? fx.snapshot : fx.swapped;
            push(next);
            return reply(msg.id, { ok: true });
          case "runCompare/setThreshold":
            var s = fx.byThreshold[String(p.threshold)];
            if (!s) return reply(msg.id, null, "the harness has no snapshot for threshold " + p.threshold);
            push(s);
            return reply(msg.id, { ok: true });
          default: return reply(msg.id, null, "unknown request " + msg.method);
        }
      },
      getState: function () { return state; },
      setState: function (s) { state = s; }
    };
  };
})();
`;

function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function page(fixture: unknown): string {
  const nonce = crypto.randomBytes(12).toString("base64url");
  const csp = ["default-src 'none'", "style-src 'self'", `script-src 'nonce-${nonce}'`, "img-src 'self' data:", "font-src 'self'"].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/harness/theme.css">
<link rel="stylesheet" href="/dist/webview/panel.css">
<link rel="stylesheet" href="/dist/webview/runCompare.css">
<title>runCompare harness</title>
</head>
<body data-panel="runCompare" class="vscode-dark">
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${nonce}">window.__fixture = ${scriptJson(fixture)};
${FAKE_HOST}</script>
<script nonce="${nonce}" type="module" src="/dist/webview/runCompare.js"></script>
</body>
</html>`;
}

export interface Harness {
  url: string;
  close(): Promise<void>;
}

export async function startRunCompareHarness(): Promise<Harness> {
  if (!fs.existsSync(path.join(DIST, "runCompare.js"))) {
    throw new Error("dist/webview/runCompare.js is missing: run node scripts/build.mjs (with runCompare in its webview entries)");
  }
  const cache = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (url.pathname === "/runCompare.html") {
      const scenario = (url.searchParams.get("scenario") ?? "default") as RunCompareScenario;
      let html = cache.get(scenario);
      if (!html) cache.set(scenario, (html = page(runCompareFixture(scenario))));
      return send(200, "text/html; charset=utf-8", html);
    }
    if (url.pathname === "/favicon.ico") return send(204, "text/plain", "");
    if (url.pathname === "/harness/theme.css") return send(200, "text/css", themeCss());
    const m = /^\/dist\/webview\/([\w.-]+\.(js|css|map))$/.exec(url.pathname);
    if (m) {
      const file = path.join(DIST, m[1] as string);
      if (!fs.existsSync(file)) return send(404, "text/plain", "not found");
      const type = m[2] === "js" ? "text/javascript" : m[2] === "css" ? "text/css" : "application/json";
      return send(200, type, fs.readFileSync(file));
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

if (require.main === module) {
  void startRunCompareHarness().then((h) => console.log(`runCompare: ${h.url}/runCompare.html  (scenario=default|none|big|mismatch)`));
}
