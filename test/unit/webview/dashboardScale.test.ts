/** Pure chart math of the monitoring dashboard (webview/dashboard/scale.ts). */
process.env.TZ = "UTC"; // time ticks and labels are local time; pin it
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DashboardPoint } from "../../../protocol/monitoring";
import {
  bucketGrid,
  bucketLabel,
  DAY_MS,
  HOUR_MS,
  linearScale,
  niceStep,
  niceTicks,
  num,
  pct,
  segmentPath,
  segments,
  slotAt,
  timeTicks,
  valueDomain,
} from "../../../webview/dashboard/scale";

const T = Date.UTC(2026, 4, 12, 0, 0, 0);
const pt = (t: number, value: number | null, extra: Partial<DashboardPoint> = {}): DashboardPoint => ({ t, value, passRate: value, errorRate: 0, scored: 1, eligible: 2, ...extra });

test("bucketGrid: every bucket of the range, empty ones null, anchored on the points", () => {
  const points = [pt(T + HOUR_MS, 0.5), pt(T + 4 * HOUR_MS, 0.7)];
  const g = bucketGrid(points, T, T + 6 * HOUR_MS, "hour");
  assert.deepEqual(
    g.map((s) => [s.t - T, s.point?.value ?? null]),
    [0, 1, 2, 3, 4, 5].map((i) => [i * HOUR_MS, i === 1 ? 0.5 : i === 4 ? 0.7 : null]),
  );
  // a range that starts mid-bucket includes the bucket holding its start
  const mid = bucketGrid(points, T + 30 * 60_000, T + 3 * HOUR_MS, "hour");
  assert.equal(mid[0]?.t, T);
  assert.equal(mid.length, 3);
  // buckets anchored off the hour (the server's alignment wins) and points snapped to the nearest slot
  const off = bucketGrid([pt(T + 30 * 60_000, 1), pt(T + 2 * HOUR_MS + 30 * 60_000 + 5, 2)], T, T + 3 * HOUR_MS, "hour");
  assert.deepEqual(off.map((s) => s.t - T), [-30 * 60_000, 30 * 60_000, 90 * 60_000, 150 * 60_000]);
  assert.deepEqual(off.map((s) => s.point?.value ?? null), [null, 1, null, 2]);
  // no points: aligned on whole buckets
  const none = bucketGrid([], T + 5, T + 2 * DAY_MS, "day");
  assert.deepEqual(none.map((s) => s.t), [T, T + DAY_MS]);
  assert.ok(none.every((s) => s.point === null));
  // capped at maxSlots, keeping the newest
  const capped = bucketGrid([], T, T + 100 * HOUR_MS, "hour", 10);
  assert.equal(capped.length, 10);
  assert.equal(capped[9]?.t, T + 99 * HOUR_MS);
});

test("linear scales map and invert; a flat domain maps to the middle", () => {
  const s = linearScale(0, 10, 100, 200);
  assert.equal(s(0), 100);
  assert.equal(s(5), 150);
  assert.equal(s.invert(175), 7.5);
  const y = linearScale(0, 1, 90, 10); // inverted range (SVG y grows downwards)
  assert.equal(y(1), 10);
  assert.equal(y(0.25), 70);
  assert.equal(linearScale(3, 3, 0, 100)(3), 50);
});

test("nice steps and ticks", () => {
  assert.equal(niceStep(10, 5), 2);
  assert.equal(niceStep(1, 4), 0.5);
  assert.equal(niceStep(0.07, 4), 0.02);
  assert.equal(niceStep(740, 4), 200);
  assert.deepEqual(niceTicks(2.6, 4.4, 4), { lo: 2.5, hi: 4.5, ticks: [2.5, 3, 3.5, 4, 4.5] });
  assert.deepEqual(niceTicks(0, 93, 3), { lo: 0, hi: 100, ticks: [0, 50, 100] });
  assert.deepEqual(niceTicks(0.1, 0.3, 2).ticks, [0.1, 0.2, 0.3], "no floating-point noise (0.30000000000000004)");
  const flat = niceTicks(5, 5);
  assert.ok(flat.lo < 5 && flat.hi > 5, "a flat range is widened");
});

test("valueDomain: 0…1 for rates and pass/fail means, nice bounds otherwise, null without values", () => {
  assert.deepEqual(valueDomain([0.2, null, 0.9]), { lo: 0, hi: 1, ticks: [0, 0.25, 0.5, 0.75, 1] });
  const d = valueDomain([2.7, 4.4, null]);
  assert.ok(d);
  assert.ok(d.lo <= 2.7 && d.hi >= 4.4 && d.lo > 0, JSON.stringify(d));
  assert.deepEqual(valueDomain([1, 120])?.lo, 0, "counts from near zero start at zero");
  assert.ok((valueDomain([-3, 2])?.lo ?? 0) <= -3);
  assert.equal(valueDomain([null, null]), null);
});

