/**
 * The risk engine: restaking-graph security (Durvasula–Roughgarden, Bar-Zur–Eyal, EigenLayer unique stake) and
 * stake concentration. It reads engine state only through the protocol-neutral view (src/core/protocol.ts).
 * See docs/risk.md.
 */
export {
  type BruteLoss,
  type BruteSecurity,
  bruteBestAttack,
  bruteLoss,
  bruteSecurity,
  type StepPolicy,
} from "./brute.ts";
export { type CascadeResult, simulateCascade } from "./cascade.ts";
export { type Claim1Result, type Coalition, claim1, coalitionOf, isCoalition, isValidAttack } from "./coalition.ts";
export {
  type ConcentrationReport,
  concentration,
  type EntityMap,
  type LrtHolding,
  type Metrics,
  metrics,
  parseEntityMap,
  parseLrtHoldings,
} from "./concentration.ts";
export { type Method, maxGain, minRatio, type SearchBudget, worstLoss } from "./dr.ts";
export { analyzeElastic, elasticCondition, robustness, stretch } from "./elastic.ts";
export {
  GraphError,
  graphToJson,
  parseGraph,
  type RestakingGraph,
  removeValidators,
  splitUnique,
  toIntGraph,
} from "./graph.ts";
export { graphFromNeutral, neutralFromJson, parseRiskParams, type RiskParams } from "./neutral.ts";
export { Rational, r } from "./rational.ts";
export { analyzeSecurity, type RiskModel, type SecurityOptions, type SecurityReport } from "./security.ts";
