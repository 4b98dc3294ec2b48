import assert from "node:assert/strict";
import crypto from "node:crypto";
import { test } from "node:test";
import { hashUnit, sampleScorers } from "../../../../server/monitoring/sampler";

const ids = Array.from({ length: 20_000 }, (_, i) => crypto.createHash("md5").update(String(i)).digest("hex"));

function within5Sigma(count: number, n: number, p: number): void {
  const sigma = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(count - n * p) <= 5 * sigma + 1e-9, `${count} of ${n} is not within 5σ of ${n * p} (σ=${sigma.toFixed(1)})`);
}

test("each scorer's rate is honoured within 5σ (binomial), alone and among others", () => {
  const scorers = [
    { name: "a", sampleRate: 0.5 },
    { name: "b", sampleRate: 0.1 },
    { name: "c", sampleRate: 0.02 },
    { name: "d", sampleRate: 0.5 },
  ];
  const counts = new Map<string, number>();
  for (const id of ids) for (const s of sampleScorers(id, scorers)) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  for (const s of scorers) within5Sigma(counts.get(s.name) ?? 0, ids.length, s.sampleRate);
  let alone = 0;
  for (const id of ids) alone += sampleScorers(id, [{ name: "solo", sampleRate: 0.3 }]).length;
  within5Sigma(alone, ids.length, 0.3);
});

test("deterministic: the same answer every time and in any input order", () => {
  const s = [
    { name: "x", sampleRate: 0.2 },
    { name: "y", sampleRate: 0.7 },
  ];
  for (const id of ids.slice(0, 2000)) {
    const a = sampleScorers(id, s).map((x) => x.name);
    assert.deepEqual(sampleScorers(id, [...s].reverse()).map((x) => x.name), a);
    assert.deepEqual(sampleScorers(id, s).map((x) => x.name), a);
  }
  assert.equal(hashUnit("t", "s"), hashUnit("t", "s"));
  assert.notEqual(hashUnit("t", "s"), hashUnit("t", "s2"));
});

test("dense: traces a low-rate scorer sees are a subset of a higher-rate scorer's", () => {
  const s = [
    { name: "hi", sampleRate: 0.6 },
    { name: "mid", sampleRate: 0.25 },
    { name: "lo", sampleRate: 0.05 },
  ];
  const seen = new Map<string, Set<string>>([["hi", new Set()], ["mid", new Set()], ["lo", new Set()]]);
  for (const id of ids) for (const x of sampleScorers(id, s)) seen.get(x.name)?.add(id);
  for (const id of seen.get("lo") ?? []) assert.ok(seen.get("mid")?.has(id), `${id} in lo but not mid`);
  for (const id of seen.get("mid") ?? []) assert.ok(seen.get("hi")?.has(id), `${id} in mid but not hi`);
  assert.ok((seen.get("lo")?.size ?? 0) > 0);
});

test("rate 0 takes nothing, rate 1 takes everything", () => {
  let zero = 0;
  let one = 0;
  for (const id of ids) {
    zero += sampleScorers(id, [{ name: "z", sampleRate: 0 }]).length;
    one += sampleScorers(id, [{ name: "o", sampleRate: 1 }]).length;
  }
  assert.equal(zero, 0);
  assert.equal(one, ids.length);
  // a zero-rate scorer never blocks nor joins the walk
  assert.deepEqual(sampleScorers(ids[0] as string, [{ name: "o", sampleRate: 1 }, { name: "z", sampleRate: 0 }]).map((x) => x.name), ["o"]);
});
