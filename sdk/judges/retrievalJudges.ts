/**
 * The retrieval judges (MLflow `RetrievalGroundedness`, `RetrievalRelevance`,
 * `RetrievalSufficiency`). They read the documents of the trace's RETRIEVER spans
 * (`trace.searchSpans({ spanType: "RETRIEVER" })`, all of them, in start order); a trace without
 * retriever spans (or no trace) gives an error Feedback and no model call.
 */
import type { ScorerArgsShape } from "../scoring/types";
import { JudgeInputError } from "./errors";
import { LlmJudge, type JudgeCostProfile, type JudgeOptions, type JudgeVerdict } from "./judge";
import { badResult, parseJudgeAnswer, toYesNo } from "./parse";
import { JUDGE_INSTRUCTIONS, judgeCostProfile, RELEVANCE_FORMAT } from "./judgeProfiles";
import { chat, expectedAnswer, required, section, YES_NO_FORMAT, yesNoVerdict } from "./prompt";
import type { ChatMessage } from "./provider";
import { renderDocs, retrievedDocs } from "./render";

function traceOf(args: ScorerArgsShape): ScorerArgsShape["trace"] {
  return args.trace;
}

/** Is the response supported by the retrieved documents? "yes" = grounded. Default name `"retrieval_groundedness"`. */
export class RetrievalGroundedness extends LlmJudge {
  static readonly INSTRUCTIONS = JUDGE_INSTRUCTIONS.RetrievalGroundedness;

  constructor(options: JudgeOptions = {}) {
    super("retrieval_groundedness", options);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    const docs = retrievedDocs(this.name, traceOf(args));
    return chat(RetrievalGroundedness.INSTRUCTIONS, section("response", required(this.name, args, "outputs")), section("retrieved_documents", renderDocs(docs)), YES_NO_FORMAT);
  }

  protected readVerdict(text: string): JudgeVerdict {
    return yesNoVerdict(text);
  }

  costProfile(): JudgeCostProfile {
    return judgeCostProfile("RetrievalGroundedness");
  }
}


/**
 * Which retrieved documents are relevant to the request? The value is the fraction of relevant
 * documents (precision, 0–1); the rationale lists each document's verdict. One model call per trace.
 * Default name `"retrieval_relevance"`.
 */
export class RetrievalRelevance extends LlmJudge {
  static readonly INSTRUCTIONS = JUDGE_INSTRUCTIONS.RetrievalRelevance;
  /** Documents per prompt, so the answer can be checked against the count (calls may run concurrently). */
  readonly #docCount = new WeakMap<readonly ChatMessage[], number>();

  constructor(options: JudgeOptions = {}) {
    super("retrieval_relevance", options);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    const docs = retrievedDocs(this.name, traceOf(args));
    if (docs.length === 0) throw new JudgeInputError(`judge "${this.name}": the RETRIEVER spans returned no documents`);
    const messages = chat(RetrievalRelevance.INSTRUCTIONS, section("request", required(this.name, args, "inputs")), section("retrieved_documents", renderDocs(docs)), RELEVANCE_FORMAT);
    this.#docCount.set(messages, docs.length);
    return messages;
  }

  protected readVerdict(text: string, messages: readonly ChatMessage[]): JudgeVerdict {
    const parsed = parseJudgeAnswer(text, '{"rationale": "...", "result": ["yes" | "no", …]}');
    const expected = this.#docCount.get(messages) ?? 0;
    const list = Array.isArray(parsed.result) ? parsed.result : null;
    const verdicts = list?.map(toYesNo) ?? null;
    if (verdicts === null || verdicts.length === 0 || verdicts.some((v) => v === null)) badResult(text, 'a list of "yes"/"no", one per document', parsed.result);
    const relevant = verdicts.filter((v) => v === "yes").length;
    const summary = verdicts.map((v, i) => `[${i + 1}] ${String(v)}`).join(", ");
    const countNote = expected > 0 && verdicts.length !== expected ? ` (the model judged ${verdicts.length} of ${expected} documents)` : "";
    return { value: relevant / verdicts.length, rationale: `${relevant}/${verdicts.length} relevant: ${summary}${countNote}${parsed.rationale === null ? "" : `. ${parsed.rationale}`}` };
  }

  costProfile(): JudgeCostProfile {
    return judgeCostProfile("RetrievalRelevance");
  }
}

/**
 * Do the retrieved documents contain everything needed for the expected answer? Needs
 * `expectations.expected_response` or `expected_facts`. Default name `"retrieval_sufficiency"`.
 */
export class RetrievalSufficiency extends LlmJudge {
  static readonly INSTRUCTIONS = JUDGE_INSTRUCTIONS.RetrievalSufficiency;

  constructor(options: JudgeOptions = {}) {
    super("retrieval_sufficiency", options);
  }

  protected buildMessages(args: ScorerArgsShape): ChatMessage[] {
    const docs = retrievedDocs(this.name, traceOf(args));
    const expected = expectedAnswer(this.name, args);
    return chat(RetrievalSufficiency.INSTRUCTIONS, section("request", required(this.name, args, "inputs")), section("retrieved_documents", renderDocs(docs)), expected, YES_NO_FORMAT);
  }

  protected readVerdict(text: string): JudgeVerdict {
    return yesNoVerdict(text);
  }

  costProfile(): JudgeCostProfile {
    return judgeCostProfile("RetrievalSufficiency");
  }
}
