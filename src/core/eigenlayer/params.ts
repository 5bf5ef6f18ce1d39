/** Protocol parameters. Every delay is a parameter; the defaults are Ethereum mainnet's (reference §1). */
export interface EigenParams {
  /** DelegationManager.MIN_WITHDRAWAL_DELAY_BLOCKS */
  minWithdrawalDelayBlocks: bigint;
  /** AllocationManager.DEALLOCATION_DELAY */
  deallocationDelayBlocks: bigint;
  /** AllocationManager.ALLOCATION_CONFIGURATION_DELAY (also the slasher configuration delay) */
  allocationConfigurationDelayBlocks: bigint;
  /** StrategyManager.SLASH_RESOLUTION_DELAY_BLOCKS (v1.13.0); 0 restores the pre-v1.13 instant clearing */
  slashResolutionDelayBlocks: bigint;
  /** The account allowed to pause, unpause and set parameters. */
  admin: `0x${string}`;
  /** The account trusted to report beacon-chain validator balances (there are no beacon proofs here). */
  beaconReporter: `0x${string}`;
  /** EIP-712 domain of signed transactions. */
  chainId: bigint;

  /* RewardsCoordinator (reference §1.2, §9). The immutables are fixed per deployment; the last four are the initial
     values of owner-settable storage (the current values live in the state's rewardsSettings table). */
  /** The RewardsCoordinator's own address: it escrows submitted rewards and pays claims. */
  rewardsCoordinator: `0x${string}`;
  /** RewardsCoordinator.CALCULATION_INTERVAL_SECONDS (a multiple of the 1-day snapshot cadence) */
  calculationIntervalSeconds: bigint;
  /** RewardsCoordinator.MAX_REWARDS_DURATION (seconds) */
  maxRewardsDuration: bigint;
  /** RewardsCoordinator.MAX_RETROACTIVE_LENGTH (seconds) */
  maxRetroactiveLength: bigint;
  /** RewardsCoordinator.MAX_FUTURE_LENGTH (seconds) */
  maxFutureLength: bigint;
  /** RewardsCoordinator.GENESIS_REWARDS_TIMESTAMP (a multiple of the calculation interval) */
  genesisRewardsTimestamp: bigint;
  /** Initial rewardsUpdater, the only account that posts distribution roots (defaults to the admin). */
  rewardsUpdater: `0x${string}`;
  /** Initial feeRecipient of the opt-in protocol fee (defaults to the admin). */
  feeRecipient: `0x${string}`;
  /** Initial activationDelay (seconds) of roots and operator splits. */
  activationDelay: bigint;
  /** Initial defaultOperatorSplitBips. */
  defaultOperatorSplitBips: bigint;
}

export const MAINNET_DELAYS = {
  minWithdrawalDelayBlocks: 100_800n,
  deallocationDelayBlocks: 100_800n,
  allocationConfigurationDelayBlocks: 126_000n,
  slashResolutionDelayBlocks: 50_400n,
} as const;

/** RewardsCoordinator constants and mainnet values (reference §1.1, §1.2, §1.3). */
export const MAINNET_REWARDS = {
  rewardsCoordinator: "0x7750d328b314effa365a0402ccfd489b80b0adda",
  calculationIntervalSeconds: 86_400n,
  maxRewardsDuration: 63_072_000n,
  maxRetroactiveLength: 14_515_200n,
  maxFutureLength: 2_592_000n,
  genesisRewardsTimestamp: 1_710_979_200n,
  activationDelay: 604_800n,
  defaultOperatorSplitBips: 1_000n,
} as const;

export const DEFAULT_ADMIN = "0x000000000000000000000000000000000000ad01" as const;
export const DEFAULT_BEACON_REPORTER = "0x000000000000000000000000000000000000bea0" as const;

export function defaultParams(overrides: Partial<EigenParams> = {}): EigenParams {
  const admin = overrides.admin ?? DEFAULT_ADMIN;
  return {
    ...MAINNET_DELAYS,
    ...MAINNET_REWARDS,
    admin,
    beaconReporter: DEFAULT_BEACON_REPORTER,
    chainId: 1n,
    rewardsUpdater: admin,
    feeRecipient: admin,
    ...overrides,
  };
}

/** Hard-coded constants (reference §1.1). */
export const SHARES_OFFSET = 1000n;
export const BALANCE_OFFSET = 1000n;
export const MAX_TOTAL_SHARES = 10n ** 38n - 1n;
export const MAX_STAKER_STRATEGY_LIST_LENGTH = 32;
export const DEFAULT_BURN_ADDRESS = "0x00000000000000000000000000000000000e16e4" as const;
export const BEACON_CHAIN_ETH_STRATEGY = "0xbeac0eeeeeeeeeeeeeeeeeeeeeeeeeeeeeebeac0" as const;
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as const;
export const GWEI_TO_WEI = 1_000_000_000n;

/* RewardsCoordinator constants (reference §1.1) */
export const MAX_REWARDS_AMOUNT = 10n ** 38n - 1n;
export const ONE_HUNDRED_IN_BIPS = 10_000n;
export const PROTOCOL_FEE_BIPS = 2_000n;
export const SNAPSHOT_CADENCE = 86_400n;
/** OperatorSplit.oldSplitBips of a split set for the first time: "use the default until activation". */
export const SPLIT_UNINITIALIZED = 0xffffn;
