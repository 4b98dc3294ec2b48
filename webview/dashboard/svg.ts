/**
 * SVG element builder (document.createElementNS). Like h(), text goes in as text nodes only;
 * attributes are set with setAttribute and inline event handlers are refused.
 */
const NS = "http://www.w3.org/2000/svg";

type Child = SVGElement | string | number | null | undefined | false;

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number | undefined> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || k.startsWith("on")) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return el;
}
