import { MAINNET_DELAYS } from "../../core/eigenlayer/params.ts";
import { require } from "../../core/shared/errors.ts";
import type { BridgeMechanism, LrtParams } from "../../lrt/state.ts";
import type { PresetName, PresetParams } from "../scenario/types.ts";

/**
 * The preset networks' parameter tables. Every knob a scenario may set (PresetParams) is documented here with the
 * figure each preset uses and where it comes from; the other knobs are fixed per preset. Sources:
 * - issue 8 (the simulation lab): ~2,000 operators, 40–50 AVSs, ~200,000 stakers, LRTs ≈ 2/3 of deposits;
 * - ../shared/reference/risk-models.md §6 (Inception, Feb 2025): > 4.5M ETH restaked, LRT protocols ~80 % of
 *   restaked assets, 7 node operators run ~75 %, EigenDA with 258 operators;
 * - risk-models.md §4.2–4.4: Aave e-mode 93/95/1, weETH 72.5/75/7.5, ezETH 0.05/0.10 outside e-mode, Morpho
 *   ezETH/WETH at LLTV 0.86 and 0.77, the thin ezETH pool (~4K WETH), Renzo's 10,000 ETH withdrawal buffer, the
 *   rsETH bridge exploit (116,500 rsETH ≈ 18 % of supply released from the L1 adapter);
 * - ../shared/reference/peers.md §B.4–B.9 (the LRT constants, in src/lrt/presets.ts);
 * - ../shared/seeds/ (the guides): operators heavily concentrated, AVSs of a few kinds sharing client stacks.
 * "chosen" marks a value no source gives.
 */

const ETH = 10n ** 18n;

/** The core's delays, in blocks (src/core/eigenlayer/params.ts). */
export interface CoreDelays {
  minWithdrawalDelayBlocks: bigint;
  deallocationDelayBlocks: bigint;
  allocationConfigurationDelayBlocks: bigint;
  slashResolutionDelayBlocks: bigint;
}

export interface BridgeProfile {
  chain: string;
  mechanism: BridgeMechanism;
  /** share of the LRT's deposits held on that chain */
  share: number;
}

/** How one LRT is shaped inside a preset. */
export interface LrtProfile {
  /** its share of all LRT deposits (normalised over the LRTs deployed) */
  mix: number;
  /** share of its deposits made (and restaked) as native ETH through pods; the rest comes as LSTs */
  nativeShare: number;
  /** how the LST part splits over stETH, rETH and cbETH (only the LSTs the protocol accepts) */
  lstMix: Partial<Record<"steth" | "reth" | "cbeth", number>>;
  /** operators it delegates to (at most; Kelp's maxNodeDelegatorLimit is 10) */
  delegators: number;
  /** share of its deposits left unrestaked for withdrawals (Renzo: its withdraw-queue buffer target) */
  bufferShare: number;
  /** its pool's WETH depth relative to `poolDepth` (ezETH's pool is thin) */
  relDepth: number;
  /** StableSwap amplification of its LRT/WETH pool */
  amplification: bigint;
  bridges: BridgeProfile[];
  /** protocol parameters changed from src/lrt/presets.ts (queue delays) */
  params: Partial<LrtParams>;
}

export interface LendingProfile {
  /** the Aave-style pool: LRTs listed (besides WETH) and whether the ETH-correlated e-mode exists */
  aave: { lrts: string[]; eMode: boolean } | null;
  /** Morpho-style markets: LRT collateral, LLTV, and whether the collateral is priced at its rate or its pool */
  morpho: { lrt: string; lltv: number; oracle: "rate" | "dex" }[];
  /** where loopers go: relative weights per venue (a Morpho venue names its LLTV) */
  venues: { lrt: string; venue: "aave" | number; weight: number }[];
}

