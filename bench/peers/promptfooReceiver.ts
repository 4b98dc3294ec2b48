/**
 * Child process for bench/ingestPromptfoo.ts: runs ONLY promptfoo's OTLP/HTTP trace receiver
 * (the one `promptfoo eval` starts when tracing is enabled), headless, on a free loopback port,
 * with its SQLite store in PROMPTFOO_CONFIG_DIR (a temp folder set by the parent).
 *
 *   node --import tsx bench/peers/promptfooReceiver.ts <promptfoo package dir> <evaluation id>
 *
 * Steps: apply promptfoo's own drizzle migrations (with its own drizzle-orm + libsql), insert the
 * eval row that its traces table references (promptfoo creates it when an eval starts), import
 * the receiver module that promptfoo's public entry imports, start it, and print
 * `{"event":"listening","port":N,"pid":P}` on stdout. SIGTERM exits.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";

type StartFn = (port: number, host: string, acceptFormats: string[]) => Promise<void>;
type MigrateFn = (db: unknown, config: { migrationsFolder: string }) => Promise<void>;
type CreateClientFn = (config: { url: string }) => { close(): void };
type DrizzleFn = (client: unknown) => unknown;

function fail(message: string): never {
  process.stderr.write(`promptfooReceiver: ${message}\n`);
  process.exit(3);
}

function member<T>(mod: unknown, name: string): T {
  const v = mod !== null && typeof mod === "object" ? (mod as Record<string, unknown>)[name] : undefined;
  if (typeof v !== "function") fail(`expected a function "${name}" in the imported module`);
  return v as T;
}

async function importFrom(req: NodeJS.Require, specifier: string): Promise<unknown> {
  return import(pathToFileURL(req.resolve(specifier)).href);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const [pfDir, evalId] = process.argv.slice(2);
  if (!pfDir || !evalId) fail("usage: promptfooReceiver.ts <promptfoo dir> <evaluation id>");
  const configDir = process.env.PROMPTFOO_CONFIG_DIR;
  if (!configDir) fail("PROMPTFOO_CONFIG_DIR must point at a temp folder");
  fs.mkdirSync(configDir, { recursive: true });
  const dbFile = path.join(configDir, "promptfoo.db");
  const req = createRequire(path.join(pfDir, "package.json"));

  // 1. promptfoo's schema, with promptfoo's own migrator.
  const libsql = await importFrom(req, "@libsql/client");
  const drizzleLibsql = await importFrom(req, "drizzle-orm/libsql");
  const migrator = await importFrom(req, "drizzle-orm/libsql/migrator");
  const client = member<CreateClientFn>(libsql, "createClient")({ url: pathToFileURL(dbFile).href });
  await member<MigrateFn>(migrator, "migrate")(member<DrizzleFn>(drizzleLibsql, "drizzle")(client), {
    migrationsFolder: path.join(pfDir, "dist", "drizzle"),
  });
  client.close();

  // 2. The eval row (traces.evaluation_id references evals.id).
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  db.prepare("INSERT OR IGNORE INTO evals (id, created_at, description, results, config) VALUES (?, ?, ?, '{}', '{}')").run(
    evalId,
    Date.now(),
    "scorelens ingest benchmark",
  );
  db.close();

  // 3. The receiver module, as promptfoo's public entry imports it.
  const srcDir = path.join(pfDir, "dist", "src");
  const entry = fs.readFileSync(path.join(srcDir, "index.js"), "utf8");
  const m = /import\("\.\/(otlpReceiver-[\w-]+\.js)"\)/.exec(entry);
  if (!m?.[1]) fail(`could not find the OTLP receiver module imported by ${path.join(srcDir, "index.js")}`);
  const receiver = await import(pathToFileURL(path.join(srcDir, m[1])).href);
  const start = member<StartFn>(receiver, "startOTLPReceiver");

  const port = await freePort();
  await start(port, "127.0.0.1", ["json", "protobuf"]);
  process.stdout.write(JSON.stringify({ event: "listening", port, pid: process.pid, db: dbFile, module: m[1] }) + "\n");
  const stop = () => process.exit(0);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => fail(e instanceof Error ? (e.stack ?? e.message) : String(e)));
