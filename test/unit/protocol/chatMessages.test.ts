import assert from "node:assert/strict";
import { test } from "node:test";
import { chatView, toChatMessages } from "../../../protocol/chatMessages";
import { MediaRef, replaceMedia } from "../../../protocol/mediaRefs";

test("OpenAI request {messages} with tool calls and tool results", () => {
  const msgs = toChatMessages({
    model: "gpt-4o",
    messages: [
      { role: "system", content: "You are helpful." },
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temp": 21}' },
    ],
  });
  assert.ok(msgs);
  assert.deepEqual(
    msgs.map((m) => m.role),
    ["system", "user", "assistant", "tool"],
  );
  assert.deepEqual(msgs[0]!.parts, [{ kind: "text", text: "You are helpful." }]);
  assert.deepEqual(msgs[1]!.parts, [
    { kind: "text", text: "Weather in Paris?" },
    { kind: "image", url: "https://x/y.png" },
  ]);
  assert.deepEqual(msgs[2]!.toolCalls, [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }]);
  assert.deepEqual(msgs[2]!.parts, []);
  assert.equal(msgs[3]!.toolCallId, "call_1");
  assert.deepEqual(msgs[3]!.parts, [{ kind: "text", text: '{"temp": 21}' }]);
});

test("OpenAI response choices[].message, and a JSON string of it", () => {
  const resp = { id: "x", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Sunny, 21°C." } }] };
  for (const v of [resp, JSON.stringify(resp)]) {
    const msgs = toChatMessages(v);
    assert.ok(msgs);
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0]!.role, "assistant");
    assert.equal(msgs[0]!.finishReason, "stop");
    assert.deepEqual(msgs[0]!.parts, [{ kind: "text", text: "Sunny, 21°C." }]);
  }
});

test("OTel GenAI parts messages", () => {
  const msgs = toChatMessages([
    { role: "user", parts: [{ type: "text", content: "Find flights" }] },
    {
      role: "assistant",
      parts: [
        { type: "reasoning", content: "need the tool" },
        { type: "tool_call", id: "t1", name: "search_flights", arguments: { from: "SFO" } },
      ],
      finish_reason: "tool_call",
    },
    { role: "tool", parts: [{ type: "tool_call_response", id: "t1", response: { flights: 3 } }] },
    { role: "assistant", parts: [{ type: "text", content: "Found 3." }] },
  ]);
  assert.ok(msgs);
  assert.deepEqual(msgs[0]!.parts, [{ kind: "text", text: "Find flights" }]);
  assert.deepEqual(msgs[1]!.parts, [{ kind: "reasoning", text: "need the tool" }]);
  assert.deepEqual(msgs[1]!.toolCalls, [{ id: "t1", name: "search_flights", arguments: { from: "SFO" } }]);
  assert.equal(msgs[1]!.finishReason, "tool_call");
  assert.equal(msgs[2]!.toolCallId, "t1");
  assert.deepEqual(msgs[2]!.parts, [{ kind: "json", value: { flights: 3 } }]);
});

test("OpenInference message list with contents and tool_calls", () => {
  const msgs = toChatMessages([
    { message: { role: "user", contents: [{ message_content: { type: "text", text: "hi" } }, { message_content: { type: "image", image: { image: { url: "https://i/x.png" } } } }] } },
    { message: { role: "assistant", tool_calls: [{ tool_call: { id: "c9", function: { name: "lookup", arguments: '{"q":1}' } } }] } },
  ]);
  assert.ok(msgs);
  assert.deepEqual(msgs[0]!.parts, [
    { kind: "text", text: "hi" },
    { kind: "image", url: "https://i/x.png" },
  ]);
  assert.deepEqual(msgs[1]!.toolCalls, [{ id: "c9", name: "lookup", arguments: { q: 1 } }]);
});

