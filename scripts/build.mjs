// One esbuild script, one context per target:
//   extension (cjs, vscode external) · server + cli (cjs, better-sqlite3 external, shipped in the VSIX)
//   webview (browser esm) · sdk (cjs + esm for users' apps)
// Flags: --watch, --production (minify, no sourcemaps).
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

const common = {
  bundle: true,
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  absWorkingDir: root,
  define: { __SCORELENS_VERSION__: JSON.stringify(pkg.version) },
  metafile: true,
};

const node = { ...common, platform: "node", target: "node22", format: "cjs" };

const targets = {
  extension: { ...node, entryPoints: { extension: "extension/extension.ts" }, outdir: "dist", external: ["vscode"] },
  server: {
    ...node,
    entryPoints: { server: "server/main.ts", cli: "server/cli.ts", scorerWorker: "server/scorers/runtime/scorerWorker.ts" },
    outdir: "dist",
    external: ["better-sqlite3", "esbuild"],
  },
  webview: {
    ...common,
    platform: "browser",
    format: "esm",
    target: "es2022",
    entryPoints: Object.fromEntries(
      ["status", "traces", "trace", "compare", "results", "runCompare", "dashboard"]
        .filter((n) => fs.existsSync(path.join(root, `webview/${n}.ts`)))
        .map((n) => [n, `webview/${n}.ts`]),
    ),
    outdir: "dist/webview",
  },
  sdk: { ...node, entryPoints: { index: "sdk/index.ts" }, outdir: "dist/sdk", platform: "node" },
};

function copyStatic() {
  fs.mkdirSync(path.join(root, "dist/webview"), { recursive: true });
  for (const f of fs.readdirSync(path.join(root, "webview"))) {
    if (f.endsWith(".css")) fs.copyFileSync(path.join(root, "webview", f), path.join(root, "dist/webview", f));
  }
}

const started = Date.now();
const contexts = await Promise.all(Object.entries(targets).map(async ([name, opts]) => [name, await esbuild.context(opts)]));
copyStatic();
if (watch) {
  await Promise.all(contexts.map(([, ctx]) => ctx.watch()));
  process.stderr.write("[build] watching…\n");
} else {
  const results = await Promise.all(contexts.map(async ([name, ctx]) => [name, await ctx.rebuild()]));
  for (const [name, r] of results) {
    const bytes = Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    process.stderr.write(`[build] ${name.padEnd(9)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB\n`);
  }
  await Promise.all(contexts.map(([, ctx]) => ctx.dispose()));
  process.stderr.write(`[build] done in ${Date.now() - started} ms${production ? " (production)" : ""}\n`);
}
