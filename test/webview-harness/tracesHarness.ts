/**
 * Visual harness for the Traces view and the compare panel: serves a page per panel that loads
 * the built dist/webview/{traces,compare}.js with panel.css + the panel's css, under the same
 * CSP as the extension's webviews (nonce scripts, no inline styles), with Dark+ values for the
 * VS Code theme variables and a fake host (tracesFakeHost.js) that answers requests.
 *
 *   GET /traces.html?scenario=default|empty|server|server-rows|few
 *   GET /compare.html?scenario=default|big|missing
 *
 * Run standalone to browse it: `node --import tsx test/webview-harness/tracesHarness.ts`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { compareFixture, type CompareScenario } from "./compareFixtures";
import { tracesFixture, type TracesScenario } from "./tracesFixtures";
import { requireBuilt, startPanelServer } from "./panelServer";

const ROOT = path.resolve(__dirname, "../..");
export const SHOTS_DIR = path.join(ROOT, "test-output", "webview-harness");
const FAKE_HOST = fs.readFileSync(path.join(__dirname, "tracesFakeHost.js"), "utf8");

/** Dark+ (VS Code's default dark theme) values of the variables the panels use. */
export const DARK_PLUS: Record<string, string> = {
  "--vscode-font-family": '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  "--vscode-font-size": "13px",
  "--vscode-font-weight": "normal",
  "--vscode-editor-font-family": '"Droid Sans Mono", "monospace", monospace',
  "--vscode-editor-font-size": "14px",
  "--vscode-foreground": "#cccccc",
  "--vscode-descriptionForeground": "rgba(204, 204, 204, 0.7)",
  "--vscode-errorForeground": "#f48771",
  "--vscode-icon-foreground": "#c5c5c5",
  "--vscode-focusBorder": "#007fd4",
  "--vscode-contrastBorder": "",
  "--vscode-widget-border": "#303031",
  "--vscode-editor-background": "#1e1e1e",
  "--vscode-editor-foreground": "#d4d4d4",
  "--vscode-editorWidget-background": "#252526",
  "--vscode-editorWidget-border": "#454545",
  "--vscode-editorLineNumber-foreground": "#858585",
  "--vscode-editorWarning-foreground": "#cca700",
  "--vscode-editorError-foreground": "#f14c4c",
  "--vscode-sideBar-background": "#252526",
  "--vscode-sideBarSectionHeader-border": "rgba(204, 204, 204, 0.2)",
  "--vscode-panel-border": "rgba(128, 128, 128, 0.35)",
  "--vscode-input-background": "#3c3c3c",
  "--vscode-input-foreground": "#cccccc",
  "--vscode-input-placeholderForeground": "#a6a6a6",
  "--vscode-inputValidation-errorBackground": "#5a1d1d",
  "--vscode-inputValidation-errorBorder": "#be1100",
  "--vscode-inputValidation-warningBackground": "#352a05",
  "--vscode-inputValidation-warningBorder": "#b89500",
  "--vscode-button-background": "#0e639c",
  "--vscode-button-foreground": "#ffffff",
  "--vscode-button-hoverBackground": "#1177bb",
  "--vscode-button-secondaryBackground": "#3a3d41",
  "--vscode-button-secondaryForeground": "#cccccc",
  "--vscode-button-secondaryHoverBackground": "#45494e",
  "--vscode-toolbar-hoverBackground": "rgba(90, 93, 94, 0.31)",
  "--vscode-list-activeSelectionBackground": "#04395e",
  "--vscode-list-activeSelectionForeground": "#ffffff",
  "--vscode-list-inactiveSelectionBackground": "#37373d",
  "--vscode-list-hoverBackground": "#2a2d2e",
  "--vscode-list-focusOutline": "#007fd4",
  "--vscode-list-errorForeground": "#f88070",
  "--vscode-badge-background": "#4d4d4d",
  "--vscode-badge-foreground": "#ffffff",
  "--vscode-testing-iconPassed": "#73c991",
  "--vscode-testing-iconFailed": "#f14c4c",
  "--vscode-charts-blue": "#3794ff",
  "--vscode-charts-red": "#f14c4c",
  "--vscode-charts-green": "#89d185",
  "--vscode-charts-yellow": "#cca700",
  "--vscode-charts-orange": "#d18616",
  "--vscode-charts-purple": "#b180d7",
  "--vscode-textLink-foreground": "#3794ff",
  "--vscode-textLink-activeForeground": "#3794ff",
  "--vscode-textCodeBlock-background": "rgba(10, 10, 10, 0.4)",
  "--vscode-textPreformat-foreground": "#d7ba7d",
  "--vscode-statusBarItem-errorBackground": "#c72e0f",
  "--vscode-statusBarItem-errorForeground": "#ffffff",
  "--vscode-diffEditor-insertedLineBackground": "rgba(155, 185, 85, 0.2)",
  "--vscode-diffEditor-removedLineBackground": "rgba(255, 0, 0, 0.2)",
  "--vscode-diffEditor-insertedTextBackground": "rgba(156, 204, 44, 0.2)",
  "--vscode-diffEditor-removedTextBackground": "rgba(255, 0, 0, 0.4)",
  "--vscode-diffEditor-diagonalFill": "rgba(204, 204, 204, 0.2)",
  "--vscode-editorGutter-modifiedBackground": "#1b81a8",
  "--vscode-editorGutter-addedBackground": "#487e02",
  "--vscode-editorGutter-deletedBackground": "#f14c4c",
  "--vscode-gitDecoration-modifiedResourceForeground": "#e2c08d",
  "--vscode-gitDecoration-addedResourceForeground": "#81b88b",
  "--vscode-gitDecoration-deletedResourceForeground": "#c74e39",
  "--vscode-scrollbarSlider-background": "rgba(121, 121, 121, 0.4)",
  "--vscode-scrollbarSlider-hoverBackground": "rgba(100, 100, 100, 0.7)",
  "--vscode-scrollbarSlider-activeBackground": "rgba(191, 191, 191, 0.4)",
  "--vscode-editor-selectionBackground": "#264f78",
};

