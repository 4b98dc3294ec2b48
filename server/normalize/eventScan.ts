/**
 * One pass over a span's events: the first `exception` event, and the GenAI message events
 * (current `gen_ai.client.inference.operation.details`, older `gen_ai.content.prompt|completion`,
 * deprecated per-message events and `gen_ai.choice`).
 */
import type { Attributes, SpanEvent } from "../../protocol/model";
import { deprecatedEventRole, fromChoiceEvent, fromDeprecatedMessageEvent, type Message } from "./messages";

export interface EventScan {
  /** True when any event name starts with `gen_ai.`. */
  genAi: boolean;
  exception: Attributes | null;
  /** Attributes of the first `gen_ai.client.inference.operation.details` event. */
  inferenceDetails: Attributes | null;
  /** `gen_ai.prompt` of the first `gen_ai.content.prompt` event. */
  contentPrompt: unknown;
  /** `gen_ai.completion` of the first `gen_ai.content.completion` event. */
  contentCompletion: unknown;
  /** Messages from deprecated `gen_ai.*.message` events, in event order. */
  inputMessages: Message[] | null;
  /** Messages from deprecated `gen_ai.choice` events, in event order. */
  choices: Message[] | null;
}

const EMPTY: EventScan = Object.freeze({
  genAi: false,
  exception: null,
  inferenceDetails: null,
  contentPrompt: undefined,
  contentCompletion: undefined,
  inputMessages: null,
  choices: null,
}) as EventScan;

export function scanEvents(events: readonly SpanEvent[]): EventScan {
  if (events.length === 0) return EMPTY;
  const scan: EventScan = { ...EMPTY };
  for (const event of events) {
    const name = event.name;
    if (name === "exception") {
      if (scan.exception === null) scan.exception = event.attributes;
      continue;
    }
    if (!name.startsWith("gen_ai.")) continue;
    scan.genAi = true;
    const attrs = event.attributes;
    switch (name) {
      case "gen_ai.client.inference.operation.details":
        if (scan.inferenceDetails === null) scan.inferenceDetails = attrs;
        break;
      case "gen_ai.content.prompt":
        if (scan.contentPrompt === undefined && attrs["gen_ai.prompt"] !== undefined) {
          scan.contentPrompt = attrs["gen_ai.prompt"];
        }
        break;
      case "gen_ai.content.completion":
        if (scan.contentCompletion === undefined && attrs["gen_ai.completion"] !== undefined) {
          scan.contentCompletion = attrs["gen_ai.completion"];
        }
        break;
      case "gen_ai.choice": {
        const m = fromChoiceEvent(attrs);
        if (m !== null) (scan.choices ??= []).push(m);
        break;
      }
      default: {
        const role = deprecatedEventRole(name);
        if (role !== undefined) (scan.inputMessages ??= []).push(fromDeprecatedMessageEvent(role, attrs));
      }
    }
  }
  return scan;
}
