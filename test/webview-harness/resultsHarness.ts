/**
 * Visual harness for the evaluation results panel: serves a page that loads the built
 * dist/webview/results.js with panel.css + results.css under the extension's webview CSP
 * (nonce scripts, no inline styles), Dark+ values for the theme variables, and a fake host
 * (resultsFakeHost.js) that answers requests like the extension: it encodes the run's columnar
 * table, answers full rows and text searches with the real protocol code (resultsHostLib.ts,
 * bundled here with esbuild).
 *
 *   GET /results.html?scenario=default|running|failed|null|empty|allerrors|big|dataset (or an extra fixture's name)
 *
 * Run standalone to browse it: `node --import tsx test/webview-harness/resultsHarness.ts`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";
import { resultsFixture, type ResultsFixture, type ResultsScenario } from "./resultsFixtures";
import { DARK_PLUS } from "./tracesHarness";
import { requireBuilt, startPanelServer } from "./panelServer";

export { launchChromium, shotPath } from "./tracesHarness";

const FAKE_HOST = fs.readFileSync(path.join(__dirname, "resultsFakeHost.js"), "utf8");

let hostLib: string | null = null;
/** protocol/runTable's encoder and search as a page script (sets window.__resultsHostLib). */
function hostLibScript(): string {
  hostLib ??= (
    buildSync({
      entryPoints: [path.join(__dirname, "resultsHostLib.ts")],
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2022",
      write: false,
      logLevel: "warning",
    }).outputFiles[0]?.text ?? ""
  ).replace(/<\/script/gi, "<\\/script");
  return hostLib;
}

/** Dark+ values of variables the results panel uses beyond those of the other harnesses. */
const RESULTS_EXTRA: Record<string, string> = {
  "--vscode-progressBar-background": "#0e70c0",
  "--vscode-editorHoverWidget-background": "#252526",
  "--vscode-editorHoverWidget-foreground": "#cccccc",
  "--vscode-editorHoverWidget-border": "#454545",
  "--vscode-widget-shadow": "rgba(0, 0, 0, 0.36)",
  "--vscode-keybindingTable-headerBackground": "rgba(204, 204, 204, 0.04)",
  "--vscode-tree-tableOddRowsBackground": "rgba(204, 204, 204, 0.04)",
  "--vscode-checkbox-border": "#6b6b6b",
  "--vscode-input-border": "",
};

function themeCss(): string {
  const vars = Object.entries({ ...DARK_PLUS, ...RESULTS_EXTRA })
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `  ${k}: ${v};`)
    .join("\n");
  return `html {\n${vars}\n}
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
::-webkit-scrollbar-thumb:hover { background-color: var(--vscode-scrollbarSlider-hoverBackground); }
`;
}

function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function page(fixture: unknown, opts: { csp: boolean }): string {
  const nonce = crypto.randomBytes(12).toString("base64url");
  const csp = ["default-src 'none'", "style-src 'self'", `script-src 'nonce-${nonce}'`, "img-src 'self' data:", "font-src 'self'"].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
${opts.csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : ""}
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/harness/results-theme.css">
<link rel="stylesheet" href="/dist/webview/panel.css">
<link rel="stylesheet" href="/dist/webview/results.css">
<title>results harness</title>
</head>
<body data-panel="results" class="vscode-dark">
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${nonce}">${hostLibScript()}</script>
<script nonce="${nonce}">window.__fixture = ${scriptJson(fixture)};
${FAKE_HOST}</script>
<script nonce="${nonce}" type="module" src="/dist/webview/results.js"></script>
</body>
</html>`;
}

export interface ResultsHarness {
  url: string;
  close(): Promise<void>;
}

/** `extra`: more fixtures by scenario name (the benchmark's, built from a store). */
export async function startResultsHarness(extra: Record<string, () => ResultsFixture> = {}): Promise<ResultsHarness> {
  requireBuilt("results.js");
  return startPanelServer((url, send) => {
    const scenario = (url.searchParams.get("scenario") ?? "default") as ResultsScenario;
    if (url.pathname === "/results.html") {
      const make = extra[scenario];
      send(200, "text/html; charset=utf-8", page(make ? make() : resultsFixture(scenario), { csp: url.searchParams.get("csp") !== "0" }));
      return true;
    }
    if (url.pathname === "/harness/results-theme.css") {
      send(200, "text/css", themeCss());
      return true;
    }
    return false;
  });
}

if (require.main === module) {
  void startResultsHarness().then((h) => {
    console.log(`results: ${h.url}/results.html   (scenario=default|running|failed|null|empty|allerrors|big|dataset)`);
  });
}
