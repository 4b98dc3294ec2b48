/** A few 16×16 line icons, built with createElementNS (no markup strings, no icon font). */
const SVG_NS = "http://www.w3.org/2000/svg";

const PATHS = {
  chevron: "M6 3.5l4.5 4.5L6 12.5",
  thumbsUp:
    "M4.5 7v6.5M4.5 7H2.5v6.5h2M4.5 7l2.7-4.6c.3-.5.9-.7 1.4-.4.5.3.7.8.6 1.3L8.7 6h3.8c.9 0 1.5.8 1.3 1.6l-1.1 4.7c-.1.7-.7 1.2-1.4 1.2H4.5",
  copy: "M5.5 5.5h7.5v8.5H5.5z M3 10.5V2.5h7.5",
  trash: "M2.5 4.5h11 M6 4.5V2.5h4v2 M4 4.5l.7 9h6.6l.7-9 M6.8 7v4.5 M9.2 7v4.5",
  compare: "M2.5 2.5h4.5v11H2.5z M9 2.5h4.5v11H9z",
  search: "M7 2.5a4.5 4.5 0 1 1 0 9a4.5 4.5 0 0 1 0-9z M10.3 10.3l3.2 3.2",
  up: "M8 13V3 M4 7l4-4 4 4",
  down: "M8 3v10 M4 9l4 4 4-4",
  collapseAll: "M2.5 2.5h11v11h-11z M5 8h6",
  expandAll: "M2.5 2.5h11v11h-11z M5 8h6 M8 5v6",
  error: "M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 0 1 0-13z M8 4.5v4.5 M8 11v.8",
  file: "M9.5 1.5H3.5v13h9V4.5z M9.5 1.5v3h3 M5.5 8h5 M5.5 10.5h5",
  close: "M4 4l8 8 M12 4l-8 8",
  check: "M3 8.5l3 3 7-7",
  target: "M8 2a6 6 0 1 1 0 12a6 6 0 0 1 0-12z M8 5a3 3 0 1 1 0 6a3 3 0 0 1 0-6z M8 7.6v.8",
  orphan: "M6.5 9.5l-2 2a2.1 2.1 0 0 1-3-3l2-2 M9.5 6.5l2-2a2.1 2.1 0 0 1 3 3l-2 2 M5.5 1.5v2 M1.5 5.5h2 M10.5 14.5v-2 M14.5 10.5h-2",
  clock: "M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 0 1 0-13z M8 4.5V8l2.5 1.5",
} as const;

export type IconName = keyof typeof PATHS | "thumbsDown";

export function icon(name: IconName, cls = ""): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `icon ${cls}`.trim());
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", name === "thumbsDown" ? PATHS.thumbsUp : PATHS[name]);
  if (name === "thumbsDown") path.setAttribute("transform", "rotate(180 8 8)");
  svg.append(path);
  return svg;
}
