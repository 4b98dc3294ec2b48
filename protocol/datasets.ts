/**
 * Evaluation datasets (MLflow's evaluation datasets): a named list of rows, each with the
 * inputs the app was given, optionally the outputs it produced, the expectations (ground
 * truth) and the trace it came from. A dataset selection scores these rows.
 */
import { z } from "zod";

/** JSON object keyed by name (inputs / expectations), as MLflow records them. */
const JsonRecord = z.record(z.string(), z.unknown());

export const DatasetRow = z.object({
  inputs: JsonRecord,
  outputs: z.unknown().optional(),
  expectations: JsonRecord.optional(),
  /** The trace this row came from ("tr-…" or bare id); scoring a row with a trace scores that trace. */
  trace_id: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export type DatasetRow = z.infer<typeof DatasetRow>;

/** File formats a dataset is imported from and exported to (see docs/datasets.md). */
export const DATASET_FORMATS = ["json", "jsonl", "csv"] as const;
export const DatasetFormat = z.enum(DATASET_FORMATS);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

export const DatasetSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("traces"), traceCount: z.number().int(), filter: z.string().nullable() }),
  z.object({ kind: z.literal("file"), path: z.string(), format: DatasetFormat }),
  z.object({ kind: z.literal("sdk") }),
]);
export type DatasetSource = z.infer<typeof DatasetSource>;

export const DatasetInfo = z.object({
  name: z.string(),
  description: z.string().nullable(),
  source: DatasetSource,
  rowCount: z.number().int(),
  createdMs: z.number(),
  updatedMs: z.number(),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;

/** Dataset names: what a person can type on a command line. */
export const DatasetName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, "use letters, digits, '.', '_', '-' and spaces, starting with a letter or digit");

/** One page of a dataset's rows (`offset` is the index of the first row). */
export const DatasetRowsPage = z.object({
  info: DatasetInfo,
  offset: z.number().int().min(0),
  rows: z.array(DatasetRow),
});
export type DatasetRowsPage = z.infer<typeof DatasetRowsPage>;
