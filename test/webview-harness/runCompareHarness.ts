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
import path from "node:path";
import { runCompareFixture, type RunCompareScenario } from "./runCompareFixtures";
import { DARK_PLUS } from "./tracesHarness";
import { requireBuilt, startPanelServer } from "./panelServer";

export { launchChromium } from "./tracesHarness";

const ROOT = path.resolve(__dirname, "../..");
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
  requireBuilt("runCompare.js");
  const cache = new Map<string, string>();
  return startPanelServer((url, send) => {
    if (url.pathname === "/runCompare.html") {
      const scenario = (url.searchParams.get("scenario") ?? "default") as RunCompareScenario;
      let html = cache.get(scenario);
      if (!html) cache.set(scenario, (html = page(runCompareFixture(scenario))));
      send(200, "text/html; charset=utf-8", html);
      return true;
    }
    if (url.pathname === "/harness/theme.css") {
      send(200, "text/css", themeCss());
      return true;
    }
    return false;
  });
}

if (require.main === module) {
  void startRunCompareHarness().then((h) => console.log(`runCompare: ${h.url}/runCompare.html  (scenario=default|none|big|mismatch)`));
}
