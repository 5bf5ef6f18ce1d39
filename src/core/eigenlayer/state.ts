import { JMap, Journal } from "../shared/journal.ts";
import type { EigenParams } from "./params.ts";

/** Lower-case 0x-prefixed 20-byte hex. All addresses in the core are normalised to this form. */
export type Address = `0x${string}`;
/** Operator set key: `${avs}/${id}`. */
export type SetKey = string;

export interface Snapshot {
  key: bigint;
  value: bigint;
}

export interface StrategyRecord {
  address: Address;
  token: Address;
  /** StrategyBase totalShares */
  totalShares: bigint;
  whitelisted: boolean;
  /** StrategyBaseTVLLimits; undefined means unlimited */
  maxPerDeposit?: bigint;
  maxTotalDeposits?: bigint;
}

export interface TokenRecord {
  address: Address;
  symbol: string;
  decimals: number;
}

export interface StakerRecord {
  delegatedTo: Address | null;
  /** StrategyManager.stakerStrategyList (≤ 32, swap-and-pop removal order matters for undelegate) */
  strategyList: Address[];
  /** cumulativeWithdrawalsQueued */
  withdrawalNonce: bigint;
  /** _stakerQueuedWithdrawalRoots, an EnumerableSet: swap-and-pop removal */
  withdrawalRoots: string[];
}

export interface AllocationDelayInfo {
  delay: bigint;
  isSet: boolean;
  pendingDelay: bigint;
  effectBlock: bigint;
}

export interface OperatorRecord {
  delegationApprover: Address | null;
  allocationDelay: AllocationDelayInfo;
  registeredAtBlock: bigint;
}

export interface Allocation {
  currentMagnitude: bigint;
  pendingDiff: bigint;
  effectBlock: bigint;
}

export interface SlasherParams {
  slasher: Address;
  pendingSlasher: Address;
  effectBlock: bigint;
}

export interface OperatorSetRecord {
  avs: Address;
  id: bigint;
  strategies: Address[];
  members: Address[];
  slasher: SlasherParams;
  /** null for non-redistributing sets (slashed funds go to the burn address) */
  redistributionRecipient: Address | null;
  slashCount: bigint;
}

export interface RegistrationStatus {
  registered: boolean;
  slashableUntil: bigint;
}

export interface Withdrawal {
  root: string;
  staker: Address;
  delegatedTo: Address | null;
  withdrawer: Address;
  nonce: bigint;
  startBlock: bigint;
  strategies: Address[];
  scaledShares: bigint[];
}

/** Shares marked for burning or redistribution by one slash, waiting to be cleared (StrategyManager §4.3). */
export interface PendingSlash {
  operatorSet: SetKey;
  slashId: bigint;
  shares: [Address, bigint][];
  resolutionBlock: bigint;
}

export type ValidatorStatus = "INACTIVE" | "ACTIVE" | "WITHDRAWN";

export interface ValidatorRecord {
  index: bigint;
  restakedBalanceGwei: bigint;
  lastCheckpointedAt: bigint;
  status: ValidatorStatus;
}

export interface Checkpoint {
  timestamp: bigint;
  proofsRemaining: bigint;
  podBalanceGwei: bigint;
  balanceDeltasGwei: bigint;
  prevBeaconBalanceGwei: bigint;
}

export interface PodRecord {
  owner: Address;
  address: Address;
  restakedExecutionLayerGwei: bigint;
  activeValidatorCount: bigint;
  lastCheckpointTimestamp: bigint;
  currentCheckpoint: Checkpoint | null;
}

/* ------------------------------------------------------------------ RewardsCoordinator (reference §9) */

export interface StrategyAndMultiplier {
  strategy: Address;
  /** uint96 */
  multiplier: bigint;
}

export interface OperatorReward {
  operator: Address;
  amount: bigint;
}