export interface PresetTable {
  /** operators (op-0 … op-(n−1)) */
  operators: number;
  /** AVSs (avs-0 …), each with one or two operator sets */
  avss: number;
  /** direct core stakers: LSTs or native ETH, delegated to an operator */
  stakers: number;
  /** LRT holders, spread over the LRTs in proportion to their deposits */
  lrtHolders: number;
  /** LRT presets deployed (LRT-layer ids) */
  lrts: string[];
  /** share of restaked ETH held through LRTs */
  lrtShare: number;
  /** total restaked ETH (wei) */
  totalRestaked: bigint;
  /**
   * Pareto tail index α of operator stake: the k-th largest operator's target ∝ (k + operatorHead)^(−1/α), the
   * rank-size rule of a Pareto(α) sample with a flattened head (Zipf–Mandelbrot)
   */
  operatorTail: number;
  /** AVS client implementations (client-0 …); AVS i runs client i mod clients */
  clients: number;
  /** looping borrowers */
  loopers: number;
  /** WETH depth of each LRT/WETH pool as a fraction of the LRT's deposits (× the LRT's relDepth) */
  poolDepth: number;
  // fixed per preset
  /** the rank offset that flattens the head of operator stake (see operatorTail) */
  operatorHead: number;
  delays: CoreDelays;
  lrtProfiles: Record<string, LrtProfile>;
  /** Pareto tail index of deposit sizes (stakers and holders), and the smallest deposit (ETH) */
  depositTail: number;
  minDeposit: number;
  /** share of direct stakers with ≥ 32 ETH who restake natively (the rest hold LSTs) */
  directNative: number;
  directLstMix: Record<"steth" | "reth" | "cbeth", number>;
  /** AVS sizes: avs-r has ⌈operators · maxMembers · (r+1)^(−memberDecay)⌉ members, at least minMembers */
  maxMembers: number;
  memberDecay: number;
  minMembers: number;
  /** share of AVSs with a second operator set (a subset of the members, fewer strategies) */
  twoSets: number;
  /** magnitude an operator allocates per set, drawn in [lo, hi), scaled so that per strategy Σ ≤ maxTotal */
  allocation: { lo: number; hi: number; maxTotal: number };
  lending: LendingProfile;
  /** looper equity: Pareto from `min` ETH with tail `tail`, capped so one loop swaps ≤ poolShare of the pool */
  looperEquity: { min: number; tail: number; poolShare: number };
  /** lenders supply WETH so that the loopers' planned borrowing is this share of it */
  utilisation: number;
  /** ETH's price in the markets' base currency (USD, 8 decimals) */
  ethUsd: bigint;
}

/** An LRT's shape on mainnet (chosen unless noted); presets scale the counts, not these shares. */
const LRT_PROFILES: Record<string, LrtProfile> = {
  eeth: {
    mix: 0.5, // chosen: ether.fi is the largest LRT
    nativeShare: 0.8, // chosen: ether.fi stakes natively; its Liquifier takes stETH
    lstMix: { steth: 1 },
    delegators: 20, // chosen
    bufferShare: 0.03, // chosen: above its 1 % low watermark (lowWatermarkBps 100)
    relDepth: 1, // weETH deep
    amplification: 100n, // as the markets example's weETH pool
    bridges: [{ chain: "arbitrum", mechanism: "lockAndMint", share: 0.05 }], // chosen
    params: {},
  },
  ezeth: {
    mix: 0.17, // chosen: ≈ 0.5M ETH (Renzo held ≈ 1M ETH, $3.3B, in Apr 2024)
    nativeShare: 0.7,
    lstMix: { steth: 0.7, cbeth: 0.3 },
    delegators: 10,
    bufferShare: 0.02, // ≈ Renzo's 10,000 ETH withdrawal buffer at mainnet scale (risk-models §4.2)
    relDepth: 0.4, // ezETH pool thin: ≈ 4K WETH at mainnet scale (risk-models §4.3)
    amplification: 50n, // as the markets example's ezETH pool
    bridges: [{ chain: "base", mechanism: "burnAndMint", share: 0.1 }], // chosen
    params: {},
  },
  rseth: {
    mix: 0.22, // 116,500 rsETH ≈ 18 % of supply ⇒ ≈ 650K rsETH (risk-models §4.4)
    nativeShare: 0.3, // chosen: Kelp took mostly LSTs
    lstMix: { steth: 0.6, reth: 0.2, cbeth: 0.2 },
    delegators: 8, // ≤ Kelp's maxNodeDelegatorLimit 10
    bufferShare: 0.02,
    relDepth: 0.5,
    amplification: 100n,
    // the April 2026 exploit released 18 % of supply from the L1 adapter of a lock-and-mint route to Unichain
    bridges: [{ chain: "unichain", mechanism: "lockAndMint", share: 0.2 }],
    params: {},
  },
  pufeth: {
    mix: 0.08, // chosen
    nativeShare: 0.8,
    lstMix: { steth: 1 },
    delegators: 10,
    bufferShare: 0.02,
    relDepth: 0.5,
    amplification: 100n,
    bridges: [],
    params: {},
  },
  rsweth: {
    mix: 0.03, // chosen
    nativeShare: 1, // rswETH takes ETH only
    lstMix: {},
    delegators: 5,
    bufferShare: 0.02,
    relDepth: 0.5,
    amplification: 100n,
    bridges: [],
    params: {},
  },
};

