import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { WAD } from "../core/shared/math.ts";
import type { LrtCommand } from "./commands.ts";
import { DAY } from "./context.ts";
import {
  KELP_MAX_NODE_DELEGATORS,
  KELP_MAX_WITHDRAWAL_DELAY_BLOCKS,
  NO_PARAMS,
  PUFFER_MAX_EXIT_FEE_BPS,
  PUFFER_MAX_VESTING_SECONDS,
} from "./params.ts";
import type { LrtParams, LrtRoles, ProtocolKind } from "./state.ts";

/**
 * The five protocols as presets. Every constant the reference (peers.md §B.4–B.9) states is used as stated and
 * marked "ref"; a parameter the reference names without a value gets a documented demo value marked "chosen"
 * (docs/lrt.md lists both). Assets are passed in, since LST token addresses belong to a world.
 */

export interface PresetAssets {
  /** core token of the stETH LST (ether.fi's Liquifier, Puffer's vault and Kelp/Renzo collateral) */
  stETH?: Address;
  rETH?: Address;
  cbETH?: Address;
}

export interface Preset {
  protocol: ProtocolKind;
  id: string;
  name: string;
  symbol: string;
  wrappedSymbol: string | null;
  params: LrtParams;
  assets: (a: PresetAssets) => Address[];
}

const E = (n: bigint | number) => BigInt(n) * WAD;

export const PRESETS: Record<ProtocolKind, Preset> = {
  etherfi: {
    protocol: "etherfi",
    id: "eeth",
    name: "ether.fi eETH (+ weETH)",
    symbol: "eETH",
    wrappedSymbol: "weETH",
    assets: (a) => [NATIVE_ETH, ...(a.stETH ? [a.stETH] : [])],
    params: {
      ...NO_PARAMS,
      feeBps: 1_000n, // chosen; ref: ≤ 20 % (MAX_PROTOCOL_FEE_INV_RATIO 5)
      maxPositiveRebaseBps: 25n, // ref MAX_POSITIVE_REBASE_BPS
      maxNegativeRebaseBps: 3n, // ref DEFAULT_MAX_NEGATIVE_REBASE_BPS
      acceptableRebaseAprBps: 1_000n, // chosen (acceptableRebaseAprInBps)
      exitFeeBps: 30n, // chosen (exitFeeInBps)
      exitFeeSplitToTreasuryBps: 1_000n, // chosen
      lowWatermarkBps: 100n, // chosen (lowWatermarkInBpsOfTvl)
      bucketCapacity: E(2_000), // chosen
      bucketRefillPerSecond: E(2_000) / DAY, // chosen: the capacity again per day
      maxFinalizedPerDay: E(100_000), // chosen (maxFinalizedWithdrawalAmountPerDay)
      maxRequestsPerReport: 0n, // chosen: no count limit
      staleReportWindowBlocks: 7n * 7_200n, // chosen (immutable window)
      staleFinalizationCooldownBlocks: 7_200n, // ref STALE_REPORT_FINALIZATION_COOLDOWN
    },
  },
  renzo: {
    protocol: "renzo",
    id: "ezeth",
    name: "Renzo ezETH",
    symbol: "ezETH",
    wrappedSymbol: null,
    assets: (a) => [NATIVE_ETH, ...(a.stETH ? [a.stETH] : []), ...(a.cbETH ? [a.cbETH] : [])],
    params: {
      ...NO_PARAMS,
      oracleMaxAgeSeconds: 86_460n, // ref: 24 h + 60 s
      feeBps: 1_000n, // ref: DepositQueue feeBasisPoints, 10 % per LlamaRisk
      cooldownSeconds: 7n * DAY, // chosen (coolDownPeriod, admin-set)
    },
  },
  kelp: {
    protocol: "kelp",
    id: "rseth",
    name: "Kelp rsETH",
    symbol: "rsETH",
    wrappedSymbol: null,
    assets: (a) => [
      NATIVE_ETH,
      ...(a.stETH ? [a.stETH] : []),
      ...(a.rETH ? [a.rETH] : []),
      ...(a.cbETH ? [a.cbETH] : []),
    ],
    params: {
      ...NO_PARAMS,
      feeBps: 1_000n, // chosen (protocolFeeInBPS)
      pricePercentageLimit: 1n, // chosen (integer %)
      withdrawalDelayBlocks: (8n * DAY) / 12n, // ref: 8 d of 12 s blocks = 57 600
      maxWithdrawalDelayBlocks: KELP_MAX_WITHDRAWAL_DELAY_BLOCKS, // ref: 10 d
      maxDelegators: KELP_MAX_NODE_DELEGATORS, // ref maxNodeDelegatorLimit
      minDeposit: 10n ** 14n, // chosen (minAmountToDeposit)
    },
  },
  puffer: {
    protocol: "puffer",
    id: "pufeth",
    name: "Puffer pufETH",
    symbol: "pufETH",
    wrappedSymbol: null,
    assets: (a) => [NATIVE_ETH, ...(a.stETH ? [a.stETH] : [])],
    params: {
      ...NO_PARAMS,
      exitFeeBps: 100n, // ref: 1 % at init
      treasuryExitFeeBps: 0n, // chosen
      maxExitFeeBps: PUFFER_MAX_EXIT_FEE_BPS, // ref 250
      vestingWindowSeconds: PUFFER_MAX_VESTING_SECONDS, // ref: ≤ 7 d
      batchSize: 10n, // chosen (BATCH_SIZE)
      minWithdrawal: WAD / 100n, // ref: MIN 0.01 ETH
      burstThresholdPct: 22n, // ref
      ethereumValidators: 1_000_000n, // chosen (the denominator of the burst threshold)
      enclaveBond: WAD, // ref _ENCLAVE_VALIDATOR_BOND
      noEnclaveBond: 2n * WAD, // ref _NO_ENCLAVE_VALIDATOR_BOND
    },
  },
  swell: {
    protocol: "swell",
    id: "rsweth",
    name: "Swell rswETH",
    symbol: "rswETH",
    wrappedSymbol: null,
    assets: () => [NATIVE_ETH],
    params: {
      ...NO_PARAMS,
      treasuryFeeBps: 500n, // chosen (swellTreasuryRewardPercentage)
      nodeOperatorFeeBps: 500n, // chosen (nodeOperatorRewardPercentage)
      minReportIntervalSeconds: 12n * 3_600n, // chosen (minimumRepriceTime)
      maxRepriceDiffBps: 100n, // chosen (maxRepriceDiffPct)
    },
  },
};

