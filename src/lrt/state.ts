import type { Address, EigenState } from "../core/eigenlayer/state.ts";
import { JMap } from "../core/shared/journal.ts";

/**
 * The state of the liquid (re)staking layer: LSTs (stETH, rETH, cbETH) and LRTs (eETH/weETH, ezETH, rsETH, pufETH,
 * rswETH) with their withdrawal queues and bridged supply. Every table is a JMap on the SAME journal as the
 * EigenLayer state it sits on, so one rollback undoes a failed LRT command together with the core commands it ran.
 * Records are immutable: a command replaces a record, never mutates it.
 */

/** The chain where the LRT contracts live (canonical supply). Every other chain id is an L2. */
export const L1 = "ethereum";

export type ProtocolKind = "etherfi" | "renzo" | "kelp" | "puffer" | "swell";
export const PROTOCOL_KINDS: readonly ProtocolKind[] = ["etherfi", "renzo", "kelp", "puffer", "swell"];

/* ------------------------------------------------------------------ LSTs */

export type LstKind = "rebasing" | "exchangeRate";

export interface LstRecord {
  id: string;
  symbol: string;
  /** stETH: balances rebase over shares; rETH/cbETH: balances are fixed and the exchange rate moves. */
  kind: LstKind;
  /** The core ERC-20 whose units are the LST's shares (for stETH, as wstETH would hold them). */
  token: Address;
  /** Holds the ETH buffer and the unissued share reserve. */
  pool: Address;
  /** Holds the shares of pending withdrawal requests. */
  queue: Address;
  /** Receives the fee shares minted on positive reports. */
  treasury: Address;
  oracle: Address;
  admin: Address;
  /** Fee on positive beacon reports, minted as shares to the treasury. */
  feeBps: bigint;
  withdrawalDelaySeconds: bigint;
  totalPooledEther: bigint;
  totalShares: bigint;
  nextRequestId: bigint;
  lastReportTimestamp: bigint;
}

export interface LstRequest {
  lst: string;
  id: bigint;
  owner: Address;
  shares: bigint;
  /** ETH value of the shares when requested */
  amountAtRequest: bigint;
  requestedAt: bigint;
}

/* ------------------------------------------------------------------ LRTs */

/** Every protocol's parameters in one flat record; each policy reads the fields it uses (see docs/lrt.md). */
export interface LrtParams {
  /** minimum deposit, in the asset's units (0: none) */
  minDeposit: bigint;
  /** cap on the LRT's total value after a deposit, in ETH (0: none) */
  depositCap: bigint;
  /** per-asset caps in the asset's units, on the LRT's holdings of that asset (Renzo collateralTokenTvlLimits, Kelp depositLimitByAsset) */
  assetCaps: [Address, bigint][];
  /** withdrawal request bounds in the LRT token's units (0: none) */
  minWithdrawal: bigint;
  maxWithdrawal: bigint;
  /** fee on rewards (ether.fi protocol fee ≤ 20 %, Renzo reward-sweep fee, Kelp protocolFeeInBPS) */
  feeBps: bigint;
  /** minimum time between oracle reports (ether.fi report cadence, Swell minimumRepriceTime) */
  minReportIntervalSeconds: bigint;
  // ether.fi
  maxPositiveRebaseBps: bigint;
  maxNegativeRebaseBps: bigint;
  acceptableRebaseAprBps: bigint;
  exitFeeBps: bigint;
  exitFeeSplitToTreasuryBps: bigint;
  lowWatermarkBps: bigint;
  /** instant-redemption bucket, in wei (stored in 1e12 units as the contract does) */
  bucketCapacity: bigint;
  bucketRefillPerSecond: bigint;
  maxFinalizedPerDay: bigint;
  maxRequestsPerReport: bigint;
  staleReportWindowBlocks: bigint;
  staleFinalizationCooldownBlocks: bigint;
  // Renzo
  oracleMaxAgeSeconds: bigint;
  cooldownSeconds: bigint;
  bufferTargets: [Address, bigint][];
  whitelist: Address[];
  // Kelp
  pricePercentageLimit: bigint;
  withdrawalDelayBlocks: bigint;
  maxWithdrawalDelayBlocks: bigint;
  maxDelegators: bigint;
  // Puffer
  treasuryExitFeeBps: bigint;
  maxExitFeeBps: bigint;
  vestingWindowSeconds: bigint;
  batchSize: bigint;
  ethereumValidators: bigint;
  burstThresholdPct: bigint;
  enclaveBond: bigint;
  noEnclaveBond: bigint;
  // Swell
  treasuryFeeBps: bigint;
  nodeOperatorFeeBps: bigint;
  maxRepriceDiffBps: bigint;
}