/** Queue delays short enough for test runs of a few hundred blocks (small only). */
const SHORT_QUEUES: Record<string, Partial<LrtParams>> = {
  ezeth: { cooldownSeconds: 3_600n }, // Renzo: 1 h instead of 7 d
  rseth: { withdrawalDelayBlocks: 300n }, // Kelp: 1 h instead of the reference's 8 d
};

const withParams = (profiles: Record<string, LrtProfile>, params: Record<string, Partial<LrtParams>>) =>
  Object.fromEntries(
    Object.entries(profiles).map(([id, p]) => [id, { ...p, params: { ...p.params, ...(params[id] ?? {}) } }]),
  );

const LENDING: LendingProfile = {
  // Aave v3 Core: weETH, ezETH (e-mode only) and rsETH with the ETH-correlated e-mode (risk-models §4.2)
  aave: { lrts: ["eeth", "ezeth", "rseth"], eMode: true },
  morpho: [
    { lrt: "ezeth", lltv: 0.86, oracle: "dex" }, // Gauntlet LRT Core markets, priced by the pool as in Apr 2024
    { lrt: "ezeth", lltv: 0.77, oracle: "dex" },
    { lrt: "eeth", lltv: 0.86, oracle: "rate" }, // chosen
    { lrt: "rseth", lltv: 0.86, oracle: "rate" }, // chosen
  ],
  // risk-models §4.2: 8 of the top 10 weETH suppliers were looping weETH/WETH
  venues: [
    { lrt: "eeth", venue: "aave", weight: 0.4 },
    { lrt: "ezeth", venue: "aave", weight: 0.1 },
    { lrt: "rseth", venue: "aave", weight: 0.15 },
    { lrt: "ezeth", venue: 0.86, weight: 0.15 },
    { lrt: "ezeth", venue: 0.77, weight: 0.05 },
    { lrt: "eeth", venue: 0.86, weight: 0.1 },
    { lrt: "rseth", venue: 0.86, weight: 0.05 },
  ],
};

const COMMON = {
  lrts: ["eeth", "ezeth", "rseth", "pufeth", "rsweth"],
  lrtShare: 2 / 3, // the issue; risk-models §6 says ~80 % (Inception, Feb 2025): set lrtShare 0.8 for that
  // (k + 2)^(−2): the top 7 of 2,000 targets hold ≈ 73 % (risk-models §6: 7 node operators run ~75 %), the
  // largest ≈ 28 % (chosen: a single operator with a third or more would be out of line with "10 entities ~80 %")
  operatorTail: 0.5,
  operatorHead: 2,
  depositTail: 1.2, // chosen: a Pareto tail, a few whales
  minDeposit: 0.05,
  directNative: 0.4, // chosen
  directLstMix: { steth: 0.7, reth: 0.2, cbeth: 0.1 }, // chosen: stETH dominates LST restaking
  memberDecay: 0.8, // chosen: a few AVSs carry most operators, most have tens
  twoSets: 0.3, // chosen
  allocation: { lo: 0.15, hi: 0.5, maxTotal: 0.9 }, // chosen: as the node demo's 15–50 % per set, ≤ 95 %
  lending: LENDING,
  looperEquity: { min: 5, tail: 1.3, poolShare: 0.25 }, // chosen; mainnet starts at 25 ETH
  utilisation: 0.75, // chosen: below WETH's 90 % kink
  ethUsd: 3_000n * 10n ** 8n, // as the markets example
};

