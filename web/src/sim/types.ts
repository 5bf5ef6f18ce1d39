/**
 * The simulation lab's API answers as JSON (src/node/http/sim.ts): amounts are wei as decimal strings, ratios are
 * numbers. Mirrors src/sim/run/types.ts and src/sim/mc/stats.ts without importing them (the dashboard only talks
 * to the API).
 */

export interface SimScenario {
  name: string;
  description: string | null;
  preset: string;
  blocks: number;
  step: number;
  steps: number;
  seed: number;
  file: string;
}

export interface SimScenarios {
  scenarios: SimScenario[];
  invalid: { file: string; code: string; message: string }[];
}

export type JobStatus = "queued" | "running" | "done" | "failed";

export interface SimAccepted {
  id: string;
  kind: "run" | "montecarlo";
  status: JobStatus;
  scenario: string;
  seed: number;
  queuePosition: number | null;
  location: string;
}

export interface LrtStep {
  rate: string;
  price?: string;
  depeg: number;
  queueCount: number;
  queueValue: string;
  waitBlocks?: number;
  bridgeGap: string;
  supply: string;
}

export interface StepRow {
  step: number;
  block: number;
  lrts: Record<string, LrtStep>;
  losses: { stakers: string; lrtHolders: string; lenders: string };
  slashed: string;
  stolen: string;
  liquidations: number;
  liquidatedValue: string;
  badDebt: string;
  hf: number[];
  applied: number;
  reverted: number;
}

export interface SecuritySummary {
  gammaStar: string | null;
  secure: boolean | null;
  claim1: boolean | null;
  method: string;
}

export interface RunSummary {
  scenario: string;
  seed: number;
  hash: string;
  blocks: number;
  steps: number;
  slashed: string;
  stolen: string;
  losses: { stakers: string; lrtHolders: string; lenders: string };
  badDebt: string;
  liquidations: number;
  liquidatedValue: string;
  lrts: Record<string, { maxDepeg: number; depegBlocks: number; maxWaitBlocks: number; maxBridgeGap: string }>;
  security: { before: SecuritySummary; after: SecuritySummary };
  applied: number;
  reverted: number;
  reverts: Record<string, number>;
  injected: string;
  beaconPenalties: string;
  notes: string[];
  timing?: { buildMs: number; runMs: number };
}

interface JobFields {
  id: string;
  status: JobStatus;
  scenario: string;
  file: string | null;
  seed: number;
  queuePosition: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
}

export interface SimRunAnswer extends JobFields {
  kind: "run";
  progress: { step: number; steps: number; block: number | null };
  since: number;
  seriesLength: number;
  series: StepRow[];
  summary: RunSummary | null;
}

export interface Histogram {
  unit: "ETH" | "fraction";
  edges: number[];
  counts: number[];
  zeros: number;
}

export interface WorstPath {
  index: number;
  seed: number;
  badDebt: string;
  liquidatedValue: string;
  totalLoss: string;
  maxDepeg: number;
  /** fingerprint of every command the path applied */
  digest: string;
  /** the world hash at the path's end (what a single run with this seed reports) */
  stateHash: string | null;
}

export interface Figures {
  paths: number;
  var95: string;
  var99: string;
  lar95: string;
  lar99: string;
  pBadDebt: number;
  mean: {
    badDebt: string;
    liquidatedValue: string;
    slashed: string;
    stakers: string;
    lrtHolders: string;
    lenders: string;
  };
  maxDepeg: { p50: number; p95: number; p99: number; max: number };
  histograms: {
    badDebt: Histogram;
    liquidatedValue: Histogram;
    maxDepeg: Histogram;
    lossStakers?: Histogram;
    lossLrtHolders?: Histogram;
    lossLenders?: Histogram;
  };
  worst: WorstPath[];
  hash: string;
}

export interface MonteCarloResult {
  scenario: string;
  baseSeed: number;
  paths: number;
  sweep: { key: string; values: string[] } | null;
  variants: { label: string; figures: Figures }[];
  hash: string;
  timing?: { workers: number; totalMs: number; pathsPerSecond: number };
}

export interface SimMonteCarloAnswer extends JobFields {
  kind: "montecarlo";
  workers: number;
  progress: { done: number; total: number; elapsedMs: number; etaMs: number | null };
  result: MonteCarloResult | null;
}

/** Where a job's scenario came from: a shipped name, or YAML text (kept so a worst path can be rerun). */
export type ScenarioSource = { scenario: string } | { yaml: string; name: string };
