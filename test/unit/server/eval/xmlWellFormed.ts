/**
 * A small XML 1.0 well-formedness checker for tests (no namespaces, no DTD): legal characters,
 * one root element, matching tags, quoted and unique attributes, only defined entity and
 * character references, no "]]>" in text. Returns the element tree with references decoded,
 * so tests can read back what a writer escaped. Throws with the offset on the first violation.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text content directly inside this element (references decoded), concatenated. */
  text: string;
}

const CHAR = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export function parseXml(xml: string): XmlElement {
  if (!CHAR.test(xml)) throw new Error("the document holds characters XML 1.0 does not allow");
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at offset ${i}: ${why} near ${JSON.stringify(xml.slice(i, i + 30))}`);
  };
  const ws = () => {
    while (i < xml.length && /[ \t\r\n]/.test(xml[i] as string)) i++;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) return fail("expected a name");
    i += m[0].length;
    return m[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(";")) return fail("an & that does not start a reference");
      if (ref in ENTITIES) return ENTITIES[ref] as string;
      const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
      if (!m) return fail(`undefined entity &${ref};`);
      const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
      if (!isXmlChar(cp)) return fail(`a character reference to a character XML does not allow (&${ref};)`);
      return String.fromCodePoint(cp);
    });
  const misc = () => {
    for (;;) {
      ws();
      if (xml.startsWith("<!--", i)) {
        const end = xml.indexOf("-->", i + 4);
        if (end < 0) fail("an unclosed comment");
        i = end + 3;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (xml[i] !== "<") fail("expected an element");
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: "" };
    for (;;) {
      const before = i;
      ws();
      if (xml.startsWith("/>", i)) {
        i += 2;
        return el;
      }
      if (xml[i] === ">") {
        i++;
        break;
      }
      if (i === before) fail("expected whitespace before an attribute");
      const attr = name();
      if (attr in el.attrs) fail(`attribute ${attr} appears twice`);
      ws();
      if (xml[i] !== "=") fail("expected =");
      i++;
      ws();
      const q = xml[i];
      if (q !== '"' && q !== "'") fail("an attribute value must be quoted");
      const end = xml.indexOf(q as string, i + 1);
      if (end < 0) fail("an unclosed attribute value");
      const raw = xml.slice(i + 1, end);
      if (raw.includes("<")) fail("< inside an attribute value");
      // Attribute-value normalization: literal tabs and line breaks read as spaces (only &#10; etc. keep them).
      el.attrs[attr] = decode(raw.replace(/\r\n|[\t\n\r]/g, " "));
      i = end + 1;
    }
    for (;;) {
      const lt = xml.indexOf("<", i);
      if (lt < 0) fail(`element <${el.name}> is never closed`);
      const raw = xml.slice(i, lt);
      if (raw.includes("]]>")) fail("]]> in text");
      el.text += decode(raw.replace(/\r\n?/g, "\n")); // end-of-line handling: literal CR reads as LF
      i = lt;
      if (xml.startsWith("</", i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        ws();
        if (xml[i] !== ">") fail("expected > after the end tag name");
        i++;
        return el;
      }
      if (xml.startsWith("<!--", i)) {
        const end = xml.indexOf("-->", i + 4);
        if (end < 0) fail("an unclosed comment");
        i = end + 3;
      } else if (xml.startsWith("<![CDATA[", i)) {
        const end = xml.indexOf("]]>", i + 9);
        if (end < 0) fail("an unclosed CDATA section");
        el.text += xml.slice(i + 9, end);
        i = end + 3;
      } else el.children.push(element());
    }
  };
  if (xml.startsWith("<?xml")) {
    const end = xml.indexOf("?>");
    if (end < 0) fail("an unclosed XML declaration");
    if (!/^<\?xml\s+version="1\.[0-9]+"(\s+encoding="[A-Za-z][A-Za-z0-9._-]*")?\s*\?>$/.test(xml.slice(0, end + 2))) fail("a malformed XML declaration");
    i = end + 2;
  }
  misc();
  const root = element();
  misc();
  if (i !== xml.length) fail("content after the root element");
  return root;
}

/** All descendants (and the element itself) with this name, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = el.name === name ? [el] : [];
  for (const c of el.children) out.push(...findAll(c, name));
  return out;
}
