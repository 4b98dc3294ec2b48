/**
 * The scorer API: MLflow's `@scorer` decorator and `Scorer` base class, in TypeScript.
 *
 *   // function form
 *   export const isConcise = scorer(function isConcise({ outputs }: { outputs: string }) {
 *     return outputs.length < 500;
 *   });
 *   await isConcise({ outputs: "short" }); // [{ name: "isConcise", value: true, … }]
 *
 *   // class form, for scorers that hold configuration
 *   export class MaxLength extends Scorer<{ outputs: string }> {
 *     constructor(readonly limit: number) { super({ name: "max_length", aggregations: ["mean", "min"] }); }
 *     score({ outputs }: { outputs: string }) { return outputs.length <= this.limit; }
 *   }
 *   await new MaxLength(100).run({ outputs: "short" });
 *
 * A scorer receives one object and destructures what it needs from `inputs`, `outputs`,
 * `expectations` and `trace` (MLflow's keyword-only parameters). It may be async. Calling a scorer
 * returns the normalized `FeedbackResult[]`; it never rejects because of the scorer's code.
 */
import type { FeedbackResult } from "../../protocol/scoring";
import { validateAggregations, type Aggregation } from "./aggregate";
import { isScorer as isScorerLike, SCORE_RAW, SCORER_BRAND, SCORER_PROTOCOL_VERSION, type ScorerLike } from "./brand";
import { runScorer } from "./run";
import type { ScorerArgs, ScorerArgsShape, ScorerFn, ScorerReturn } from "./types";

export interface ScorerOptions {
  /** The scorer's name, which is also the default Feedback name. Default: the function's (or class's) name, else `"scorer"`. */
  name?: string;
  /** Aggregations for the metrics: `"mean" | "min" | "max" | "median" | "variance" | "p90"` or `(values: number[]) => number`. Default (null): `["mean"]`. */
  aggregations?: readonly Aggregation[] | null;
  description?: string | null;
}

/** `(args?)` when every argument is optional, `(args)` when the scorer requires some. */
export type ScorerCallArgs<A> = object extends A ? [args?: A] : [args: A];

/**
 * What `scorer(fn)` returns. It is a `Scorer` (`instanceof Scorer`, `score` calls `fn` as-is, `run`
 * normalizes), as MLflow's `@scorer` returns a `Scorer`, and it is callable: calling it is the same as `run`.
 */
export interface FunctionScorer<A extends ScorerArgsShape = ScorerArgs> extends Scorer<A> {
  (...args: ScorerCallArgs<A>): Promise<FeedbackResult[]>;
  readonly kind: "function";
  /** The wrapped function. Calling it (or `score`) directly skips normalization and error capture. */
  readonly fn: ScorerFn<A>;
}

const DEFAULT_NAME = "scorer";

function resolveName(explicit: unknown, fallback: unknown, where: string): string {
  if (explicit !== undefined && explicit !== null) {
    if (typeof explicit !== "string" || explicit.trim() === "") throw new TypeError(`${where}: name must be a non-empty string`);
    return explicit;
  }
  return typeof fallback === "string" && fallback !== "" ? fallback : DEFAULT_NAME;
}

function resolveDescription(description: unknown, where: string): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== "string") throw new TypeError(`${where}: description must be a string`);
  return description;
}

function freezeAggregations(aggregations: unknown, where: string): readonly Aggregation[] | null {
  const list = validateAggregations(aggregations, where);
  return list === null ? null : Object.freeze(list);
}

/** A scorer named after `fn` (or `"scorer"`). */
export function scorer<A extends ScorerArgsShape = ScorerArgs>(fn: ScorerFn<A>): FunctionScorer<A>;
/** A scorer with an explicit name. */
export function scorer<A extends ScorerArgsShape = ScorerArgs>(name: string, fn: ScorerFn<A>): FunctionScorer<A>;
/** A scorer with a name, aggregations and a description. */
export function scorer<A extends ScorerArgsShape = ScorerArgs>(options: ScorerOptions, fn: ScorerFn<A>): FunctionScorer<A>;
export function scorer(first: unknown, second?: unknown): FunctionScorer<ScorerArgsShape> {
  const where = "scorer()";
  let options: ScorerOptions;
  let fn: unknown;
  if (typeof first === "function") {
    if (second !== undefined) throw new TypeError(`${where}: pass (fn), (name, fn) or (options, fn)`);
    options = {};
    fn = first;
  } else if (typeof first === "string") {
    options = { name: first };
    fn = second;
  } else if (typeof first === "object" && first !== null && !Array.isArray(first)) {
    options = first as ScorerOptions;
    fn = second;
  } else {
    throw new TypeError(`${where}: pass (fn), (name, fn) or ({ name, aggregations, description }, fn)`);
  }
  if (typeof fn !== "function") throw new TypeError(`${where}: the scorer must be a function ({ inputs, outputs, expectations, trace }) => result`);
  if (isScorerLike(fn)) throw new TypeError(`${where}: "${fn.name}" is already a scorer`);
  const userFn = fn as ScorerFn<ScorerArgsShape>;

  const name = resolveName(options.name, userFn.name, where);
  const aggregations = freezeAggregations(options.aggregations, `${where} "${name}"`);
  const description = resolveDescription(options.description, `${where} "${name}"`);

  const call = ((args?: ScorerArgsShape) => runScorer(call, args)) as FunctionScorer<ScorerArgsShape>;
  const constant = (value: unknown): PropertyDescriptor => ({ value, enumerable: true, writable: false, configurable: false });
  Object.setPrototypeOf(call, FunctionScorerMethods.prototype);
  Object.defineProperty(call, "name", { value: name, enumerable: true, writable: false, configurable: true });
  Object.defineProperties(call, {
    aggregations: constant(aggregations),
    description: constant(description),
    kind: constant("function"),
    fn: { value: userFn, enumerable: false, writable: false, configurable: false },
  });
  return call;
}