export type SubmissionKind =
  | "avs"
  | "forAll"
  | "forAllEarners"
  | "operatorDirectedAVS"
  | "operatorDirectedOperatorSet"
  | "uniqueStake"
  | "totalStake";

/**
 * One accepted rewards submission, keyed by its hash. This shape is read by the off-chain rewards calculator: keep
 * the field names. Amounts are net of the protocol fee, exactly as hashed and emitted.
 */
export interface StoredSubmission {
  kind: SubmissionKind;
  hash: string;
  nonce: bigint;
  /** msg.sender: the account that paid (the AVS, an appointee, or a rewards-for-all submitter) */
  submitter: Address;
  /** the AVS the hash is recorded under; null for the rewards-for-all kinds */
  avs: Address | null;
  operatorSet: SetKey | null;
  strategiesAndMultipliers: StrategyAndMultiplier[];
  token: Address;
  /** net of fee; for operator-directed kinds the sum of the net operatorRewards */
  amount: bigint;
  /** net; [] unless operator-directed */
  operatorRewards: OperatorReward[];
  startTimestamp: bigint;
  duration: bigint;
  createdAtBlock: bigint;
  createdAtTimestamp: bigint;
}

export interface DistributionRoot {
  root: string;
  rewardsCalculationEndTimestamp: bigint;
  activatedAt: bigint;
  disabled: boolean;
}

export interface OperatorSplit {
  /** 0xFFFF (SPLIT_UNINITIALIZED) when the split was set for the first time */
  oldSplitBips: bigint;
  newSplitBips: bigint;
  activatedAt: bigint;
}

/** The RewardsCoordinator's owner-settable storage; absent ⇒ the initial values from the params. */
export interface RewardsSettings {
  rewardsUpdater: Address;
  activationDelay: bigint;
  currRewardsCalculationEndTimestamp: bigint;
  defaultOperatorSplitBips: bigint;
  feeRecipient: Address;
}

/**
 * The complete state of one EigenLayer deployment. Composite keys join their parts with "|".
 * Every map is journaled so that a failing command rolls back (see journal.ts).
 */
export class EigenState {
  readonly journal = new Journal();
  readonly params: EigenParams;

  /** ERC-20 ledger: `${token}|${holder}` → balance */
  readonly balances: JMap<string, bigint>;
  readonly tokens: JMap<Address, TokenRecord>;
  readonly strategies: JMap<Address, StrategyRecord>;
  /** token → its StrategyFactory strategy */
  readonly strategyForToken: JMap<Address, Address>;

  readonly stakers: JMap<Address, StakerRecord>;
  /** `${staker}|${strategy}` → deposit shares (StrategyManager, or EigenPodManager for the beacon strategy; int) */
  readonly depositShares: JMap<string, bigint>;
  /** `${staker}|${strategy}` → stored DSF (absent ⇒ WAD) */
  readonly dsf: JMap<string, bigint>;
  /** owner → beacon-chain slashing factor (absent ⇒ WAD) */
  readonly bcsf: JMap<Address, bigint>;

  readonly operators: JMap<Address, OperatorRecord>;
  /** `${operator}|${strategy}` */
  readonly operatorShares: JMap<string, bigint>;
  readonly maxMagnitudeHistory: JMap<string, Snapshot[]>;
  readonly encumberedMagnitude: JMap<string, bigint>;
  readonly deallocationQueue: JMap<string, SetKey[]>;
  readonly cumulativeScaledSharesHistory: JMap<string, Snapshot[]>;
  /** `${operator}|${setKey}|${strategy}` */
  readonly allocations: JMap<string, Allocation>;
  /** operator → sets with a non-zero or pending allocation (allocatedSets) */
  readonly allocatedSets: JMap<Address, SetKey[]>;
  /** `${operator}|${setKey}` → strategies allocated in that set (allocatedStrategies) */
  readonly allocatedStrategies: JMap<string, Address[]>;

