/**
 * Per-assessment counts over a run's result rows: pass/fail (booleans and "yes"/"no", as MLflow
 * reads them), errors, values. Errors are not counted as passes or failures. Pure.
 */
import type { RunResultRow } from "../../protocol/scoring";
import { passOf } from "../../protocol/runDiff";
import { z } from "zod";

export const AssessmentSummary = z.object({
  /** The assessment (feedback) name. */
  name: z.string(),
  /** Feedbacks with this name, errors included. */
  count: z.number().int(),
  errors: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  /** passed / (passed + failed); null when no value was a pass/fail value. */
  passRate: z.number().nullable(),
});
export type AssessmentSummary = z.infer<typeof AssessmentSummary>;

/** One summary per assessment name, in order of first appearance. */
export function summarizeAssessments(rows: readonly Pick<RunResultRow, "feedbacks">[]): AssessmentSummary[] {
  const byName = new Map<string, AssessmentSummary>();
  for (const row of rows) {
    for (const f of row.feedbacks) {
      let s = byName.get(f.name);
      if (!s) byName.set(f.name, (s = { name: f.name, count: 0, errors: 0, passed: 0, failed: 0, passRate: null }));
      s.count++;
      if (f.error !== null) {
        s.errors++;
        continue;
      }
      const pass = passOf(f.value);
      if (pass === true) s.passed++;
      else if (pass === false) s.failed++;
    }
  }
  for (const s of byName.values()) s.passRate = s.passed + s.failed > 0 ? s.passed / (s.passed + s.failed) : null;
  return [...byName.values()];
}
