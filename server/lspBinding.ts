/**
 * Typed glue between protocol descriptors and the LSP connection: handlers receive params that
 * zod has already validated; invalid params come back as InvalidParams errors, never as crashes.
 */
import { ErrorCodes, ResponseError, type Connection } from "vscode-languageserver/node";
import type { z } from "zod";
import { formatZodError, type NotificationDescriptor, type RequestDescriptor } from "../protocol/descriptors";
import { log } from "./log";

export function handleRequest<M extends string, P extends z.ZodType, R extends z.ZodType>(
  connection: Connection,
  desc: RequestDescriptor<M, P, R>,
  handler: (params: z.output<P>) => z.input<R> | Promise<z.input<R>>,
): void {
  connection.onRequest(desc.method, async (raw: unknown) => {
    const parsed = desc.params.safeParse(raw ?? {});
    if (!parsed.success) {
      const msg = `${desc.method}: invalid params: ${formatZodError(parsed.error)}`;
      log.warn(msg);
      return new ResponseError(ErrorCodes.InvalidParams, msg);
    }
    try {
      return await handler(parsed.data);
    } catch (e) {
      log.error(`${desc.method} failed:`, e);
      return new ResponseError(ErrorCodes.InternalError, `${desc.method} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

export function sendNotification<M extends string, P extends z.ZodType>(
  connection: Connection,
  desc: NotificationDescriptor<M, P>,
  params: z.input<P>,
): void {
  void connection.sendNotification(desc.method, params);
}
