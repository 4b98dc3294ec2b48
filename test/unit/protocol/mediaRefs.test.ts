import assert from "node:assert/strict";
import { test } from "node:test";
import {
  base64DecodedBytes,
  dataUrlRef,
  formatBytes,
  isMediaRef,
  looksLikeBase64Blob,
  MediaRef,
  mediaForString,
  replaceMedia,
  sniffBase64Mime,
} from "../../../protocol/mediaRefs";

/** A fake PNG: the real signature followed by pseudo-random bytes. */
function pngBase64(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buf);
  let x = 12345;
  for (let i = 8; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x & 0xff;
  }
  return buf.toString("base64");
}

test("formatBytes", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1023), "1023 B");
  assert.equal(formatBytes(12_595), "12.3 KB");
  assert.equal(formatBytes(5 * 1024 * 1024), "5.0 MB");
});

test("base64 size and signatures", () => {
  assert.equal(base64DecodedBytes(Buffer.alloc(1000).toString("base64")), 1000);
  assert.equal(base64DecodedBytes(Buffer.alloc(1001).toString("base64")), 1001);
  assert.equal(sniffBase64Mime(pngBase64(100)), "image/png");
  assert.equal(sniffBase64Mime(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]).toString("base64")), "image/jpeg");
  assert.equal(sniffBase64Mime(Buffer.from("%PDF-1.7 hello").toString("base64")), "application/pdf");
  assert.equal(sniffBase64Mime(Buffer.from("RIFF\0\0\0\0WEBPVP8 ").toString("base64")), "image/webp");
  assert.equal(sniffBase64Mime(Buffer.from("RIFF\0\0\0\0WAVEfmt ").toString("base64")), "audio/wav");
  assert.equal(sniffBase64Mime(Buffer.from("GIF89a......").toString("base64")), "image/gif");
  assert.equal(sniffBase64Mime("hello world"), null);
});

test("a data URL becomes a reference with its decoded size", () => {
  const b64 = pngBase64(12_595);
  const ref = dataUrlRef(`data:image/png;base64,${b64}`);
  assert.ok(ref);
  assert.equal(ref.mime, "image/png");
  assert.equal(ref.bytes, 12_595);
  assert.equal(ref.label(), "[image/png, 12.3 KB]");
  assert.equal(JSON.stringify({ a: ref }), '{"a":"[image/png, 12.3 KB]"}');
  // small data URLs are references too
  assert.equal(dataUrlRef("data:text/plain,hello")?.label(), "[text/plain, 5 B]");
  assert.equal(dataUrlRef("not a data url"), null);
});

test("long base64 strings are blobs; prose, hex digests and short strings are not", () => {
  assert.ok(looksLikeBase64Blob(pngBase64(2000)));
  assert.ok(looksLikeBase64Blob(Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 31) % 256)).toString("base64")));
  assert.ok(!looksLikeBase64Blob(pngBase64(500)), "under 1 KB");
  assert.ok(!looksLikeBase64Blob("The quick brown fox jumps over the lazy dog. ".repeat(100)));
  assert.ok(!looksLikeBase64Blob("a".repeat(5000)));
  assert.ok(!looksLikeBase64Blob("0123456789abcdef".repeat(200)), "lower-case hex");
  const r = mediaForString(pngBase64(3000));
  assert.ok(isMediaRef(r));
  assert.equal(r.label(), "[image/png, 2.9 KB]");
  const unknown = mediaForString(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) % 251)).toString("base64"));
  assert.ok(isMediaRef(unknown));
  assert.equal(unknown.mime, "application/octet-stream");
});

test("replaceMedia: nested values, OTLP bytes, image_url parts, Anthropic and Gemini payloads", () => {
  const png = pngBase64(5000);
  const input = {
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
        ],
      },
      { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQSkZJRgABAQAAAQABAAD" } }] },
      { role: "user", parts: [{ inline_data: { mime_type: "audio/wav", data: "UklGRiQAAABXQVZFZm10IBAAAAABAAEA" } }] },
    ],
    raw: { $bytes: png },
    plain: "keep me",
    num: 3,
    markdown: `see ![chart](data:image/png;base64,${png.slice(0, 400)}) above`,
  };
  const { value, count } = replaceMedia(input);
  assert.equal(count, 5);
  const v = value as typeof input;
  const parts = v.messages[0]!.content as Array<{ image_url?: { url: unknown } }>;
  assert.ok(parts[1]!.image_url!.url instanceof MediaRef);
  assert.equal((parts[1]!.image_url!.url as MediaRef).label(), "[image/png, 4.9 KB]");
  assert.equal(parts[2]!.image_url!.url, "https://example.com/cat.png");
  const anth = (v.messages[1]!.content as Array<{ source: { data: unknown } }>)[0]!.source.data as MediaRef;
  assert.equal(anth.mime, "image/jpeg");
  const gem = (v.messages[2] as unknown as { parts: Array<{ inline_data: { data: MediaRef } }> }).parts[0]!.inline_data.data;
  assert.equal(gem.mime, "audio/wav");
  assert.ok((v.raw as unknown) instanceof MediaRef);
  assert.equal((v.raw as unknown as MediaRef).source, "bytes");
  assert.equal(v.plain, "keep me");
  assert.match(v.markdown, /^see !\[chart\]\(\[image\/png, 300 B\]\) above$/);
  // the input is not mutated and untouched subtrees are shared
  assert.ok((input.messages[0]!.content as Array<{ image_url?: { url: string } }>)[1]!.image_url!.url.startsWith("data:"));
  const untouched = { a: { b: [1, 2, 3] } };
  assert.equal(replaceMedia(untouched).value, untouched);
  assert.equal(replaceMedia(untouched).count, 0);
});

test("replaceMedia keeps __proto__ keys as data and survives very deep values", () => {
  const o = JSON.parse(`{"__proto__": {"x": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}, "y": 1}`) as Record<string, unknown>;
  const { value } = replaceMedia(o);
  const own = Object.getOwnPropertyDescriptor(value as object, "__proto__");
  assert.ok(own, "own __proto__ property kept");
  assert.ok((own.value as { x: unknown }).x instanceof MediaRef);
  let deep: unknown = "data:image/png;base64,iVBORw0KGgo=";
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.doesNotThrow(() => replaceMedia(deep));
});