export const PRESET_TABLES: Record<PresetName, PresetTable> = {
  /** Tests: builds in well under a second. Core and queue delays are short (an hour), so a few hundred blocks
   * see withdrawals complete. */
  small: {
    ...COMMON,
    operators: 8,
    avss: 4,
    stakers: 40,
    lrtHolders: 60,
    lrts: ["eeth", "ezeth", "rseth"],
    totalRestaked: 60_000n * ETH,
    clients: 3,
    loopers: 6,
    poolDepth: 0.1,
    delays: {
      minWithdrawalDelayBlocks: 300n,
      deallocationDelayBlocks: 300n,
      allocationConfigurationDelayBlocks: 10n,
      slashResolutionDelayBlocks: 10n,
    },
    lrtProfiles: withParams(
      Object.fromEntries(Object.entries(LRT_PROFILES).map(([id, p]) => [id, { ...p, delegators: 3 }])),
      SHORT_QUEUES,
    ),
    maxMembers: 1,
    minMembers: 3,
    lending: {
      aave: LENDING.aave,
      morpho: [LENDING.morpho[0]!],
      venues: LENDING.venues.filter((v) => v.venue === "aave" || v.venue === 0.86),
    },
  },
  /** Monte Carlo: all five LRTs at a tenth of mainnet's ETH. Core delays of a day (mainnet: 14 days), so that
   * week-long paths see core withdrawals complete; the LRT queues keep the reference's delays. */
  mid: {
    ...COMMON,
    operators: 100,
    avss: 12,
    stakers: 700,
    lrtHolders: 1_300,
    totalRestaked: 450_000n * ETH,
    clients: 6,
    loopers: 36,
    poolDepth: 0.03,
    delays: {
      minWithdrawalDelayBlocks: 7_200n,
      deallocationDelayBlocks: 7_200n,
      allocationConfigurationDelayBlocks: 100n,
      slashResolutionDelayBlocks: 1_200n,
    },
    lrtProfiles: Object.fromEntries(
      Object.entries(LRT_PROFILES).map(([id, p]) => [id, { ...p, delegators: Math.min(p.delegators, 8) }]),
    ),
    maxMembers: 0.6,
    minMembers: 5,
  },
  /** The mainnet shape (issue 8, risk-models §6). Mainnet's core delays: a 14-day withdrawal delay completes
   * inside a 30-day run; the 17.5-day allocation configuration delay passes during set-up. */
  "mainnet-2026": {
    ...COMMON,
    operators: 2_000,
    avss: 45,
    stakers: 60_000,
    lrtHolders: 140_000,
    totalRestaked: 4_500_000n * ETH,
    clients: 15, // chosen: AVSs share a dozen or so client stacks
    loopers: 300,
    looperEquity: { ...COMMON.looperEquity, min: 25 },
    poolDepth: 0.02, // weETH ≈ 30K WETH deep; ezETH ≈ 4K (relDepth 0.4)
    delays: { ...MAINNET_DELAYS },
    lrtProfiles: LRT_PROFILES,
    maxMembers: 0.13, // EigenDA: 258 operators of ≈ 2,000 (risk-models §6)
    minMembers: 8,
  },
};

/** A preset table with the scenario's parameters applied, validated. */
export type ResolvedPreset = PresetTable & { name: PresetName };

const count = (v: number, what: string, min: number): void =>
  require(Number.isSafeInteger(v) && v >= min, "InvalidNetwork", `${what} must be an integer ≥ ${min}`);
const fraction = (v: number, what: string): void =>
  require(Number.isFinite(v) && v >= 0 && v <= 1, "InvalidNetwork", `${what} must be in [0, 1]`);

export function resolvePreset(name: PresetName, params: PresetParams = {}): ResolvedPreset {
  const table = PRESET_TABLES[name];
  require(table !== undefined, "InvalidNetwork", `unknown preset ${JSON.stringify(name)}`);
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const p: ResolvedPreset = { ...table, ...defined, name };
  count(p.operators, "operators", 1);
  count(p.avss, "avss", 1);
  count(p.stakers, "stakers", 0);
  count(p.lrtHolders, "lrtHolders", 0);
  count(p.clients, "clients", 1);
  count(p.loopers, "loopers", 0);
  fraction(p.lrtShare, "lrtShare");
  fraction(p.poolDepth, "poolDepth");
  require(p.operatorTail > 0 && Number.isFinite(p.operatorTail), "InvalidNetwork", "operatorTail must be > 0");
  require(p.totalRestaked >= 1_000n * ETH, "InvalidNetwork", "totalRestaked must be at least 1,000 ETH");
  require(new Set(p.lrts).size === p.lrts.length, "InvalidNetwork", "lrts must not repeat");
  for (const id of p.lrts) require(p.lrtProfiles[id] !== undefined, "InvalidNetwork", `unknown LRT ${id}`);
  require(p.lrts.length > 0
    ? p.lrtShare > 0
    : p.lrtShare === 0, "InvalidNetwork", "LRTs need lrtShare > 0, and lrtShare > 0 needs an LRT");
  require(p.lrtHolders >= p.lrts.length || p.lrtShare === 0, "InvalidNetwork", "at least one holder per LRT");
  require(p.stakers > 0 || p.lrtShare === 1, "InvalidNetwork", "lrtShare < 1 needs direct stakers");
  // every deposit at least the smallest one (a tenth of an ETH of room each)
  const minEth = BigInt(Math.ceil(p.minDeposit * 10)) * (ETH / 10n);
  const lrtEth = (p.totalRestaked * BigInt(Math.round(p.lrtShare * 1e9))) / 1_000_000_000n;
  require(lrtEth >= minEth * BigInt(p.lrtHolders) * 2n &&
    p.totalRestaked - lrtEth >=
      minEth * BigInt(p.stakers), "InvalidNetwork", "totalRestaked is too small for that many stakers and holders");
  require(p.loopers === 0 ||
    (p.poolDepth > 0 &&
      lendingLayout(p).venues.length >
        0), "InvalidNetwork", "loopers need LRT/WETH pools (poolDepth > 0) and a lending venue for a deployed LRT");
  return p;
}

