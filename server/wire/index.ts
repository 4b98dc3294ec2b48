/**
 * Wire formats: OTLP protobuf / JSON request decoding and response encoding, MLflow trace JSON
 * import/export, and trace file import. Pure functions, no I/O.
 */
export { MAX_ATTR_DEPTH, TRUNCATED_VALUE } from "./attributes";
export { exportMlflowTraceJson, importMlflowTraceJson } from "./mlflowTraceJson";
export type { MlflowSpanJson, MlflowTraceJson } from "./mlflowTraceJson";
export { importTraceFile, importTraceFileBytes } from "./otlpFileImport";
export { decodeOtlpJson, decodeOtlpJsonValue, encodeExportResponseJson } from "./otlpJson";
export type { ExportResponseJson } from "./otlpJson";
export { decodeOtlpProtobuf, encodeExportResponseProtobuf, encodeRpcStatusProtobuf } from "./otlpProtobuf";
export type { DecodeResult, ExportResponse, ImportedTrace, ImportedTraceInfo, TraceImportResult } from "./types";
export { WireFormatError } from "./wireFormatError";
export type { WireFormatReason } from "./wireFormatError";
