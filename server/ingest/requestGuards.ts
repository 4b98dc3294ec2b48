/**
 * Cross-site protection for the OTLP receiver. A web page in the user's browser can POST to
 * 127.0.0.1, and with DNS rebinding it can even make the request same-origin. So: the Host
 * header must name a loopback address, and a request that carries an Origin header (browsers
 * always send one on cross-origin POSTs) must come from an explicitly allowed origin.
 * Pure functions.
 */

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Returns the hostname part of a Host header ("127.0.0.1:4318" → "127.0.0.1", "[::1]:80" → "[::1]"). */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(":");
  return colon === -1 ? h : h.slice(0, colon);
}

export function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return true; // HTTP/1.0 clients; the socket is bound to loopback anyway
  const name = hostnameOf(hostHeader);
  return LOOPBACK_HOSTS.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

export type GuardVerdict = { ok: true } | { ok: false; status: 403; message: string };

export function checkRequestOrigin(
  headers: { host?: string | undefined; origin?: string | undefined },
  allowedOrigins: readonly string[],
): GuardVerdict {
  if (!isLoopbackHost(headers.host)) {
    return {
      ok: false,
      status: 403,
      message: `refused: Host "${headers.host ?? ""}" is not a loopback address (the receiver only answers 127.0.0.1/localhost)`,
    };
  }
  const origin = headers.origin;
  if (origin !== undefined && origin !== "" && !allowedOrigins.includes(origin)) {
    return {
      ok: false,
      status: 403,
      message: `refused: Origin "${origin}" is not allowed to send traces; add it to scorelens.otlp.allowedOrigins if you trust it`,
    };
  }
  return { ok: true };
}

/** "application/x-protobuf; charset=utf-8" → "protobuf"; unknown types → null. */
export function bodyFormat(contentType: string | undefined): "protobuf" | "json" | null {
  const base = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (base === "application/x-protobuf" || base === "application/protobuf") return "protobuf";
  if (base === "application/json") return "json";
  return null;
}
