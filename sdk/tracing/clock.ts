/**
 * Wall-clock time in nanoseconds. `Date.now()` only has millisecond resolution, so the clock is
 * anchored once to `Date.now()` and advanced with the monotonic `process.hrtime.bigint()`: span
 * durations are nanosecond-precise and never negative, even if the system clock is adjusted.
 */

const anchorEpochNs = BigInt(Date.now()) * 1_000_000n;
const anchorHrtime = process.hrtime.bigint();

/** Nanoseconds since the Unix epoch. */
export function nowNs(): bigint {
  return anchorEpochNs + (process.hrtime.bigint() - anchorHrtime);
}
