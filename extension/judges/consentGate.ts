/**
 * One consent question per model, not one per judge call. VS Code asks the user before ScoreLens
 * may use another extension's language model; a run of 100 judge calls would otherwise raise the
 * dialog for every call the user refuses (VS Code coalesces "Allow", not "Cancel"), and monitoring
 * would raise it for every sampled trace.
 *
 * Per model (vendor/id): while consent is unknown, the first call goes through and the others wait
 * for it. An answer grants consent (later calls run freely). A `no-permission` refusal makes the
 * later calls fail at once with the same error, without calling the model (so without asking
 * again), until {@link ConsentGate.reset}: the user starts a run or chooses a judge model, which
 * is when asking again is what they want. vscode-free, so it is unit-tested without VS Code.
 */
import type { LanguageModelChatOutcome } from "../../protocol/languageModel";

interface ModelConsent {
  granted: boolean;
  /** The refusal's message, while refused. */
  refusal: string | null;
  /** The call that is finding out, while consent is unknown. */
  probing: Promise<void> | null;
}

export const NOT_ASKED_AGAIN = "ScoreLens does not ask again until you start a run from the editor or choose a judge model";

export class ConsentGate {
  readonly #models = new Map<string, ModelConsent>();

  /** Ask again at the next call (refusals are forgotten; grants are kept: VS Code remembers them). */
  reset(): void {
    for (const state of this.#models.values()) state.refusal = null;
  }

  async run(model: string, call: () => Promise<LanguageModelChatOutcome>): Promise<LanguageModelChatOutcome> {
    let state = this.#models.get(model);
    if (state === undefined) {
      state = { granted: false, refusal: null, probing: null };
      this.#models.set(model, state);
    }
    while (!state.granted && state.probing !== null) await state.probing;
    if (state.refusal !== null) return { ok: false, error: { code: "no-permission", message: `${state.refusal} (${NOT_ASKED_AGAIN})` } };
    if (state.granted) return this.#settle(state, await call());
    let done = (): void => undefined;
    state.probing = new Promise<void>((resolve) => (done = resolve));
    try {
      return this.#settle(state, await call());
    } finally {
      state.probing = null;
      done();
    }
  }

  #settle(state: ModelConsent, outcome: LanguageModelChatOutcome): LanguageModelChatOutcome {
    if (outcome.ok) {
      state.granted = true;
      state.refusal = null;
    } else if (outcome.error.code === "no-permission") {
      state.granted = false;
      state.refusal = outcome.error.message;
    }
    return outcome;
  }
}
