/** RFC 4180 CSV reading and writing (server/datasets/csv.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CsvError, parseCsv, sniffDelimiter, writeCsv } from "../../../../server/datasets/csv";

test("quoted fields hold delimiters, doubled quotes and line breaks; CRLF, LF and CR all end records", () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\n1,,3\r"last","",\r\n';
  const r = parseCsv(text);
  assert.deepEqual(r.records, [
    ["a", "b", "c"],
    ["x, y", 'say "hi"', "two\r\nlines"],
    ["1", "", "3"],
    ["last", "", ""],
  ]);
  assert.deepEqual(r.lines, [1, 2, 4, 5], "a record spanning lines moves the next record's line");
});

test("the last record needs no line end; a trailing delimiter is an empty field; blank lines are records of one empty field", () => {
  assert.deepEqual(parseCsv("a,b\n1,2").records, [["a", "b"], ["1", "2"]]);
  assert.deepEqual(parseCsv("a,b\n1,").records, [["a", "b"], ["1", ""]]);
  assert.deepEqual(parseCsv("a\n\nb\n").records, [["a"], [""], ["b"]]);
});

test("a quote that is never closed, or text after a closing quote, is an error with the line", () => {
  assert.throws(
    () => parseCsv('a,b\n1,2\n3,"open\nstill open\n'),
    (e) => e instanceof CsvError && e.line === 3 && /never closed/.test(e.message),
  );
  assert.throws(
    () => parseCsv('a,b\n"x"y,2\n'),
    (e) => e instanceof CsvError && e.line === 2 && /unexpected "y" after the closing quote/.test(e.message),
  );
});

test("an unquoted quote inside a field is kept as written (lenient, as spreadsheets read it)", () => {
  assert.deepEqual(parseCsv('a\n5" screen\n').records, [["a"], ['5" screen']]);
});

test("the delimiter is sniffed from the header: comma, else tab, else semicolon", () => {
  assert.equal(sniffDelimiter("inputs.q,outputs\n"), ",");
  assert.equal(sniffDelimiter("inputs.q\toutputs\n"), "\t");
  assert.equal(sniffDelimiter("inputs.q;outputs\r\n1,5;2\n"), ";");
  assert.deepEqual(parseCsv("inputs.q;outputs\r\n1,5;2\r\n").records, [["inputs.q", "outputs"], ["1,5", "2"]]);
});

test("the record cap stops early with the caller's message", () => {
  assert.throws(
    () => parseCsv("h\n1\n2\n3\n", { maxRecords: 2, tooMany: () => "too many rows" }),
    (e) => e instanceof CsvError && e.line === 3 && /too many rows/.test(e.message),
  );
});

test("writeCsv → parseCsv round-trips arbitrary fields (quotes, delimiters, CR, LF, unicode, empty)", () => {
  const alphabet = ['a', ",", '"', "\n", "\r", " ", "é", "🙂", ";", "\t", "x"];
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let round = 0; round < 200; round++) {
    const cols = 1 + rnd(4);
    const records = [Array.from({ length: cols }, (_, i) => `h${i}`)];
    for (let r = 0; r < 1 + rnd(5); r++) {
      records.push(Array.from({ length: cols }, () => Array.from({ length: rnd(6) }, () => alphabet[rnd(alphabet.length)]).join("")));
    }
    // A record whose only field is empty is written as an empty line, which reads back as [""]: same thing.
    const text = writeCsv(records);
    assert.deepEqual(parseCsv(text, { delimiter: "," }).records, records, JSON.stringify(text));
  }
});
