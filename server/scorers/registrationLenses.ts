/**
 * What the lenses and hovers say about registration: for each scorer definition, its registered
 * version and rate, and whether the file has drifted from the registered snapshot. Drift compares
 * the registered source hash with the hash of the file's current bundle (what registering again
 * would store), computed off the request path and cached by the file's mtime and size.
 */
import fs from "node:fs";
import path from "node:path";
import type { RegisteredScorer } from "../../protocol/monitoring";
import type { ScorerDef } from "../../protocol/scoring";
import { log } from "../log";
import type { Registration } from "./discovery/codeLens";
import { bundleScorerFile, isBundleError } from "./runtime/bundleScorers";
import { defaultSdkEntry } from "./runtime/runScorerOnTraces";

interface HashEntry {
  mtimeMs: number;
  size: number;
  hash: string | null;
}

export class RegistrationLenses {
  private readonly hashes = new Map<string, HashEntry>();
  private readonly pending = new Set<string>();

  /** `onHashed` is called when a file's bundle hash becomes known (lenses refresh then). */
  constructor(
    private readonly onHashed: () => void,
    private readonly sdkEntry: string = defaultSdkEntry(),
  ) {}

  /** By scorer name (what the lenses key on). */
  forDefs(defs: readonly ScorerDef[], registered: readonly RegisteredScorer[]): Map<string, Registration> {
    const out = new Map<string, Registration>();
    for (const d of defs) {
      const r = registered.find((x) => path.resolve(x.file) === path.resolve(d.file) && (x.exportName === d.exportName || x.exportName === d.name));
      if (!r) continue;
      const current = this.currentHash(d.file);
      out.set(d.name, { version: r.version, sampleRate: r.sampleRate, sourceChanged: current !== null && current !== r.sourceHash });
    }
    return out;
  }

  /** The cached bundle hash of the file on disk, or null while it is being computed (or the file doesn't build). */
  private currentHash(file: string): string | null {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return null;
    }
    const cached = this.hashes.get(file);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.hash;
    if (!this.pending.has(file)) {
      this.pending.add(file);
      void bundleScorerFile(file, { sdkEntry: this.sdkEntry, workspaceRoot: path.dirname(file) })
        .then((b) => {
          this.hashes.set(file, { mtimeMs: st.mtimeMs, size: st.size, hash: isBundleError(b) ? null : b.sourceHash });
          this.pending.delete(file);
          this.onHashed();
        })
        .catch((e: unknown) => {
          this.pending.delete(file);
          log.warn(`hashing ${file} for registration drift failed:`, e);
        });
    }
    return cached?.hash ?? null;
  }
}