  /** AVSs that have published metadata (AllocationManager._avsRegisteredMetadata) */
  readonly avss: JMap<Address, { metadataURI: string }>;
  readonly operatorSets: JMap<SetKey, OperatorSetRecord>;
  /** `${operator}|${setKey}` */
  readonly registrations: JMap<string, RegistrationStatus>;
  readonly registeredSets: JMap<Address, SetKey[]>;

  readonly withdrawals: JMap<string, Withdrawal>;
  /** `${setKey}|${slashId}` */
  readonly pendingSlashes: JMap<string, PendingSlash>;
  /** approver|salt */
  readonly spentSalts: JMap<string, true>;
  /** account → accounts allowed to act for it (PermissionController appointees, simplified to all functions) */
  readonly appointees: JMap<Address, Address[]>;

  readonly pods: JMap<Address, PodRecord>;
  /** `${owner}|${pubkeyHash or index}` */
  readonly validators: JMap<string, ValidatorRecord>;
  /**
   * A derived index, not part of snapshots or the state hash: validator records per pod owner (every record ever
   * verified, whatever its status). Journaled like the rest, rebuilt from `validators` on restore, so reading a
   * pod's validator count does not scan every validator of the network.
   */
  readonly validatorCounts: JMap<Address, bigint>;

  /** module → paused bitmap */
  readonly paused: JMap<string, bigint>;
  /** single values: burnableETHShares, last block and timestamp seen */
  readonly globals: JMap<string, bigint>;

  /* RewardsCoordinator */
  /** "current" → the owner-settable storage (absent until first changed) */
  readonly rewardsSettings: JMap<"current", RewardsSettings>;
  /** root index (decimal) → _distributionRoots[index]; never deleted, so the size is the array length */
  readonly distributionRoots: JMap<string, DistributionRoot>;
  /** submission hash → the submission (all kinds; the hash flags of every is…SubmissionHash mapping) */
  readonly rewardsSubmissions: JMap<string, StoredSubmission>;
  /** avs or submitter → submissionNonce (shared by every submission type) */
  readonly submissionNonces: JMap<Address, bigint>;
  /** isRewardsForAllSubmitter (only true entries) */
  readonly rewardsForAllSubmitters: JMap<Address, true>;
  /** isOptedInForProtocolFee (only true entries) */
  readonly protocolFeeOptIns: JMap<Address, true>;
  /** earner → claimer (absent ⇒ the earner claims for itself) */
  readonly claimers: JMap<Address, Address>;
  /** `${earner}|${token}` → cumulativeClaimed */
  readonly cumulativeClaimed: JMap<string, bigint>;
  /** `${operator}|${avs}` */
  readonly operatorAVSSplits: JMap<string, OperatorSplit>;
  /** `${operator}|${setKey}` */
  readonly operatorSetSplits: JMap<string, OperatorSplit>;
  /** operator → programmatic-incentives split */
  readonly operatorPISplits: JMap<Address, OperatorSplit>;

  constructor(params: EigenParams) {
    this.params = params;
    const j = this.journal;
    this.balances = new JMap(j);
    this.tokens = new JMap(j);
    this.strategies = new JMap(j);
    this.strategyForToken = new JMap(j);
    this.stakers = new JMap(j);
    this.depositShares = new JMap(j);
    this.dsf = new JMap(j);
    this.bcsf = new JMap(j);
    this.operators = new JMap(j);
    this.operatorShares = new JMap(j);
    this.maxMagnitudeHistory = new JMap(j);
    this.encumberedMagnitude = new JMap(j);
    this.deallocationQueue = new JMap(j);
    this.cumulativeScaledSharesHistory = new JMap(j);
    this.allocations = new JMap(j);
    this.allocatedSets = new JMap(j);
    this.allocatedStrategies = new JMap(j);
    this.avss = new JMap(j);
    this.operatorSets = new JMap(j);
    this.registrations = new JMap(j);
    this.registeredSets = new JMap(j);
    this.withdrawals = new JMap(j);
    this.pendingSlashes = new JMap(j);
    this.spentSalts = new JMap(j);
    this.appointees = new JMap(j);
    this.pods = new JMap(j);
    this.validators = new JMap(j);
    this.validatorCounts = new JMap(j);
    this.paused = new JMap(j);
    this.globals = new JMap(j);
    this.rewardsSettings = new JMap(j);
    this.distributionRoots = new JMap(j);
    this.rewardsSubmissions = new JMap(j);
    this.submissionNonces = new JMap(j);
    this.rewardsForAllSubmitters = new JMap(j);
    this.protocolFeeOptIns = new JMap(j);
    this.claimers = new JMap(j);
    this.cumulativeClaimed = new JMap(j);
    this.operatorAVSSplits = new JMap(j);
    this.operatorSetSplits = new JMap(j);
    this.operatorPISplits = new JMap(j);
  }

