import { require } from "../core/shared/errors.ts";
import { WAD } from "../core/shared/math.ts";
import { BPS, DAY } from "./context.ts";
import type { LrtParams, ProtocolKind } from "./state.ts";

/** Every parameter off (0 = no cap, no limit, no fee). Presets fill in the reference's constants. */
export const NO_PARAMS: LrtParams = {
  minDeposit: 0n,
  depositCap: 0n,
  assetCaps: [],
  minWithdrawal: 0n,
  maxWithdrawal: 0n,
  feeBps: 0n,
  minReportIntervalSeconds: 0n,
  maxPositiveRebaseBps: 0n,
  maxNegativeRebaseBps: 0n,
  acceptableRebaseAprBps: 0n,
  exitFeeBps: 0n,
  exitFeeSplitToTreasuryBps: 0n,
  lowWatermarkBps: 0n,
  bucketCapacity: 0n,
  bucketRefillPerSecond: 0n,
  maxFinalizedPerDay: 0n,
  maxRequestsPerReport: 0n,
  staleReportWindowBlocks: 0n,
  staleFinalizationCooldownBlocks: 0n,
  oracleMaxAgeSeconds: 0n,
  cooldownSeconds: 0n,
  bufferTargets: [],
  whitelist: [],
  pricePercentageLimit: 0n,
  withdrawalDelayBlocks: 0n,
  maxWithdrawalDelayBlocks: 0n,
  maxDelegators: 0n,
  treasuryExitFeeBps: 0n,
  maxExitFeeBps: 0n,
  vestingWindowSeconds: 0n,
  batchSize: 0n,
  ethereumValidators: 0n,
  burstThresholdPct: 0n,
  enclaveBond: 0n,
  noEnclaveBond: 0n,
  treasuryFeeBps: 0n,
  nodeOperatorFeeBps: 0n,
  maxRepriceDiffBps: 0n,
};

/** ether.fi: MAX_PROTOCOL_FEE_INV_RATIO 5 ⇒ fees ≤ 20 % of rewards. */
export const ETHERFI_MAX_FEE_BPS = 2_000n;
/** Puffer: _MAX_EXIT_FEE_BASIS_POINTS, for each of the two exit fees. */
export const PUFFER_MAX_EXIT_FEE_BPS = 250n;
/** Puffer: rewards vest over at most 7 days. */
export const PUFFER_MAX_VESTING_SECONDS = 7n * DAY;
/** Kelp: withdrawalDelayBlocks may not exceed 10 days of 12 s blocks. */
export const KELP_MAX_WITHDRAWAL_DELAY_BLOCKS = (10n * DAY) / 12n;
/** Kelp: maxNodeDelegatorLimit. */
export const KELP_MAX_NODE_DELEGATORS = 10n;
/** Kelp: updatePriceOracleForValidated accepts an asset price only within [1e18, 1e19]. */
export const KELP_MIN_ASSET_PRICE = WAD;
export const KELP_MAX_ASSET_PRICE = 10n * WAD;

const isBps = (v: bigint) => v >= 0n && v <= BPS;

/** Rejects parameters the protocol's setters would refuse. */
export function validateParams(protocol: ProtocolKind, p: LrtParams): void {
  const bad = (cond: boolean, field: string, why: string) =>
    require(cond, "InvalidLrtParams", `${field}: ${why}`, { field });
  for (const k of [
    "feeBps",
    "maxPositiveRebaseBps",
    "maxNegativeRebaseBps",
    "exitFeeBps",
    "exitFeeSplitToTreasuryBps",
    "lowWatermarkBps",
    "treasuryExitFeeBps",
    "treasuryFeeBps",
    "nodeOperatorFeeBps",
    "maxRepriceDiffBps",
  ] as const) {
    bad(isBps(p[k]), k, "basis points ≤ 10000");
  }
  bad(p.maxWithdrawal === 0n || p.maxWithdrawal >= p.minWithdrawal, "maxWithdrawal", "≥ minWithdrawal");
  bad(p.treasuryFeeBps + p.nodeOperatorFeeBps < BPS, "treasuryFeeBps", "the fee shares sum below 100 %");
  for (const [a, v] of [...p.assetCaps, ...p.bufferTargets])
    bad(/^0x[0-9a-f]{40}$/.test(a) && v >= 0n, "asset", "address");
  switch (protocol) {
    case "etherfi":
      bad(p.feeBps <= ETHERFI_MAX_FEE_BPS, "feeBps", "ether.fi protocol fees are at most 20 % of rewards");
      break;
    case "kelp":
      bad(
        p.withdrawalDelayBlocks <= (p.maxWithdrawalDelayBlocks || KELP_MAX_WITHDRAWAL_DELAY_BLOCKS),
        "withdrawalDelayBlocks",
        "at most 10 days",
      );
      bad(p.maxDelegators <= KELP_MAX_NODE_DELEGATORS, "maxDelegators", "at most 10");
      break;
    case "puffer": {
      const maxFee = p.maxExitFeeBps || PUFFER_MAX_EXIT_FEE_BPS;
      bad(maxFee <= PUFFER_MAX_EXIT_FEE_BPS, "maxExitFeeBps", "at most 250");
      bad(p.exitFeeBps <= maxFee, "exitFeeBps", `at most ${maxFee}`);
      bad(p.treasuryExitFeeBps <= maxFee, "treasuryExitFeeBps", `at most ${maxFee}`);
      bad(p.vestingWindowSeconds <= PUFFER_MAX_VESTING_SECONDS, "vestingWindowSeconds", "at most 7 days");
      bad(p.batchSize > 0n, "batchSize", "> 0");
      break;
    }
    default:
      break;
  }
}