/**
 * The base class for scorers that hold configuration (MLflow's `Scorer` subclass). Implement
 * `score(args)`, and call `.run(args)` to get the normalized Feedbacks. The runtime treats exported
 * instances like function scorers.
 *
 *   class Contains extends Scorer<{ outputs: string }> {
 *     constructor(private readonly needle: string) { super({ name: "contains", aggregations: ["mean"] }); }
 *     score({ outputs }: { outputs: string }) { return outputs.includes(this.needle); }
 *   }
 */
export abstract class Scorer<A extends ScorerArgsShape = ScorerArgs> implements ScorerLike {
  /** Default: the subclass's name, else `"scorer"`. */
  readonly name: string;
  readonly aggregations: readonly Aggregation[] | null;
  readonly description: string | null;
  /** `"class"` for subclass instances, `"function"` for `scorer(fn)`. */
  readonly kind: "function" | "class" = "class";
  declare readonly [SCORER_BRAND]: number;

  /** `super()`, `super("name")` or `super({ name, aggregations, description })`. */
  constructor(options: ScorerOptions | string = {}) {
    const resolved: ScorerOptions = typeof options === "string" ? { name: options } : (options ?? {});
    const where = `${new.target.name || "Scorer"} constructor`;
    this.name = resolveName(resolved.name, new.target.name, where);
    this.aggregations = freezeAggregations(resolved.aggregations, `${where} "${this.name}"`);
    this.description = resolveDescription(resolved.description, `${where} "${this.name}"`);
  }

  /** Judge one example. Return a boolean, number, string, Feedback, Feedback[] or undefined (no assessment); may be async. */
  abstract score(args: A): ScorerReturn | Promise<ScorerReturn>;

  /** Runs `score` and returns the normalized Feedbacks. It never rejects because of `score`: errors become error Feedbacks. */
  run(...args: ScorerCallArgs<A>): Promise<FeedbackResult[]> {
    return runScorer(this, args[0]);
  }

  /** @internal */
  [SCORE_RAW](args: ScorerArgsShape): unknown {
    if (typeof (this as { score?: unknown }).score !== "function") {
      throw new TypeError(`scorer "${this.name}" has no score() method`);
    }
    return this.score(args as A);
  }
}

Object.defineProperty(Scorer.prototype, SCORER_BRAND, { value: SCORER_PROTOCOL_VERSION, enumerable: false, writable: false, configurable: false });

/**
 * The prototype of function scorers (never constructed). Function scorers are functions whose
 * prototype is this class's prototype, so they get `run` and the brand from `Scorer`. `score` calls
 * `fn`, `toString` shows `fn`'s source, and `call`/`apply`/`bind` are copied from `Function.prototype`.
 */
class FunctionScorerMethods extends Scorer<ScorerArgsShape> {
  declare readonly fn: ScorerFn<ScorerArgsShape>;

  score(args: ScorerArgsShape): ScorerReturn | Promise<ScorerReturn> {
    return this.fn(args);
  }

  /** The wrapped function's source. */
  override toString(): string {
    return Function.prototype.toString.call(this.fn);
  }
}

for (const key of ["apply", "bind", "call"] as const) {
  Object.defineProperty(FunctionScorerMethods.prototype, key, { value: Function.prototype[key], enumerable: false, writable: true, configurable: true });
}

/** True for a function scorer or a `Scorer` subclass instance, including ones made by another copy of the SDK (it checks a registry brand, not `instanceof`). Never throws. */
export function isScorer(value: unknown): value is Scorer {
  return isScorerLike(value);
}

export type { ScorerLike };
