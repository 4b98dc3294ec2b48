/** Version of the ScoreLens SDK, sent as `telemetry.sdk.version` and as the OTLP scope version. */
export const SDK_VERSION = "0.1.0";
