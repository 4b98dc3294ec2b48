/** Argument and return types shared by the scorer modules. */
import type { Feedback } from "./feedback";
import type { ScorerTrace } from "./scorerTrace";

/**
 * What a scorer receives: one object with MLflow's keyword parameters. Destructure only the ones
 * you need. `expectations` is ground truth (name → value).
 */
export interface ScorerArgs {
  inputs?: unknown;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  trace?: ScorerTrace;
}

/**
 * The constraint on a scorer's own argument type. It is looser than {@link ScorerArgs} so that a
 * scorer can annotate its arguments, e.g. `({ outputs }: { outputs: string })`, or use an
 * interface for `expectations`.
 */
export interface ScorerArgsShape {
  inputs?: unknown;
  outputs?: unknown;
  expectations?: unknown;
  trace?: ScorerTrace;
}

/** What a scorer may return. Anything else becomes an error Feedback. `undefined`/`null` mean "no assessment". */
export type ScorerReturn = boolean | number | string | Feedback | Feedback[] | undefined | null | void;

/** A scorer function: sync or async. */
export type ScorerFn<A extends ScorerArgsShape = ScorerArgs> = (args: A) => ScorerReturn | Promise<ScorerReturn>;