test("time ticks: hours over a day, midnights as dates, days over a month", () => {
  const day = timeTicks(T - 12 * HOUR_MS, T + 12 * HOUR_MS, 8);
  assert.deepEqual(day.map((t) => t.label), ["12:00", "18:00", "May 12", "06:00", "12:00"]);
  assert.deepEqual(day.filter((t) => t.major).map((t) => t.t), [T]);
  const week = timeTicks(T - 7 * DAY_MS, T, 5);
  assert.deepEqual(week.map((t) => t.label), ["May 5", "May 7", "May 9", "May 11"]);
  const month = timeTicks(T - 30 * DAY_MS, T, 6);
  assert.ok(month.length <= 6 && month.length >= 2, month.map((t) => t.label).join(","));
  assert.ok(month.every((t) => new Date(t.t).getUTCDay() === 1), "weekly ticks fall on Mondays");
  assert.deepEqual(timeTicks(T, T, 5), []);
  // never more than asked for
  for (const max of [2, 3, 5, 9, 14]) for (const span of [DAY_MS, 7 * DAY_MS, 30 * DAY_MS]) assert.ok(timeTicks(T, T + span, max).length <= max, `${max} ${span}`);
});

test("bucket labels", () => {
  assert.equal(bucketLabel(T + 14 * HOUR_MS, "hour"), "Tue May 12 14:00–15:00");
  assert.equal(bucketLabel(T, "day"), "Tue May 12");
});

test("segments split at empty buckets and null values; paths have one vertex per value", () => {
  const g = bucketGrid([pt(T, 1), pt(T + HOUR_MS, 2), pt(T + 3 * HOUR_MS, 3), pt(T + 4 * HOUR_MS, null), pt(T + 5 * HOUR_MS, 5)], T, T + 6 * HOUR_MS, "hour");
  const segs = segments(g, (p) => p.value);
  assert.deepEqual(segs, [[[0, 1], [1, 2]], [[3, 3]], [[5, 5]]]);
  assert.equal(segmentPath(segs[0] ?? [], (i) => i * 10 + 0.04, (v) => 100 - v * 3.333), "M0,96.7 L10,93.3");
  assert.deepEqual(segments(g, () => Number.NaN), [], "non-finite values are gaps too");
});

test("slotAt maps pixels to equal bands, clamped", () => {
  assert.equal(slotAt(46, 46, 240, 24), 0);
  assert.equal(slotAt(46 + 239.9, 46, 240, 24), 23);
  assert.equal(slotAt(46 + 95, 46, 240, 24), 9);
  assert.equal(slotAt(0, 46, 240, 24), 0);
  assert.equal(slotAt(999, 46, 240, 24), 23);
  assert.equal(slotAt(50, 46, 240, 0), -1);
});

test("percent and number texts", () => {
  assert.equal(pct(0.5), "50%");
  assert.equal(pct(0.125), "13%");
  assert.equal(pct(0.061), "6.1%");
  assert.equal(pct(0.004), "0.4%");
  assert.equal(pct(0), "0%");
  assert.equal(pct(null), "—");
  assert.equal(num(0.86512), "0.865");
  assert.equal(num(3.456), "3.46");
  assert.equal(num(12.34), "12.3");
  assert.equal(num(1234.5), "1,235");
  assert.equal(num(null), "—");
});

test("the last hour by minute: ticks every few minutes, labelled hh:mm; minute buckets label their minute", () => {
  const from = new Date(2026, 10, 23, 21, 0).getTime();
  const ticks = timeTicks(from, from + 3_600_000, 8);
  assert.ok(ticks.length >= 2 && ticks.length <= 8, `${ticks.length} ticks`);
  assert.equal(ticks[0]?.label, "21:00");
  assert.equal((ticks[1]?.t ?? 0) - (ticks[0]?.t ?? 0), 10 * 60_000, "10-minute steps fit 8 ticks in an hour");
  assert.match(bucketLabel(from + 5 * 60_000, "minute"), /21:05–21:06$/);
});

test("15-second buckets: the grid, hh:mm:ss labels, minute ticks over 15 minutes and second ticks over short spans", () => {
  const from = new Date(2026, 10, 23, 21, 0).getTime();
  const to = from + 15 * 60_000;
  const slots = bucketGrid([pt(from + 45_000, 0.5), pt(from + 60_000, 0.75)], from, to, "15s");
  assert.equal(slots.length, 60, "15 minutes of 15 s");
  assert.deepEqual(
    slots.flatMap((s, i) => (s.point ? [i] : [])),
    [3, 4],
  );
  assert.deepEqual(segments(slots, (p) => p.value), [
    [
      [3, 0.5],
      [4, 0.75],
    ],
  ]);
  assert.equal(bucketLabel(from + 45_000, "15s"), "Mon Nov 23 21:00:45–21:01:00");
  const minutes = timeTicks(from, to, 6);
  assert.deepEqual(
    minutes.map((t) => t.label),
    ["21:00", "21:05", "21:10", "21:15"],
  );
  const seconds = timeTicks(from, from + 2 * 60_000, 10);
  assert.deepEqual(
    seconds.map((t) => t.label),
    ["21:00:00", "21:00:15", "21:00:30", "21:00:45", "21:01:00", "21:01:15", "21:01:30", "21:01:45", "21:02:00"],
  );
  assert.ok(timeTicks(from, from + 5 * 60_000, 6).every((t) => /^\d\d:\d\d$/.test(t.label)), "5 minutes in 6 ticks: minute steps");
});
