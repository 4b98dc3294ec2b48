/**
 * Which server owns a database file. Several servers may open the same file (two VS Code
 * windows on one workspace, or a window plus `scorelens serve`); exactly one of them owns it:
 * runs the OTLP receiver, retention and checkpoints. The others attach: they read and write
 * through SQLite's own locking, and tell their user where the owner's port is. The lease is a
 * row updated inside IMMEDIATE transactions, so taking it is atomic; the owner heartbeats, and
 * a lease whose process is gone or whose heartbeat is stale can be taken over.
 */
import os from "node:os";
import type { Db } from "./db";

export const HEARTBEAT_MS = 2000;
export const STALE_MS = 8000;

export interface LeaseHolder {
  pid: number;
  hostname: string;
  otlpPort: number | null;
  heartbeatMs: number;
}

export type LeaseOutcome = { owned: true } | { owned: false; holder: LeaseHolder };

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class Lease {
  private readonly pid = process.pid;
  private readonly hostname = os.hostname();

  constructor(private readonly db: Db) {}

  current(): LeaseHolder | null {
    const r = this.db
      .prepare("SELECT pid, hostname, otlp_port AS otlpPort, heartbeat_ms AS heartbeatMs FROM server_lease WHERE id = 1")
      .get() as LeaseHolder | undefined;
    return r ?? null;
  }

  private holderIsLive(h: LeaseHolder, nowMs: number): boolean {
    if (h.pid === this.pid && h.hostname === this.hostname) return false;
    if (nowMs - h.heartbeatMs > STALE_MS) return false;
    // Same machine: a dead pid frees the lease at once (crash, kill -9).
    if (h.hostname === this.hostname && !processAlive(h.pid)) return false;
    return true;
  }

  tryAcquire(nowMs = Date.now()): LeaseOutcome {
    return this.db
      .transaction((): LeaseOutcome => {
        const h = this.current();
        if (h && this.holderIsLive(h, nowMs)) return { owned: false, holder: h };
        this.db
          .prepare(
            `INSERT INTO server_lease (id, pid, hostname, otlp_port, heartbeat_ms) VALUES (1, ?, ?, NULL, ?)
             ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, hostname = excluded.hostname, otlp_port = NULL,
             heartbeat_ms = excluded.heartbeat_ms`,
          )
          .run(this.pid, this.hostname, nowMs);
        return { owned: true };
      })
      .immediate();
  }

  /** Records the owner's port. Returns false if this process no longer holds the lease. */
  setPort(port: number | null): boolean {
    return (
      this.db
        .prepare("UPDATE server_lease SET otlp_port = ?, heartbeat_ms = ? WHERE id = 1 AND pid = ? AND hostname = ?")
        .run(port, Date.now(), this.pid, this.hostname).changes === 1
    );
  }

  /** Returns false if the lease was lost (another server took it over). */
  heartbeat(nowMs = Date.now()): boolean {
    return (
      this.db
        .prepare("UPDATE server_lease SET heartbeat_ms = ? WHERE id = 1 AND pid = ? AND hostname = ?")
        .run(nowMs, this.pid, this.hostname).changes === 1
    );
  }

  release(): void {
    this.db.prepare("DELETE FROM server_lease WHERE id = 1 AND pid = ? AND hostname = ?").run(this.pid, this.hostname);
  }
}
