/** The Chat view of a span: one bubble per message, tool calls with name and arguments. Text only. */
import type { ChatMessage, ChatPart, ChatView } from "../../protocol/chatMessages";
import { dataUrlRef, isMediaRef } from "../../protocol/mediaRefs";
import { h } from "../lib/dom";
import { icon } from "./icons";
import { compactText, longText, mediaChip, renderJson } from "./jsonView";

const MAX_TEXT = 6000;

function imagePart(url: unknown): HTMLElement {
  if (isMediaRef(url)) return mediaChip(url);
  if (typeof url === "string") {
    const ref = dataUrlRef(url);
    if (ref) return mediaChip(ref);
    return h("span", { class: "media-ref", title: "Image URL (not loaded)" }, "[image] ", longText(url, 200));
  }
  return h("span", { class: "media-ref" }, `[image] ${compactText(url).slice(0, 200)}`);
}

function part(p: ChatPart): HTMLElement {
  switch (p.kind) {
    case "text":
      return h("div", { class: "msg-text" }, longText(p.text, MAX_TEXT));
    case "reasoning":
      return h("div", { class: "msg-reasoning" }, h("span", { class: "msg-reasoning-label" }, "Reasoning"), longText(p.text, MAX_TEXT));
    case "image":
      return h("div", { class: "msg-media" }, imagePart(p.url));
    case "media":
      return h(
        "div",
        { class: "msg-media" },
        isMediaRef(p.value) ? mediaChip(p.value) : h("span", { class: "media-ref" }, `[${p.mime ?? "media"}] ${compactText(p.value).slice(0, 200)}`),
      );
    case "json":
      return h("div", { class: "msg-json" }, renderJson(p.value, { expandDepth: 2 }));
  }
}

function message(m: ChatMessage): HTMLElement {
  const roleClass = ["system", "developer", "user", "assistant", "tool", "function"].includes(m.role) ? m.role : "other";
  const head = h("div", { class: "msg-head" }, h("span", { class: "msg-role" }, m.role));
  if (m.name) head.append(h("span", { class: "msg-name" }, m.name));
  if (m.toolCallId) head.append(h("span", { class: "msg-meta" }, `result of ${m.toolCallId}`));
  const body = h("div", { class: "msg-body" });
  for (const p of m.parts) body.append(part(p));
  for (const c of m.toolCalls) {
    const args = c.arguments;
    body.append(
      h(
        "div",
        { class: "tool-call" },
        h("div", { class: "tool-call-head" }, h("span", { class: "tool-call-label" }, "tool call"), h("span", { class: "tool-call-name" }, c.name), c.id ? h("span", { class: "msg-meta" }, c.id) : null),
        args === undefined || args === null || (typeof args === "object" && Object.keys(args).length === 0)
          ? h("div", { class: "muted tool-call-noargs" }, "no arguments")
          : typeof args === "string"
            ? h("div", { class: "msg-text mono" }, longText(args, MAX_TEXT))
            : renderJson(args, { expandDepth: 3 }),
      ),
    );
  }
  if (m.parts.length === 0 && m.toolCalls.length === 0) body.append(h("div", { class: "muted" }, "(empty)"));
  if (m.finishReason) body.append(h("div", { class: "msg-finish" }, `finish reason: ${m.finishReason}`));
  return h("div", { class: `msg msg-${roleClass}` }, head, body);
}

export function renderChat(view: ChatView): HTMLElement {
  const el = h("div", { class: "chat" });
  const section = (title: string, list: ChatMessage[]) => {
    el.append(h("div", { class: "chat-section" }, icon(title === "Input" ? "down" : "up", "chat-section-icon"), `${title} · ${list.length} message${list.length === 1 ? "" : "s"}`));
    for (const m of list) el.append(message(m));
  };
  if (view.input.length > 0) section("Input", view.input);
  if (view.output.length > 0) section("Output", view.output);
  return el;
}
