/** The dashboard host's ranges (extension/monitoring/scorerText.ts): short presets, and buckets too fine for a range. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bucketCount, MAX_DASHBOARD_BUCKETS } from "../../../protocol/monitoring";
import { fitBucket, PRESET_MS, presetRange } from "../../../extension/monitoring/scorerText";

const NOW = Date.UTC(2026, 4, 12, 15, 20, 7);

test("the last 5 and 15 minutes in 15-second buckets end with the bucket that holds now", () => {
  const five = presetRange("5m", "15s", NOW);
  assert.equal(five.toMs, Date.UTC(2026, 4, 12, 15, 20, 15));
  assert.equal(bucketCount(five.fromMs, five.toMs, "15s"), 20);
  const fifteen = presetRange("15m", "15s", NOW);
  assert.equal(fifteen.toMs - fifteen.fromMs, 15 * 60_000);
  assert.equal(bucketCount(fifteen.fromMs, fifteen.toMs, "15s"), 60);
});

test("a bucket too fine for the range becomes the first coarser one that fits", () => {
  assert.equal(fitBucket("15s", NOW - PRESET_MS["15m"], NOW), "15s");
  assert.equal(fitBucket("15s", NOW - PRESET_MS["1h"], NOW), "15s", "240 buckets");
  assert.equal(fitBucket("15s", NOW - PRESET_MS["24h"], NOW), "minute", "5,760 × 15 s is too many; 1,440 minutes fit");
  assert.equal(fitBucket("minute", NOW - PRESET_MS["7d"], NOW), "hour");
  assert.equal(fitBucket("15s", NOW - PRESET_MS["30d"], NOW), "hour");
  assert.equal(fitBucket("day", NOW - 20 * 365 * 86_400_000, NOW), "day", "day is the coarsest");
  for (const preset of ["5m", "15m", "1h", "24h", "7d", "30d"] as const) {
    const b = fitBucket("15s", NOW - PRESET_MS[preset], NOW);
    const r = presetRange(preset, b, NOW);
    assert.ok(bucketCount(r.fromMs, r.toMs, b) <= MAX_DASHBOARD_BUCKETS, preset);
  }
});