export interface LrtRoles {
  /** configures the LRT: delegators, parameters, bridge routes */
  admin: Address;
  /** reports (rebase, reprice, price feeds, lockedETH); finalizes queues where the oracle does */
  oracle: Address;
  /** moves assets: restake, unstake, native staking, queue finalization where an operator does */
  manager: Address;
  /** may pause and unpause */
  pauser: Address;
  /** Renzo's RiskOracleMiddleware: may set pause flags and a withdrawal cooldown */
  riskOracle: Address;
  /** holds the LRT tokens minted as fees */
  treasury: Address;
  /** Swell: receives the node operators' fee share */
  nodeOperatorRewards: Address;
}

export interface LrtAccounts {
  /** the deposit pool / liquidity pool / vault: holds the buffer (core tokens) */
  pool: Address;
  /** the withdrawal queue: holds locked LRT tokens and ETH set aside for finalized requests */
  queue: Address;
  /** ether.fi: the weETH contract, holding the eETH shares that back weETH */
  wrapper: Address;
  /** Puffer: holds the node operators' bonds (pufETH) */
  bonds: Address;
}

export interface Delegator {
  /** the core staker address of this operator delegation (one per operator) */
  address: Address;
  operator: Address;
  /** target share of the LRT's value, in bps */
  weightBps: bigint;
  /** ETH sent to the beacon deposit contract for this delegator's pod */
  nativeStaked: bigint;
}

export type Book =
  /** ether.fi: P = totalValueInLp + totalValueOutOfLp; eETH shares S = supply */
  | { kind: "etherfi"; inLp: bigint; outOfLp: bigint; bucketRemaining: bigint; bucketLastRefill: bigint }
  /** Renzo: TVL is computed live from the core on every call; nothing is booked */
  | { kind: "renzo"; riskPausedFlags: bigint; riskCooldownSeconds: bigint; reserved: [Address, bigint][] }
  /** Kelp: the stored rsETH price and the assets committed to pending requests */
  | { kind: "kelp"; price: bigint; committed: [Address, bigint][] }
  /** Puffer: totalAssets = pool + lockedEth − unvested rewards */
  | { kind: "puffer"; lockedEth: bigint; vestAmount: bigint; vestStart: bigint; vestWindow: bigint }
  /** Swell: reserves R and the stored rswETH→ETH rate */
  | { kind: "swell"; reserves: bigint; rate: bigint };

export interface LrtRecord {
  id: string;
  protocol: ProtocolKind;
  /** the LRT token (eETH, ezETH, rsETH, pufETH, rswETH) */
  symbol: string;
  /** ether.fi's weETH; null for the others */
  wrappedSymbol: string | null;
  roles: LrtRoles;
  accounts: LrtAccounts;
  /** deposit assets: native ETH and/or LST core tokens */
  assets: Address[];
  params: LrtParams;
  delegators: Delegator[];
  /** pricing supply: LRT tokens minted against assets minus those burned (ether.fi: eETH shares) */
  supply: bigint;
  /** bitmask of PAUSE flags */
  paused: bigint;
  book: Book;
  nextRequestId: bigint;
  /** requests 1..lastFinalizedId are finalized (or invalid); FIFO protocols finalize in order */
  lastFinalizedId: bigint;
  lastReportBlock: bigint;
  lastReportTimestamp: bigint;
  lastStaleFinalizationBlock: bigint;
}

export type RequestStatus = "pending" | "finalized" | "claimed" | "invalid";

export interface WithdrawalRequest {
  lrt: string;
  id: bigint;
  owner: Address;
  /** payout asset (native ETH or an LST core token) */
  asset: Address;
  /** LRT tokens (ether.fi: eETH shares) locked in the queue */
  shares: bigint;
  /** value when requested, in the payout asset's units (ether.fi: eETH amount; Kelp: expected asset amount) */
  amountAtRequest: bigint;
  /** the LRT's rate when requested (Puffer rate_request, Swell rateWhenCreated) */
  rateAtRequest: bigint;
  requestedBlock: bigint;
  requestedAt: bigint;
  status: RequestStatus;
  /** fixed at finalization (null until then; Renzo fixes it at claim) */
  payout: bigint | null;
  /** ether.fi: the frozen rate amountPerShareCeil pushed at finalization */
  frozenRate: bigint | null;
  finalizedAt: bigint | null;
}