  /** Rebuilds the derived indexes from the tables (after a restore). */
  reindex(): void {
    this.validatorCounts.map.clear();
    for (const k of this.validators.map.keys()) {
      const owner = k.slice(0, k.indexOf("|")) as Address;
      this.validatorCounts.map.set(owner, (this.validatorCounts.map.get(owner) ?? 0n) + 1n);
    }
  }

  /** The maps in a fixed order, for snapshots and the state hash. */
  tables(): [string, JMap<string, unknown>][] {
    return [
      ["balances", this.balances],
      ["tokens", this.tokens],
      ["strategies", this.strategies],
      ["strategyForToken", this.strategyForToken],
      ["stakers", this.stakers],
      ["depositShares", this.depositShares],
      ["dsf", this.dsf],
      ["bcsf", this.bcsf],
      ["operators", this.operators],
      ["operatorShares", this.operatorShares],
      ["maxMagnitudeHistory", this.maxMagnitudeHistory],
      ["encumberedMagnitude", this.encumberedMagnitude],
      ["deallocationQueue", this.deallocationQueue],
      ["cumulativeScaledSharesHistory", this.cumulativeScaledSharesHistory],
      ["allocations", this.allocations],
      ["allocatedSets", this.allocatedSets],
      ["allocatedStrategies", this.allocatedStrategies],
      ["avss", this.avss],
      ["operatorSets", this.operatorSets],
      ["registrations", this.registrations],
      ["registeredSets", this.registeredSets],
      ["withdrawals", this.withdrawals],
      ["pendingSlashes", this.pendingSlashes],
      ["spentSalts", this.spentSalts],
      ["appointees", this.appointees],
      ["pods", this.pods],
      ["validators", this.validators],
      ["paused", this.paused],
      ["globals", this.globals],
      ["rewardsSettings", this.rewardsSettings],
      ["distributionRoots", this.distributionRoots],
      ["rewardsSubmissions", this.rewardsSubmissions],
      ["submissionNonces", this.submissionNonces],
      ["rewardsForAllSubmitters", this.rewardsForAllSubmitters],
      ["protocolFeeOptIns", this.protocolFeeOptIns],
      ["claimers", this.claimers],
      ["cumulativeClaimed", this.cumulativeClaimed],
      ["operatorAVSSplits", this.operatorAVSSplits],
      ["operatorSetSplits", this.operatorSetSplits],
      ["operatorPISplits", this.operatorPISplits],
    ] as [string, JMap<string, unknown>][];
  }
}

export const k2 = (a: string, b: string): string => `${a}|${b}`;
export const k3 = (a: string, b: string, c: string): string => `${a}|${b}|${c}`;
export const setKey = (avs: Address, id: bigint): SetKey => `${avs}/${id}`;

export function parseSetKey(key: SetKey): { avs: Address; id: bigint } {
  const i = key.indexOf("/");
  return { avs: key.slice(0, i) as Address, id: BigInt(key.slice(i + 1)) };
}
