/**
 * Message descriptors: every cross-process message (custom LSP request/notification, webview
 * message) is declared once with its method string, direction and zod schemas, and is only
 * ever referenced by its descriptor. Both sides validate what they receive with these schemas.
 */
import type { z } from "zod";

export type Direction = "clientToServer" | "serverToClient" | "hostToWebview" | "webviewToHost";

export interface RequestDescriptor<M extends string, P extends z.ZodType, R extends z.ZodType> {
  readonly kind: "request";
  readonly method: M;
  readonly direction: Direction;
  readonly params: P;
  readonly result: R;
}

export interface NotificationDescriptor<M extends string, P extends z.ZodType> {
  readonly kind: "notification";
  readonly method: M;
  readonly direction: Direction;
  readonly params: P;
}

export function defineRequest<M extends string, P extends z.ZodType, R extends z.ZodType>(
  method: M,
  direction: Direction,
  params: P,
  result: R,
): RequestDescriptor<M, P, R> {
  return { kind: "request", method, direction, params, result };
}

export function defineNotification<M extends string, P extends z.ZodType>(
  method: M,
  direction: Direction,
  params: P,
): NotificationDescriptor<M, P> {
  return { kind: "notification", method, direction, params };
}

export type AnyRequest = RequestDescriptor<string, z.ZodType, z.ZodType>;
export type AnyNotification = NotificationDescriptor<string, z.ZodType>;
export type ParamsOf<D extends { params: z.ZodType }> = z.infer<D["params"]>;
export type ResultOf<D extends { result: z.ZodType }> = z.infer<D["result"]>;

/** Formats a zod error as "path: message; path: message" for logs and error replies. */
export function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}