export const PRESET_ORDER: ProtocolKind[] = ["etherfi", "renzo", "kelp", "puffer", "swell"];

/** The createLrt command for a preset (the caller is the core admin). */
export function presetCommand(
  kind: ProtocolKind,
  roles: LrtRoles,
  assets: PresetAssets,
  overrides: { id?: string; params?: Partial<LrtParams> } = {},
): Extract<LrtCommand, { type: "createLrt" }> {
  const p = PRESETS[kind];
  return {
    type: "createLrt",
    id: overrides.id ?? p.id,
    protocol: p.protocol,
    symbol: p.symbol,
    wrappedSymbol: p.wrappedSymbol,
    roles,
    assets: p.assets(assets),
    params: { ...p.params, ...overrides.params },
  };
}

/** LST presets: stETH rebases (Lido's 10 % fee), rETH and cbETH move their exchange rate. */
export const LST_PRESETS = [
  { id: "steth", symbol: "stETH", kind: "rebasing", feeBps: 1_000n, withdrawalDelaySeconds: 5n * DAY },
  { id: "reth", symbol: "rETH", kind: "exchangeRate", feeBps: 0n, withdrawalDelaySeconds: 1n * DAY },
  { id: "cbeth", symbol: "cbETH", kind: "exchangeRate", feeBps: 0n, withdrawalDelaySeconds: 7n * DAY },
] as const;
