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

/* ------------------------------------------------------------------ LRTs (/api/lrts…) */

export interface LrtSummary {
  id: string;
  protocol: string;
  symbol: string;
  wrappedSymbol: string | null;
  /** ETH per 1e18 tokens (ether.fi: per weETH) */
  rate: Int;
  nav: Int;
  supply: Int;
  delegators: number;
  queuePending: number;
  paused: string[];
  supplyInvariantHolds: boolean;
  unbacked: Int;
}

export interface LrtList {
  lrts: LrtSummary[];
}

export interface SupplyByChain {
  lrt: string;
  token: string;
  chains: { chain: string; supply: Int; lockedInAdapter: Int }[];
  canonicalL1: Int;
  l2Total: Int;
  inFlight: Int;
  backed: Int;
  unbacked: Int;
  holds: boolean;
}

export interface LrtHoldingValue {
  kind: string;
  asset: string;
  delegator?: string | null;
  amount: Int;
  value: Int;
}

export interface LrtDetail {
  summary: LrtSummary;
  nav: {
    assets: LrtHoldingValue[];
    totalAssets: Int;
    totalLiabilities: Int;
    nav: Int;
    supply: Int;
    navPerToken: Int;
    rate: Int;
    protocolValue: Int;
  };
  queue: { pending: number; finalized: number; invalid: number; nextRequestId: Int; lastFinalizedId: Int };
  liquidity: {
    assets: { asset: string; pool: Int; queue: Int; reserved: Int; available: Int }[];
    lowWatermark?: Int;
    instantRedeemable?: Int;
  };
  supplyByChain: SupplyByChain;
  allocation: {
    totalValue: Int;
    delegators: {
      index: number;
      delegator: string;
      operator: string;
      delegatedTo: string | null;
      weightBps: Int;
      value: Int;
      actualBps: Int;
    }[];
    operatorSets: { operator: string; serviceSet: string; strategy: string; value: Int; fractionWad: Int }[];
  };
}

export interface LrtSample {
  seq: number;
  block: Int;
  timestamp: Int;
  rate: Int;
  navPerToken: Int;
  dexPrice: Int | null;
  depegBps: number | null;
}

export interface LrtHistory {
  lrt: string;
  symbol: string;
  market: { asset: string; pool: string; quote: string } | null;
  capacity: number;
  dropped: number;
  from: number;
  samples: LrtSample[];
}

export interface LrtFees {
  lrt: string;
  protocol: string;
  symbol: string;
  rate: Int;
  fees: { key: string; label: string; bps: Int; description: string }[];
  recipients: {
    role: string;
    address: string;
    holdings: { token: string; chain: string; amount: Int; valueEth: Int }[];
    totalEth: Int;
  }[];
  collectedEth: Int;
}

export type LrtRequestStatus = "pending" | "finalized" | "claimed" | "invalid";

export interface LrtRequest {
  id: Int;
  owner: string;
  asset: string;
  assetSymbol: string;
  shares: Int;
  amountAtRequest: Int;
  payout: Int;
  payoutFixed: boolean;
  status: LrtRequestStatus;
  requestedBlock: Int;
  requestedAt: Int;
  finalizedAt: Int | null;
  claimableAt: Int | null;
  claimableAtBlock: Int | null;
}

export interface LrtRequests {
  lrt: string;
  protocol: string;
  symbol: string;
  process: string;
  totals: {
    pending: number;
    finalized: number;
    claimed: number;
    invalid: number;
    pendingPayout: Int;
    finalizedOwed: Int;
  };
  requests: LrtRequest[];
}

export interface LrtHoldings {
  address: string;
  lrts: {
    lrt: string;
    protocol: string;
    symbol: string;
    tokens: { token: string; chain: string; amount: Int }[];
    pendingRequests: number;
    market: { asset: string; where: string; amount: Int }[];
  }[];
}

/* ------------------------------------------------------------------ markets (/api/markets…) */

export interface Pool {
  id: string;
  kind: "stableswap" | "constantProduct";
  assets: string[];
  balances: Int[];
  totalSupply: Int;
  amplification?: Int;
  fee: Int;
  adminFee: Int;
  invariant: Int;
  virtualPrice?: Int;
  prices: { asset: string; quote: string; price: Int }[];
}

export interface Reserve {
  asset: string;
  oracle: string;
  price: Int;
  ltv: Int;
  liquidationThreshold: Int;
  liquidationBonus: Int;
  supplyCap: Int;
  borrowCap: Int;
  frozen: boolean;
  paused: boolean;
  borrowingEnabled: boolean;
  totalSupplied: Int;
  totalBorrowed: Int;
  availableLiquidity: Int;
  utilization: Int;
  supplyRate: Int;
  borrowRate: Int;
}

export interface MorphoMarket {
  id: string;
  loanToken: string;
  collateralToken: string;
  lltv: Int;
  oraclePrice: Int;
  priceWad: Int;
  totalSupplyAssets: Int;
  totalBorrowAssets: Int;
  utilization: Int;
}

export interface Liquidation {
  venue: "aave" | "morpho";
  market: string;
  timestamp: Int;
  liquidator: string;
  borrower: string;
  collateralAsset: string;
  debtAsset: string;
  debtRepaid: Int;
  collateralSeized: Int;
  protocolFee: Int;
  badDebt: Int;
  healthFactorBefore: Int;
  healthFactorAfter: Int;
}

export interface Markets {
  assets: { id: string; decimals: number }[];
  pools: Pool[];
  lending: {
    reserves: Reserve[];
    eModes: {
      id: number;
      label: string;
      ltv: Int;
      liquidationThreshold: Int;
      liquidationBonus: Int;
      collateralAssets: string[];
      borrowableAssets: string[];
    }[];
    morpho: MorphoMarket[];
  };
  liquidations: Liquidation[];
}

export interface BorrowPosition {
  account: string;
  venue: "aave" | "morpho";
  market: string;
  collateral: string[];
  debt: string[];
  healthFactor: Int;
  collateralBase: Int;
  debtBase: Int;
  liquidatable: boolean;
}

export interface MarketHealth {
  timestamp: Int;
  positions: BorrowPosition[];
  bands: { label: string; from: Int; to: Int | null; count: number; debtBase: Int }[];
  liquidatable: number;
  totalDebtBase: Int;
}

/* ------------------------------------------------------------------ risk (/api/risk…) */

export interface SecuritySummary {
  seq: number;
  block: Int;
  configured: boolean;
  model: string;
  services: number;
  validators: number;
  leftOut: string[];
  secure: boolean | null;
  /** exact fractions "p/q" */
  slack: string | null;
  slackExact: boolean;
  slackLower: string | null;
  claim1: { holds: boolean; violators: string[]; maxGamma: string | null; unstaked: string[] };
  certificate: string;
  worstAttack: { services: string[]; operators: string[]; profit: string; cost: string } | null;
  timeMs: number;
  notes: string[];
}

export type Severity = "info" | "low" | "medium" | "high" | "critical";

export interface Checklist {
  lrt: string;
  protocol: string;
  symbol: string;
  block: Int;
  nav: Int;
  supply: Int;
  rate: Int;
  severity: Severity;
  items: {
    key: string;
    question: string;
    severity: Severity;
    summary: string;
    findings: string[];
    computed: boolean;
  }[];
}
