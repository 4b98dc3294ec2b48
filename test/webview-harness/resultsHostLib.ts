/**
 * What the results harness's fake host (resultsFakeHost.js) needs from the real protocol code:
 * the columnar table encoder and the text search, bundled by resultsHarness.ts into a page
 * script that sets `window.__resultsHostLib`. The same code the server runs, so the fake host
 * sends what the real host would.
 */
import "../../webview/lib/zodConfig"; // first: the page's CSP refuses zod's JIT probe
import { encodeRunTable, filterWords, matchesWords, rowSearchText } from "../../protocol/runTable";

declare const window: { __resultsHostLib?: unknown };

window.__resultsHostLib = { encodeRunTable, filterWords, matchesWords, rowSearchText };
