/**
 * Host ↔ webview messages. The webview sends `ready` first; the host then pushes complete
 * snapshots (never deltas). Webview → host messages are intents. Requests carry an `id` and get
 * exactly one `response` back with either `result` or `error`.
 */
import { z } from "zod";
import { ServerStatus } from "./status";

export const PanelKind = z.enum(["status"]);
export type PanelKind = z.infer<typeof PanelKind>;

/** Theme kind, so panels can pick contrasting accents. Colours themselves come from CSS variables. */
export const ThemeKind = z.enum(["light", "dark", "highContrast", "highContrastLight"]);

// webview → host
export const WebviewReady = z.object({ type: z.literal("webview/ready"), panel: PanelKind });
export const WebviewRequest = z.object({
  type: z.literal("webview/request"),
  id: z.number().int(),
  method: z.enum(["status/refresh", "log/show", "server/restart"]),
});
export const WebviewToHost = z.discriminatedUnion("type", [WebviewReady, WebviewRequest]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;

// host → webview
export const StatusSnapshot = z.object({
  type: z.literal("status/snapshot"),
  status: ServerStatus.nullable(),
  /** Client-side facts: restarts seen by the client, the extension version. */
  client: z.object({ restarts: z.number().int(), extensionVersion: z.string(), lastRestartReason: z.string().nullable() }),
  theme: ThemeKind,
});
export const HostResponse = z.object({
  type: z.literal("host/response"),
  id: z.number().int(),
  error: z.string().nullable(),
});
export const HostToWebview = z.discriminatedUnion("type", [StatusSnapshot, HostResponse]);
export type HostToWebview = z.infer<typeof HostToWebview>;
export type StatusSnapshot = z.infer<typeof StatusSnapshot>;
