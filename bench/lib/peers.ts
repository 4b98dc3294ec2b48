/**
 * Peer tools for comparison benchmarks, installed from the npm registry on demand into a cache
 * folder OUTSIDE the repo ($SCORELENS_CACHE/bench-peers, default ~/.cache/scorelens/bench-peers).
 * They are never dependencies of ScoreLens; a pinned version is installed once and reused.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function peersDir(): string {
  const cache = process.env.SCORELENS_CACHE ?? path.join(os.homedir(), ".cache", "scorelens");
  return path.join(cache, "bench-peers");
}

export interface PeerPackage {
  /** Folder of the installed package (…/node_modules/<name>). */
  dir: string;
  version: string;
  /** True when this call installed it. */
  installed: boolean;
  installMs: number;
}

function installedVersion(pkgDir: string): string | null {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : null;
  } catch {
    return null;
  }
}

/** Installs `name@version` into the peers folder unless that exact version is already there. */
export function ensurePeer(name: string, version: string): PeerPackage {
  const root = peersDir();
  const pkgDir = path.join(root, "node_modules", name);
  if (installedVersion(pkgDir) === version) return { dir: pkgDir, version, installed: false, installMs: 0 };
  fs.mkdirSync(root, { recursive: true });
  const manifest = path.join(root, "package.json");
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: "scorelens-bench-peers", private: true }, null, 2) + "\n");
  console.log(`  installing ${name}@${version} into ${root} (once; npm registry)…`);
  const t0 = performance.now();
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error", `${name}@${version}`], {
    cwd: root,
    encoding: "utf8",
    timeout: 600_000,
  });
  const installMs = performance.now() - t0;
  if (r.status !== 0 || installedVersion(pkgDir) !== version) {
    const why = r.error ? r.error.message : `npm exited with ${r.status}: ${(r.stderr || r.stdout || "").trim().split("\n").slice(-5).join(" | ")}`;
    throw new Error(`could not install ${name}@${version}: ${why}`);
  }
  return { dir: pkgDir, version, installed: true, installMs };
}
