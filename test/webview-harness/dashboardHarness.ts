/**
 * Visual harness for the monitoring dashboard: serves a page that loads the built
 * dist/webview/dashboard.js with panel.css + dashboard.css under the extension's webview CSP
 * (nonce scripts, no inline styles), Dark+ or Light+ values for the theme variables, and a fake
 * host that answers the panel's requests like the extension (setRange posts the fixture's
 * snapshot for that preset; drill answers a count) and records them in `window.__requests`.
 *
 *   GET /dashboard.html?scenario=default|week|empty|nodata&theme=dark|light
 *
 * Run standalone to browse it: `node --import tsx test/webview-harness/dashboardHarness.ts`.
 */
import crypto from "node:crypto";
import { dashboardFixture, type DashboardScenario } from "./dashboardFixtures";
import { DARK_PLUS } from "./tracesHarness";
import { requireBuilt, startPanelServer } from "./panelServer";

export { launchChromium } from "./tracesHarness";
export { shotPath } from "./runCompareHarness";


/** Light+ values of the variables the dashboard uses (over Dark+ for the rest). */
const LIGHT_PLUS: Record<string, string> = {
  "--vscode-foreground": "#616161",
  "--vscode-descriptionForeground": "#717171",
  "--vscode-errorForeground": "#a1260d",
  "--vscode-focusBorder": "#0090f1",
  "--vscode-editor-background": "#ffffff",
  "--vscode-editor-foreground": "#000000",
  "--vscode-editorWidget-background": "#f3f3f3",
  "--vscode-widget-border": "#d4d4d4",
  "--vscode-widget-shadow": "#00000029",
  "--vscode-panel-border": "rgba(128, 128, 128, 0.35)",
  "--vscode-input-background": "#ffffff",
  "--vscode-input-foreground": "#616161",
  "--vscode-input-border": "#cecece",
  "--vscode-button-background": "#007acc",
  "--vscode-button-foreground": "#ffffff",
  "--vscode-button-hoverBackground": "#0062a3",
  "--vscode-button-secondaryBackground": "#5f6a79",
  "--vscode-button-secondaryForeground": "#ffffff",
  "--vscode-button-secondaryHoverBackground": "#4c5561",
  "--vscode-editorWarning-foreground": "#bf8803",
  "--vscode-progressBar-background": "#0e70c0",
  "--vscode-charts-blue": "#1a85ff",
  "--vscode-charts-red": "#e51400",
  "--vscode-charts-green": "#388a34",
  "--vscode-charts-purple": "#652d90",
  "--vscode-charts-yellow": "#bf8803",
  "--vscode-scrollbarSlider-background": "rgba(100, 100, 100, 0.4)",
};

function themeCss(theme: "dark" | "light"): string {
  const vars = Object.entries({ ...DARK_PLUS, "--vscode-input-border": "#3c3c3c", "--vscode-progressBar-background": "#0e70c0", ...(theme === "light" ? LIGHT_PLUS : {}) })
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
          case "dashboard/setRange":
            var next = fx.byPreset[p.preset];
            if (p.preset === "custom") {
              next = JSON.parse(JSON.stringify(current));
              next.range = { preset: "custom", fromMs: p.fromMs, toMs: p.toMs, bucket: p.bucket };
              next.series = [];
            } else if (next && next.range.bucket !== p.bucket) {
              next = JSON.parse(JSON.stringify(next));
              next.range.bucket = p.bucket;
            }
            if (!next) return reply(msg.id, null, "the harness has no snapshot for " + p.preset);
            push(next);
            return reply(msg.id, { ok: true });
          case "dashboard/drill": return reply(msg.id, { count: fx.drillCount });
          case "dashboard/refresh": push(current); return reply(msg.id, { ok: true });
          case "dashboard/cancelBackfill": return reply(msg.id, { ok: true });
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

function page(fixture: unknown, theme: "dark" | "light"): string {
  const nonce = crypto.randomBytes(12).toString("base64url");
  const csp = ["default-src 'none'", "style-src 'self'", `script-src 'nonce-${nonce}'`, "img-src 'self' data:", "font-src 'self'"].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/harness/theme-${theme}.css">
<link rel="stylesheet" href="/dist/webview/panel.css">
<link rel="stylesheet" href="/dist/webview/dashboard.css">
<title>dashboard harness</title>
</head>
<body data-panel="dashboard" class="vscode-${theme}">
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${nonce}">window.__fixture = ${scriptJson(fixture)};
${FAKE_HOST}</script>
<script nonce="${nonce}" type="module" src="/dist/webview/dashboard.js"></script>
</body>
</html>`;
}

export interface Harness {
  url: string;
  close(): Promise<void>;
}

export async function startDashboardHarness(): Promise<Harness> {
  requireBuilt("dashboard.js");
  return startPanelServer((url, send) => {
    if (url.pathname === "/dashboard.html") {
      const scenario = (url.searchParams.get("scenario") ?? "default") as DashboardScenario;
      const theme = url.searchParams.get("theme") === "light" ? "light" : "dark";
      send(200, "text/html; charset=utf-8", page(dashboardFixture(scenario, theme), theme));
      return true;
    }
    const th = /^\/harness\/theme-(dark|light)\.css$/.exec(url.pathname);
    if (!th) return false;
    send(200, "text/css", themeCss(th[1] as "dark" | "light"));
    return true;
  });
}

if (require.main === module) {
  void startDashboardHarness().then((h) => console.log(`dashboard: ${h.url}/dashboard.html  (scenario=default|week|empty|nodata, theme=dark|light)`));
}