test("Anthropic request/response, Gemini, LangChain and OpenAI Responses shapes", () => {
  const anth = toChatMessages({ system: "Be brief.", messages: [{ role: "user", content: "2+2?" }] });
  assert.deepEqual(
    anth?.map((m) => [m.role, m.parts]),
    [
      ["system", [{ kind: "text", text: "Be brief." }]],
      ["user", [{ kind: "text", text: "2+2?" }]],
    ],
  );
  const anthResp = toChatMessages({
    type: "message",
    role: "assistant",
    content: [
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "tu1", name: "calc", input: { expr: "2+2" } },
    ],
    stop_reason: "tool_use",
  });
  assert.deepEqual(anthResp?.[0]!.toolCalls, [{ id: "tu1", name: "calc", arguments: { expr: "2+2" } }]);
  assert.equal(anthResp?.[0]!.finishReason, "tool_use");

  const gem = toChatMessages({ contents: [{ role: "user", parts: [{ text: "hello" }] }, { role: "model", parts: [{ functionCall: { name: "f", args: { a: 1 } } }] }] });
  assert.deepEqual(
    gem?.map((m) => m.role),
    ["user", "assistant"],
  );
  assert.deepEqual(gem?.[1]!.toolCalls, [{ id: null, name: "f", arguments: { a: 1 } }]);
  const gemResp = toChatMessages({ candidates: [{ content: { role: "model", parts: [{ text: "hi" }] }, finishReason: "STOP" }] });
  assert.equal(gemResp?.[0]!.finishReason, "STOP");

  const lc = toChatMessages([[{ type: "human", content: "q" }, { type: "ai", content: "a", tool_calls: [{ name: "t", args: { x: 1 }, id: "i" }] }]]);
  assert.deepEqual(
    lc?.map((m) => m.role),
    ["user", "assistant"],
  );
  assert.deepEqual(lc?.[1]!.toolCalls, [{ id: "i", name: "t", arguments: { x: 1 } }]);
  const lcSerialized = toChatMessages({ messages: [{ lc: 1, type: "constructor", id: ["langchain", "schema", "messages", "SystemMessage"], kwargs: { content: "sys" } }] });
  assert.equal(lcSerialized?.[0]!.role, "system");

  const responses = toChatMessages({
    object: "response",
    output: [
      { type: "function_call", call_id: "fc1", name: "get", arguments: "{}" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] },
    ],
  });
  assert.deepEqual(
    responses?.map((m) => [m.role, m.toolCalls.length, m.parts]),
    [
      ["assistant", 1, []],
      ["assistant", 0, [{ kind: "text", text: "done" }]],
    ],
  );
});

test("non-chat values are not chat", () => {
  for (const v of [
    null,
    undefined,
    42,
    "just a string",
    "{not json",
    [],
    [1, 2],
    { query: "what?" },
    { documents: [{ id: 1, page_content: "x" }] },
    [{ role: "admin", permissions: ["x"] }],
    { role: "admin", id: 3 },
    [{ role: "user", content: "x" }, { foo: 1 }],
  ]) {
    assert.equal(toChatMessages(v), null, JSON.stringify(v));
  }
  assert.equal(chatView({ q: 1 }, "answer"), null);
});

test("chatView pairs a transcript with a plain output; media refs become media parts", () => {
  const v = chatView({ messages: [{ role: "user", content: "hi" }] }, "hello there");
  assert.deepEqual(
    v?.output.map((m) => [m.role, m.parts]),
    [["assistant", [{ kind: "text", text: "hello there" }]]],
  );
  const png = "data:image/png;base64," + "iVBORw0KGgo" + "A".repeat(2000);
  const { value } = replaceMedia({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: png } }, png] }] });
  const msgs = toChatMessages(value);
  assert.ok(msgs);
  const [img, raw] = msgs[0]!.parts;
  assert.equal(img!.kind, "image");
  assert.ok(img!.kind === "image" && img!.url instanceof MediaRef);
  assert.equal(raw!.kind, "media");
  const reverse = chatView("What is 2+2?", { choices: [{ message: { role: "assistant", content: "4" } }] });
  assert.deepEqual(
    reverse?.input.map((m) => [m.role, m.parts]),
    [["user", [{ kind: "text", text: "What is 2+2?" }]]],
  );
});
