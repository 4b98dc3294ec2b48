/**
 * The instrumented agent: one AGENT span per question, with RETRIEVER, CHAT_MODEL and TOOL
 * children. Model spans carry OTel GenAI attributes (model, provider, token usage) the way real
 * instrumentation emits them; the rest uses the ScoreLens SDK's MLflow-style spans.
 */
import { trace, withSpan, updateCurrentTrace } from "../../sdk/index";
import { complete, latencyMs, MODEL, sleep, type ChatMessage } from "./fakeModel";
import { retrieve } from "./knowledgeBase";
import { getWeather } from "./tools";

const SYSTEM = "You are a concise travel assistant. Use the context.";

function chat(messages: ChatMessage[]): Promise<ChatMessage> {
  return withSpan(
    "chat.completions",
    async (span) => {
      await sleep(latencyMs(messages));
      const r = complete(messages);
      span.setAttributes({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": MODEL,
        "gen_ai.response.model": r.model,
        "gen_ai.usage.input_tokens": r.usage.inputTokens,
        "gen_ai.usage.output_tokens": r.usage.outputTokens,
        "gen_ai.response.finish_reasons": [r.finishReason],
      });
      span.setOutputs({ choices: [{ message: r.message, finish_reason: r.finishReason }] });
      return r.message;
    },
    { spanType: "CHAT_MODEL", inputs: { model: MODEL, messages } },
  );
}

export const answer = trace(
  async function travelAgent(question: string, userId: string, sessionId: string): Promise<string> {
    updateCurrentTrace({ userId, sessionId, tags: { app: "travel-assistant", env: "demo" }, metadata: { version: "1.3.0" } });
    const docs = await withSpan("retrieve_docs", async (span) => {
      await sleep(15 + question.length);
      const found = retrieve(question);
      span.setOutputs(found.map((d) => ({ id: d.id, page_content: d.content, score: d.score })));
      return found;
    }, { spanType: "RETRIEVER", inputs: { query: question } });

    const messages: ChatMessage[] = [
      { role: "system", content: `${SYSTEM}\nContext:\n${docs.map((d) => `- ${d.content}`).join("\n")}` },
      { role: "user", content: question },
    ];
    let reply = await chat(messages);
    for (const call of reply.tool_calls ?? []) {
      const result = await withSpan(call.function.name, async (span) => {
        await sleep(60);
        const args = JSON.parse(call.function.arguments) as { city: string };
        span.setAttributes({ "gen_ai.tool.name": call.function.name, "gen_ai.tool.call.id": call.id });
        const out = getWeather(args);
        span.setOutputs(out);
        return out;
      }, { spanType: "TOOL", inputs: JSON.parse(call.function.arguments) as unknown });
      messages.push(reply, { role: "tool", content: result, tool_call_id: call.id });
      reply = await chat(messages);
    }
    return reply.content;
  },
  { spanType: "AGENT" },
);
