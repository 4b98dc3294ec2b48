/**
 * Custom LSP messages between the extension (client) and the language + trace server.
 * Standard LSP (codeLens, executeCommand, …) is used for everything LSP already covers.
 */
import { z } from "zod";
import { defineNotification, defineRequest } from "./descriptors";
import { ServerStatus } from "./status";
import { TraceDetail, TraceSummary } from "./model";

// NOTIFICATIONS

/** server → client: health changed (starting, ready with port, attached, error). Always a full snapshot. */
export const StatusNotification = defineNotification("scorelens/status", "serverToClient", ServerStatus);

/** server → client: new spans were stored; carries the affected trace ids (capped) and totals. */
export const TracesChangedNotification = defineNotification(
  "scorelens/tracesChanged",
  "serverToClient",
  z.object({ traceIds: z.array(z.string()), traceCount: z.number().int(), spanCount: z.number().int() }),
);

// REQUESTS

/** client → server: current status snapshot. */
export const GetStatusRequest = defineRequest("scorelens/getStatus", "clientToServer", z.object({}), ServerStatus);

/** client → server: newest traces first, keyset-paged by start time. */
export const ListTracesRequest = defineRequest(
  "scorelens/listTraces",
  "clientToServer",
  z.object({
    limit: z.number().int().min(1).max(1000).default(50),
    /** Keyset cursor from a previous page. */
    before: z.object({ startTimeMs: z.number(), traceId: z.string() }).optional(),
  }),
  z.object({ traces: z.array(TraceSummary), total: z.number().int() }),
);

/** client → server: one trace with all its spans. */
export const GetTraceRequest = defineRequest(
  "scorelens/getTrace",
  "clientToServer",
  z.object({ traceId: z.string() }),
  TraceDetail.nullable(),
);