/** The lending venues of a preset, restricted to the LRTs it deploys (and to pools, for DEX-priced markets). */
export function lendingLayout(p: PresetTable): LendingProfile {
  const has = (id: string) => p.lrts.includes(id);
  const l = p.lending;
  const aaveLrts = l.aave === null ? [] : l.aave.lrts.filter(has);
  const morpho = l.morpho
    .filter((m) => has(m.lrt))
    .map((m) => ({ ...m, oracle: p.poolDepth > 0 ? m.oracle : ("rate" as const) }));
  const venues = l.venues.filter(
    (v) =>
      has(v.lrt) &&
      (v.venue === "aave" ? aaveLrts.includes(v.lrt) : morpho.some((m) => m.lrt === v.lrt && m.lltv === v.venue)),
  );
  return { aave: l.aave === null ? null : { lrts: aaveLrts, eMode: l.aave.eMode }, morpho, venues };
}

// ---------------------------------------------------------------------------------------------------------------
// lending parameters (every network, presets and explicit)

// interest-rate curves: src/markets/curves.ts

export interface ReserveProfile {
  ltv: bigint;
  liquidationThreshold: bigint;
  /** 10000 + bonus (Aave's encoding) */
  liquidationBonus: bigint;
  reserveFactor: bigint;
  borrowingEnabled: boolean;
}

/** WETH as in the markets example (80/83/5 %). */
export const WETH_RESERVE: ReserveProfile = {
  ltv: 8_000n,
  liquidationThreshold: 8_300n,
  liquidationBonus: 10_500n,
  reserveFactor: 1_500n,
  borrowingEnabled: true,
};

/** Aave reserves per LRT, outside e-mode. No supply or borrow caps (mainnet's change too often to model). */
export const LRT_RESERVES: Record<string, ReserveProfile> = {
  // risk-models §4.2: weETH 72.5/75/7.5 %, reserve factor 45 % (Apr 2024)
  eeth: {
    ltv: 7_250n,
    liquidationThreshold: 7_500n,
    liquidationBonus: 10_750n,
    reserveFactor: 4_500n,
    borrowingEnabled: true,
  },
  // risk-models §4.2: ezETH on Core (Jul 2025) 0.05/0.10 % outside e-mode (collateral only in e-mode), LB 7.5 %
  ezeth: {
    ltv: 5n,
    liquidationThreshold: 10n,
    liquidationBonus: 10_750n,
    reserveFactor: 1_500n,
    borrowingEnabled: false,
  },
  // chosen: as weETH
  rseth: {
    ltv: 7_200n,
    liquidationThreshold: 7_500n,
    liquidationBonus: 10_750n,
    reserveFactor: 1_500n,
    borrowingEnabled: false,
  },
  pufeth: {
    ltv: 7_200n,
    liquidationThreshold: 7_500n,
    liquidationBonus: 10_750n,
    reserveFactor: 1_500n,
    borrowingEnabled: false,
  },
  rsweth: {
    ltv: 7_200n,
    liquidationThreshold: 7_500n,
    liquidationBonus: 10_750n,
    reserveFactor: 1_500n,
    borrowingEnabled: false,
  },
};

/** The ETH-correlated e-mode: 93/95/1 % (risk-models §4.2, 2023–24 ARFCs); WETH is its only borrowable asset. */
export const E_MODE = {
  id: 1,
  label: "ETH correlated",
  ltv: 9_300n,
  liquidationThreshold: 9_500n,
  liquidationBonus: 10_100n,
};

/** Aave's liquidation protocol fee: 10 % of the bonus (risk-models §4.2). */
export const LIQUIDATION_PROTOCOL_FEE = 1_000n;

/** Share of the remaining borrowing power a loop uses each round (as the markets example's loops). */
export const LOOP_FRACTION = { aave: 0.95, morpho: 0.9 };