function themeCss(): string {
  const vars = Object.entries(DARK_PLUS)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `  ${k}: ${v};`)
    .join("\n");
  // what VS Code injects into every webview, roughly (font, scrollbars)
  return `html {\n${vars}\n}
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
::-webkit-scrollbar-thumb:hover { background-color: var(--vscode-scrollbarSlider-hoverBackground); }
::-webkit-scrollbar-thumb:active { background-color: var(--vscode-scrollbarSlider-activeBackground); }
`;
}

/** JSON that is safe inside an inline <script> (no "</script>", no U+2028/2029). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function page(panel: "traces" | "compare", fixture: unknown, opts: { csp: boolean }): string {
  const nonce = crypto.randomBytes(12).toString("base64url");
  const csp = ["default-src 'none'", "style-src 'self'", `script-src 'nonce-${nonce}'`, "img-src 'self' data:", "font-src 'self'"].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
${opts.csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : ""}
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/harness/theme.css">
<link rel="stylesheet" href="/dist/webview/panel.css">
<link rel="stylesheet" href="/dist/webview/${panel}.css">
<title>${panel} harness</title>
</head>
<body data-panel="${panel}" class="vscode-dark">
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${nonce}">window.__fixture = ${scriptJson(fixture)};
${FAKE_HOST}</script>
<script nonce="${nonce}" type="module" src="/dist/webview/${panel}.js"></script>
</body>
</html>`;
}

export interface Harness {
  url: string;
  close(): Promise<void>;
}

/** Starts the harness server on 127.0.0.1 with an ephemeral port. */
export async function startHarness(): Promise<Harness> {
  requireBuilt("panel.css");
  return startPanelServer((url, send) => {
    const scenario = url.searchParams.get("scenario") ?? "default";
    const csp = url.searchParams.get("csp") !== "0";
    if (url.pathname === "/traces.html") send(200, "text/html; charset=utf-8", page("traces", tracesFixture(scenario as TracesScenario), { csp }));
    else if (url.pathname === "/compare.html") send(200, "text/html; charset=utf-8", page("compare", compareFixture(scenario as CompareScenario), { csp }));
    else if (url.pathname === "/harness/theme.css") send(200, "text/css", themeCss());
    else return false;
    return true;
  });
}

export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export function shotPath(name: string): string {
  return path.join(SHOTS_DIR, `${name}.png`);
}

if (require.main === module) {
  void startHarness().then((h) => {
    console.log(`traces:  ${h.url}/traces.html   (scenario=default|empty|server|server-rows|few)`);
    console.log(`compare: ${h.url}/compare.html  (scenario=default|big|missing)`);
  });
}
