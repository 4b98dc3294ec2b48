/**
 * Binds an HTTP server to 127.0.0.1 on the preferred port; when that port is taken, tries the
 * next ones and reports which port was really used and why, so the user is told clearly.
 */
import type http from "node:http";

export interface BoundPort {
  port: number;
  /** Set when the preferred port was not used. */
  note: string | null;
}

export class PortUnavailableError extends Error {
  readonly reason = "port-unavailable";
  static is(e: unknown): e is PortUnavailableError {
    return e instanceof PortUnavailableError;
  }
}

function listenOnce(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

export async function bindLoopback(server: http.Server, preferred: number, attempts = 20, host = "127.0.0.1"): Promise<BoundPort> {
  if (preferred === 0) return { port: await listenOnce(server, 0, host), note: null };
  let firstError: NodeJS.ErrnoException | null = null;
  for (let i = 0; i < attempts && preferred + i <= 65535; i++) {
    const port = preferred + i;
    try {
      const bound = await listenOnce(server, port, host);
      const note =
        i === 0
          ? null
          : `port ${preferred} is already in use (${firstError?.code ?? "busy"}); OTLP receiver is on ${bound} instead — point your exporter at http://127.0.0.1:${bound}/v1/traces`;
      return { port: bound, note };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== "EADDRINUSE" && err.code !== "EACCES") throw err;
      firstError ??= err;
    }
  }
  throw new PortUnavailableError(
    `could not listen on 127.0.0.1:${preferred} or the ${attempts - 1} ports after it (${firstError?.code ?? "unknown error"}); set scorelens.otlp.port to a free port, or 0 for any`,
  );
}
