export {
  getScorer,
  listScorers,
  registerScorer,
  RegisteredScorerHandle,
  ScorerApiError,
  type RegisteredScorerInfo,
  type SamplingConfig,
  type ScorerClientOptions,
  type ScorerState,
} from "./client";