export type BridgeMechanism = "lockAndMint" | "burnAndMint";

export interface BridgeRoute {
  lrt: string;
  chain: string;
  mechanism: BridgeMechanism;
  /** the only account whose attestation delivers a message on either side (a 1-of-1 DVN) */
  verifier: Address;
  /** lockAndMint: the L1 adapter that holds locked tokens */
  escrow: Address;
  /** next outbound nonce from L1 to the chain, and from the chain to L1 */
  nonceOut: bigint;
  nonceIn: bigint;
}

export interface BridgeMessage {
  lrt: string;
  fromChain: string;
  toChain: string;
  nonce: bigint;
  to: Address;
  amount: bigint;
  /** true once burned/locked on the source chain by bridgeOut */
  sent: boolean;
  delivered: boolean;
}

export interface UnstakeRecord {
  lrt: string;
  delegator: Address;
  root: string;
}

export class LrtState {
  readonly lsts: JMap<string, LstRecord>;
  /** `${lst}|${id}` */
  readonly lstRequests: JMap<string, LstRequest>;
  readonly lrts: JMap<string, LrtRecord>;
  /** `${lrt}|${symbol}|${chain}|${holder}` → balance (eETH: shares) */
  readonly balances: JMap<string, bigint>;
  /** `${lrt}|${symbol}|${chain}` → Σ balances on that chain */
  readonly chainSupply: JMap<string, bigint>;
  /** `${lrt}|${id}` */
  readonly requests: JMap<string, WithdrawalRequest>;
  /** `${lrt}|${asset}` → Chainlink-style feed (Renzo) */
  readonly feeds: JMap<string, { price: bigint; updatedAt: bigint }>;
  /** `${lrt}|${chain}` */
  readonly routes: JMap<string, BridgeRoute>;
  /** `${lrt}|${fromChain}|${toChain}|${nonce}` */
  readonly messages: JMap<string, BridgeMessage>;
  /** `${lrt}|${delegator}|${noop}` → bond shares (Puffer) */
  readonly bonds: JMap<string, bigint>;
  /** `${lrt}|${delegator}` → value booked at the last report (Puffer first-loss accounting) */
  readonly delegatorBook: JMap<string, bigint>;
  /** `${lrt}|${withdrawalRoot}` → a core withdrawal queued by one of the LRT's delegators */
  readonly unstakes: JMap<string, UnstakeRecord>;
  /** last block and timestamp applied by an LRT command */
  readonly globals: JMap<string, bigint>;

  constructor(eigen: EigenState) {
    const j = eigen.journal;
    this.lsts = new JMap(j);
    this.lstRequests = new JMap(j);
    this.lrts = new JMap(j);
    this.balances = new JMap(j);
    this.chainSupply = new JMap(j);
    this.requests = new JMap(j);
    this.feeds = new JMap(j);
    this.routes = new JMap(j);
    this.messages = new JMap(j);
    this.bonds = new JMap(j);
    this.delegatorBook = new JMap(j);
    this.unstakes = new JMap(j);
    this.globals = new JMap(j);
  }

  /** The tables in a fixed order, for snapshots and the state hash. */
  tables(): [string, JMap<string, unknown>][] {
    return [
      ["lsts", this.lsts],
      ["lstRequests", this.lstRequests],
      ["lrts", this.lrts],
      ["balances", this.balances],
      ["chainSupply", this.chainSupply],
      ["requests", this.requests],
      ["feeds", this.feeds],
      ["routes", this.routes],
      ["messages", this.messages],
      ["bonds", this.bonds],
      ["delegatorBook", this.delegatorBook],
      ["unstakes", this.unstakes],
      ["globals", this.globals],
    ] as [string, JMap<string, unknown>][];
  }
}

/** The core and the LRT layer on one journal. */
export interface World {
  eigen: EigenState;
  lrt: LrtState;
}

export function createLrtState(eigen: EigenState): LrtState {
  return new LrtState(eigen);
}

/** Pause flags (one bit each). Renzo's risk oracle sets the same four. */
export const PAUSE = {
  deposits: 1n,
  withdrawRequests: 2n,
  claims: 4n,
  instantWithdrawals: 8n,
  bridge: 16n,
  reports: 32n,
} as const;
export type PauseFlag = keyof typeof PAUSE;
export const ALL_PAUSE_FLAGS = 63n;
