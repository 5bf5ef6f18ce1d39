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

  /** module → paused bitmap */
  readonly paused: JMap<string, bigint>;
  /** single values: burnableETHShares, last block and timestamp seen */
  readonly globals: JMap<string, bigint>;

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
    this.paused = new JMap(j);
    this.globals = new JMap(j);
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
