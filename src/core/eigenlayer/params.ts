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
}

export const MAINNET_DELAYS = {
  minWithdrawalDelayBlocks: 100_800n,
  deallocationDelayBlocks: 100_800n,
  allocationConfigurationDelayBlocks: 126_000n,
  slashResolutionDelayBlocks: 50_400n,
} as const;

export const DEFAULT_ADMIN = "0x000000000000000000000000000000000000ad01" as const;
export const DEFAULT_BEACON_REPORTER = "0x000000000000000000000000000000000000bea0" as const;

export function defaultParams(overrides: Partial<EigenParams> = {}): EigenParams {
  return {
    ...MAINNET_DELAYS,
    admin: DEFAULT_ADMIN,
    beaconReporter: DEFAULT_BEACON_REPORTER,
    chainId: 1n,
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
