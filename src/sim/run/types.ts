/**
 * What a run produces: one metrics row per step (the time series), and a summary. Amounts are wei as decimal
 * strings in the JSON outputs; in memory they are bigints. Ratios are numbers (floats): they are reported, never fed
 * back into the engine.
 */

export interface StepMetrics {
  step: number;
  block: number;
  /** per LRT: rate (ETH per token, 1e18), DEX price (ETH per token, 1e18; absent without a pool), depeg depth */
  lrts: Record<
    string,
    {
      rate: bigint;
      price?: bigint;
      /** 1 − price/rate, 0 when at or above the rate */
      depeg: number;
      /** withdrawal requests pending (count) and their ETH value */
      queueCount: number;
      queueValue: bigint;
      /** mean wait of requests finalized this step, in blocks (absent when none) */
      waitBlocks?: number;
      /** L1 supply minus backing across chains: the bridged-supply gap (0 when the bridges are whole) */
      bridgeGap: bigint;
      supply: bigint;
    }
  >;
  /** cumulative losses by layer (ETH wei): direct stakers, LRT holders, lenders (bad debt) */
  losses: { stakers: bigint; lrtHolders: bigint; lenders: bigint };
  /** cumulative ETH slashed (AVS + beacon) and taken by exploits/unbacked mints */
  slashed: bigint;
  stolen: bigint;
  /** lending: liquidations this step (count, debt repaid in ETH), cumulative bad debt, and the HF histogram */
  liquidations: number;
  liquidatedValue: bigint;
  badDebt: bigint;
  /** counts of borrowers per HF bucket: <1, 1–1.05, 1.05–1.1, 1.1–1.25, 1.25–1.5, 1.5–2, ≥2 */
  hf: number[];
  /** commands applied / reverted this step */
  applied: number;
  reverted: number;
}

export const HF_BUCKETS = ["<1", "1-1.05", "1.05-1.1", "1.1-1.25", "1.25-1.5", "1.5-2", ">=2"] as const;

export interface SecuritySummary {
  /** the largest stake loss after which the network is still secure (γ*), as a decimal fraction; null = not computed */
  gammaStar: string | null;
  /** whether no coalition of operators can profitably attack (null: undecided within the time budget) */
  secure: boolean | null;
  /** Claim 1 (every operator's stake covers its share of the profit it could take) */
  claim1: boolean | null;
  /** exact or a proven bound (large networks) */
  method: string;
}

export interface RunSummary {
  scenario: string;
  seed: number;
  /** the world hash at the end: the same seed gives the same hash */
  hash: string;
  blocks: number;
  steps: number;
  /** totals over the run (wei as decimal strings) */
  slashed: string;
  stolen: string;
  losses: { stakers: string; lrtHolders: string; lenders: string };
  badDebt: string;
  liquidations: number;
  liquidatedValue: string;
  /** per LRT: the deepest depeg, blocks spent below 1% depeg, longest queue wait (blocks), largest bridge gap */
  lrts: Record<string, { maxDepeg: number; depegBlocks: number; maxWaitBlocks: number; maxBridgeGap: string }>;
  security: { before: SecuritySummary; after: SecuritySummary };
  /** commands applied and reverted over the whole run (setup included), and revert counts by code */
  applied: number;
  reverted: number;
  reverts: Record<string, number>;
  /** ETH minted into the run by the timeline and agents (setup excluded), and beacon-chain penalties */
  injected: string;
  beaconPenalties: string;
  /** what an event could not do, and why */
  notes: string[];
  /** wall time (ms) spent building and running; not part of the deterministic output */
  timing?: { buildMs: number; runMs: number };
}

export interface RunProgress {
  step: number;
  steps: number;
  block: number;
}
