/**
 * The node API's responses, as the dashboard reads them. Integers that can exceed 2^53 are decimal strings; addresses
 * are lower-case hex strings. test/web/api-contract.test.ts checks at compile time that every server response type
 * (src/node/http/schemas.ts) is assignable to these, so the two cannot drift apart silently.
 */

/** An integer as a decimal string: amounts, shares, magnitudes, blocks, timestamps. */
export type Int = string;

export interface ApiErrorBody {
  code: string;
  message: string;
  context?: Record<string, unknown>;
}

export interface ChainPosition {
  seq: number;
  block: Int;
  timestamp: Int;
}

export interface Clock extends ChainPosition {
  mode: "manual" | "realtime";
  blockTimeSeconds: Int;
  now: { block: Int; timestamp: Int };
}

export interface NodeParams {
  chainId: Int;
  deployment: string;
  minWithdrawalDelayBlocks: Int;
  deallocationDelayBlocks: Int;
  allocationConfigurationDelayBlocks: Int;
  slashResolutionDelayBlocks: Int;
}

export interface LogEntry {
  seq: number;
  block: Int;
  timestamp: Int;
  txHash: string;
  sender: string;
  command: string;
}

export interface EventsPage {
  entries: LogEntry[];
  nextCursor: number;
  head: number;
  hasMore: boolean;
}

export interface Strategy {
  address: string;
  token: string;
  symbol: string;
  decimals: number;
  totalShares: Int;
  balance: Int;
  rate: Int;
}

export interface Strategies {
  strategies: Strategy[];
  beaconChainETH: { strategy: string; asset: string; burnableShares: Int };
}

export interface AllocationDelay {
  isSet: boolean;
  delay: Int;
  pendingDelay: Int;
  effectBlock: Int;
}

export interface OperatorSummary {
  address: string;
  delegationApprover: string | null;
  registeredAtBlock: Int;
  allocationDelay: AllocationDelay;
  delegatedStakers: number;
  shares: { strategy: string; shares: Int }[];
  registeredSets: string[];
}

export interface Operators {
  block: Int;
  operators: OperatorSummary[];
}

export interface Allocation {
  operator: string;
  operatorSet: string;
  avs: string;
  operatorSetId: Int;
  strategy: string;
  currentMagnitude: Int;
  pendingDiff: Int;
  effectBlock: Int;
  allocatedStake: Int;
  slashableStake: Int;
}

export interface Operator {
  address: string;
  block: Int;
  delegationApprover: string | null;
  registeredAtBlock: Int;
  allocationDelay: AllocationDelay;
  delegatedStakers: number;
  strategies: {
    strategy: string;
    operatorShares: Int;
    maxMagnitude: Int;
    encumberedMagnitude: Int;
    allocatableMagnitude: Int;
    slashableSharesInQueue: Int;
  }[];
  registeredSets: string[];
  operatorSets: {
    operatorSet: string;
    avs: string;
    operatorSetId: Int;
    registered: boolean;
    slashable: boolean;
    slashableUntil: Int | null;
  }[];
  allocations: Allocation[];
}

export interface AvsList {
  avss: { address: string; metadataURI: string; operatorSets: string[] }[];
}

export interface OperatorSetSummary {
  operatorSet: string;
  avs: string;
  operatorSetId: Int;
  strategies: string[];
  members: string[];
  slasher: string;
  redistributionRecipient: string | null;
  slashCount: Int;
}

export interface Avs {
  address: string;
  metadataURI: string;
  operatorSets: OperatorSetSummary[];
}

export interface PendingSlash {
  resolutionBlock: Int;
  shares: { strategy: string; shares: Int }[];
}

export interface OperatorSetStake {
  operator: string;
  strategy: string;
  currentMagnitude: Int;
  pendingDiff: Int;
  effectBlock: Int;
  allocatedStake: Int;
  minimumSlashableStake: Int;
}

export interface OperatorSet {
  operatorSet: string;
  avs: string;
  operatorSetId: Int;
  block: Int;
  futureBlock: Int;
  strategies: string[];
  members: string[];
  slashableOperators: string[];
  slasher: { current: string; pending: string; effectBlock: Int };
  redistributionRecipient: string | null;
  slashCount: Int;
  stake: OperatorSetStake[];
  pendingSlashes: (PendingSlash & { slashId: Int })[];
}

export interface Slash {
  slashId: Int;
  operatorSet: string;
  avs: string;
  operatorSetId: Int;
  operator: string;
  slasher: string;
  description: string;
  seq: number;
  block: Int;
  timestamp: Int;
  txHash: string;
  strategies: { strategy: string; wadToSlash: Int; wadSlashed: Int; sharesSlashed: Int }[];
  cleared: { strategy: string; shares: Int; seq: number; block: Int }[];
  pending: PendingSlash | null;
}

export interface Slashes {
  slashes: Slash[];
  indexedThroughSeq: number;
}

export interface QueuedWithdrawal {
  root: string;
  staker: string;
  delegatedTo: string | null;
  withdrawer: string;
  nonce: Int;
  startBlock: Int;
  strategies: string[];
  shares: Int[];
  slashableUntil: Int;
  completableFrom: Int;
  completable: boolean;
}

export interface Withdrawals {
  block: Int;
  total: number;
  withdrawals: QueuedWithdrawal[];
}

export interface Staker {
  address: string;
  block: Int;
  delegatedTo: string | null;
  isOperator: boolean;
  beaconChainSlashingFactor: Int;
  strategies: {
    strategy: string;
    asset: string;
    depositShares: Int;
    withdrawableShares: Int;
    withdrawableAmount: Int;
    depositScalingFactor: Int;
    slashingFactor: Int;
  }[];
  tokenBalances: { token: string; symbol: string; decimals: number; balance: Int }[];
  queuedWithdrawals: QueuedWithdrawal[];
  pod: {
    address: string;
    activeValidatorCount: Int;
    validators: { index: Int; restakedBalanceGwei: Int; status: "INACTIVE" | "ACTIVE" | "WITHDRAWN" }[];
  } | null;
}

export interface NeutralExposure {
  collateral: string;
  asset: string;
  operator: string;
  service: string;
  serviceSet: string;
  slasher: string;
  redistributionRecipient: string | null;
  shares: Int;
  assetAmount: Int;
  sharesAtHorizon: Int;
  fractionWad: Int;
  slashableUntil: Int | null;
}

export interface NeutralOperator {
  operator: string;
  delegated: { collateral: string; asset: string; shares: Int; assetAmount: Int }[];
  stakers: number;
}

export interface Neutral {
  protocol: string;
  block: Int;
  horizonBlock: Int;
  exposures: NeutralExposure[];
  operators: NeutralOperator[];
  services: {
    service: string;
    serviceSets: {
      serviceSet: string;
      slasher: string;
      collaterals: string[];
      operators: string[];
      redistributionRecipient: string | null;
    }[];
  }[];
}
