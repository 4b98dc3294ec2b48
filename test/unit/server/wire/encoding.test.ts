import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  hexToBase64,
  int64FromJson,
  int64ToAttr,
  parseIdText,
  uint64FromJson,
  uint64ToDecimal,
} from "../../../../server/wire/encoding";

describe("wire encoding helpers", () => {
  it("hex and base64 agree with Buffer for random bytes of every length", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      assert.equal(bytesToHex(bytes), bytes.toString("hex"));
      const b64 = bytesToBase64(bytes);
      assert.equal(b64, bytes.toString("base64"));
      assert.deepEqual(Buffer.from(base64ToBytes(b64)!), bytes);
      assert.deepEqual(Buffer.from(base64ToBytes(bytes.toString("base64url"))!), bytes);
      assert.equal(hexToBase64(bytes.toString("hex")), b64);
    }
  });

  it("base64ToBytes rejects what is not base64", () => {
    for (const bad of ["a", "ab$d", "abc=d", "a===", "ab==cd==", "é"]) assert.equal(base64ToBytes(bad), null, bad);
  });

  it("parseIdText reads hex (0x, any case) and base64, and nothing else", () => {
    const hex = "0af7651916cd43dd8448eb211c80319c";
    const b64 = Buffer.from(hex, "hex").toString("base64");
    assert.equal(parseIdText(hex, 16), hex);
    assert.equal(parseIdText(hex.toUpperCase(), 16), hex);
    assert.equal(parseIdText(`0x${hex}`, 16), hex);
    assert.equal(parseIdText(b64, 16), hex);
    assert.equal(parseIdText(b64.replace(/=+$/, ""), 16), hex);
    assert.equal(parseIdText(hex, 8), null);
    assert.equal(parseIdText("b7ad6b7169203331", 8), "b7ad6b7169203331");
    assert.equal(parseIdText("tr-" + hex, 16), null);
    assert.equal(parseIdText("", 8), null);
  });

  it("64-bit integers convert exactly", () => {
    const cases: bigint[] = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 1750000000123456789n];
    for (const v of cases) {
      const lo = Number(v & 0xffffffffn);
      const hi = Number(v >> 32n);
      assert.equal(uint64ToDecimal(lo, hi), v.toString());
      const signed = BigInt.asIntN(64, v);
      const attr = int64ToAttr(lo, hi);
      assert.equal(String(attr), signed.toString());
      assert.equal(typeof attr, Number.isSafeInteger(Number(signed)) && BigInt(Number(signed)) === signed ? "number" : "string");
    }
  });

  it("JSON 64-bit values: strings, numbers, bounds", () => {
    assert.equal(uint64FromJson("0001750000000123456789"), "1750000000123456789");
    assert.equal(uint64FromJson("18446744073709551615"), "18446744073709551615");
    assert.equal(uint64FromJson("18446744073709551616"), null);
    assert.equal(uint64FromJson(-1), null);
    assert.equal(uint64FromJson(1.5), null);
    assert.equal(uint64FromJson("1e9"), null);
    assert.equal(uint64FromJson(1e18), "1000000000000000000");
    assert.equal(int64FromJson("-0042"), -42);
    assert.equal(int64FromJson("-9223372036854775808"), "-9223372036854775808");
    assert.equal(int64FromJson("12.5"), null);
    assert.equal(int64FromJson(2 ** 60), "1152921504606846976");
  });
});
