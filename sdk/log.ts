/**
 * The SDK's only output channel. It writes to `process.stderr`, and only when the environment variable
 * `SCORELENS_DEBUG` is set (to anything but "", "0" or "false"). The SDK runs inside users' apps, so it
 * never prints anything by default and never throws from here.
 */

const PREFIX = "[scorelens] ";

/** True when `SCORELENS_DEBUG` asks for SDK diagnostics. Read on every call so tests and users can toggle it. */
export function isDebugEnabled(): boolean {
  const value = process.env["SCORELENS_DEBUG"];
  if (value === undefined) return false;
  const normalized = value.trim().toLowerCase();
  return normalized !== "" && normalized !== "0" && normalized !== "false" && normalized !== "no";
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return "<unprintable>";
  }
}

function write(level: string, message: string, error?: unknown): void {
  if (!isDebugEnabled()) return;
  try {
    const suffix = error === undefined ? "" : ` (${describe(error)})`;
    process.stderr.write(`${PREFIX}${level} ${message}${suffix}\n`);
  } catch {
    // stderr closed or not writable: nothing sensible to do.
  }
}

/** Tiny logger for SDK diagnostics. Silent unless `SCORELENS_DEBUG` is set. */
export const log = {
  warn(message: string, error?: unknown): void {
    write("warn", message, error);
  },
  debug(message: string, error?: unknown): void {
    write("debug", message, error);
  },
};
