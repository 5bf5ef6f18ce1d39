import { encodeAbiParameters, type Hex, keccak256 } from "viem";
import { ProtocolError, require } from "../shared/errors.ts";
import { UINT32_MAX, UINT256_MAX } from "../shared/math.ts";
import { type Context, checkCanCall, type Events, emit, PAUSE, requireNotPaused } from "./context.ts";
import { isOperator } from "./delegationManager.ts";
import { checkClaimProofs, checkClaimShape, type RewardsMerkleClaim, requireBytes32, ZERO_BYTES32 } from "./merkle.ts";
import {
  BEACON_CHAIN_ETH_STRATEGY,
  type EigenParams,
  MAX_REWARDS_AMOUNT,
  ONE_HUNDRED_IN_BIPS,
  PROTOCOL_FEE_BIPS,
  SNAPSHOT_CADENCE,
  SPLIT_UNINITIALIZED,
  ZERO_ADDRESS,
} from "./params.ts";
import {
  type Address,
  type DistributionRoot,
  type EigenState,
  k2,
  type OperatorReward,
  type OperatorSplit,
  type RewardsSettings,
  type SetKey,
  type StoredSubmission,
  type StrategyAndMultiplier,
  type SubmissionKind,
  setKey,
} from "./state.ts";
import { transfer } from "./tokens.ts";

export type { DistributionRoot, OperatorSplit, StoredSubmission, SubmissionKind } from "./state.ts";

/**
 * The RewardsCoordinator (reference §9): it escrows rewards submissions and records their hashes, stores operator
 * splits, stores the Merkle roots of cumulative earnings posted by the rewards updater, and pays claims against them.
 * All distribution arithmetic happens off-chain. Function names, checks, their order, and revert names follow the
 * contract (v1.12.0, mainnet).
 */

const UINT16_MAX = 0xffffn;
const UINT96_MAX = (1n << 96n) - 1n;
const BITS = PAUSE.rewardsCoordinator;

/** IRewardsCoordinator.RewardsSubmission (uint32 timestamps as bigint). */
export interface RewardsSubmission {
  strategiesAndMultipliers: StrategyAndMultiplier[];
  token: Address;
  amount: bigint;
  startTimestamp: bigint;
  duration: bigint;
}

/** IRewardsCoordinator.OperatorDirectedRewardsSubmission. */
export interface OperatorDirectedRewardsSubmission {
  strategiesAndMultipliers: StrategyAndMultiplier[];
  token: Address;
  operatorRewards: OperatorReward[];
  startTimestamp: bigint;
  duration: bigint;
  /** "" when absent */
  description?: string;
}

/* ------------------------------------------------------------------ parameters and settings */

/** The constructor's and initializer's checks on the deployment parameters. */
export function validateRewardsParams(p: EigenParams): void {
  for (const [name, v] of [
    ["calculationIntervalSeconds", p.calculationIntervalSeconds],
    ["maxRewardsDuration", p.maxRewardsDuration],
    ["maxRetroactiveLength", p.maxRetroactiveLength],
    ["maxFutureLength", p.maxFutureLength],
    ["genesisRewardsTimestamp", p.genesisRewardsTimestamp],
    ["activationDelay", p.activationDelay],
  ] as const) {
    require(typeof v === "bigint" && v >= 0n && v <= UINT32_MAX, "InputOutOfRange", `${name} must fit uint32`);
  }
  require(p.calculationIntervalSeconds > 0n, "InvalidCalculationIntervalSecondsRemainder");
  require(p.genesisRewardsTimestamp % p.calculationIntervalSeconds === 0n, "InvalidGenesisRewardsTimestampRemainder");
  require(p.calculationIntervalSeconds % SNAPSHOT_CADENCE === 0n, "InvalidCalculationIntervalSecondsRemainder");
  require(typeof p.defaultOperatorSplitBips === "bigint" &&
    p.defaultOperatorSplitBips >= 0n, "InputOutOfRange", "defaultOperatorSplitBips must fit uint16");
  require(p.defaultOperatorSplitBips <= ONE_HUNDRED_IN_BIPS, "SplitExceedsMax");
  require(p.feeRecipient !== ZERO_ADDRESS, "InvalidAddressZero", "feeRecipient must not be zero");
}

export function rewardsSettings(s: EigenState): RewardsSettings {
  return (
    s.rewardsSettings.get("current") ?? {
      rewardsUpdater: s.params.rewardsUpdater,
      activationDelay: s.params.activationDelay,
      currRewardsCalculationEndTimestamp: 0n,
      defaultOperatorSplitBips: s.params.defaultOperatorSplitBips,
      feeRecipient: s.params.feeRecipient,
    }
  );
}

function updateSettings(s: EigenState, change: Partial<RewardsSettings>): void {
  s.rewardsSettings.set("current", { ...rewardsSettings(s), ...change });
}

/** `uint32(block.timestamp) + activationDelay`, a checked uint32 addition. */
function activationTime(s: EigenState, ctx: Context): bigint {
  const at = (ctx.timestamp & UINT32_MAX) + rewardsSettings(s).activationDelay;
  require(at <= UINT32_MAX, "ArithmeticOverflow", "activation time overflows uint32");
  return at;
}

function requireOwner(s: EigenState, ctx: Context): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin", "only the RewardsCoordinator's owner");
}

function requireUint(v: unknown, max: bigint, what: string): asserts v is bigint {
  require(typeof v === "bigint" && v >= 0n && v <= max, "InputOutOfRange", `${what} out of range`, { value: v });
}

const ADDRESS = /^0x[0-9a-f]{40}$/;
function requireAddress(a: unknown, what: string): asserts a is Address {
  require(typeof a === "string" &&
    ADDRESS.test(a), "InvalidAddress", `${what} must be a lower-case 20-byte hex address`);
}

/* ------------------------------------------------------------------ submission hashes (reference §2.4) */

const STRATEGIES_AND_MULTIPLIERS = {
  name: "strategiesAndMultipliers",
  type: "tuple[]",
  components: [
    { name: "strategy", type: "address" },
    { name: "multiplier", type: "uint96" },
  ],
} as const;

const REWARDS_SUBMISSION_HASH_ABI = [
  { name: "avs", type: "address" },
  { name: "nonce", type: "uint256" },
  {
    name: "submission",
    type: "tuple",
    components: [
      STRATEGIES_AND_MULTIPLIERS,
      { name: "token", type: "address" },
      { name: "amount", type: "uint256" },
      { name: "startTimestamp", type: "uint32" },
      { name: "duration", type: "uint32" },
    ],
  },
] as const;

const OPERATOR_DIRECTED_HASH_ABI = [
  { name: "avs", type: "address" },
  { name: "nonce", type: "uint256" },
  {
    name: "submission",
    type: "tuple",
    components: [
      STRATEGIES_AND_MULTIPLIERS,
      { name: "token", type: "address" },
      {
        name: "operatorRewards",
        type: "tuple[]",
        components: [
          { name: "operator", type: "address" },
          { name: "amount", type: "uint256" },
        ],
      },
      { name: "startTimestamp", type: "uint32" },
      { name: "duration", type: "uint32" },
      { name: "description", type: "string" },
    ],
  },
] as const;

/** keccak256(abi.encode(avsOrSubmitter, nonce, RewardsSubmission)); pass the amount net of any fee. */
export function rewardsSubmissionHash(avsOrSubmitter: Address, nonce: bigint, sub: RewardsSubmission): Hex {
  return keccak256(
    encodeAbiParameters(REWARDS_SUBMISSION_HASH_ABI, [
      avsOrSubmitter,
      nonce,
      {
        strategiesAndMultipliers: sub.strategiesAndMultipliers.map((x) => ({
          strategy: x.strategy,
          multiplier: x.multiplier,
        })),
        token: sub.token,
        amount: sub.amount,
        startTimestamp: Number(sub.startTimestamp),
        duration: Number(sub.duration),
      },
    ]),
  );
}

/** keccak256(abi.encode(avs, nonce, OperatorDirectedRewardsSubmission)); pass the operator amounts net of fee. */
export function operatorDirectedSubmissionHash(
  avs: Address,
  nonce: bigint,
  sub: OperatorDirectedRewardsSubmission,
): Hex {
  return keccak256(
    encodeAbiParameters(OPERATOR_DIRECTED_HASH_ABI, [
      avs,
      nonce,
      {
        strategiesAndMultipliers: sub.strategiesAndMultipliers.map((x) => ({
          strategy: x.strategy,
          multiplier: x.multiplier,
        })),
        token: sub.token,
        operatorRewards: sub.operatorRewards.map((r) => ({ operator: r.operator, amount: r.amount })),
        startTimestamp: Number(sub.startTimestamp),
        duration: Number(sub.duration),
        description: sub.description ?? "",
      },
    ]),
  );
}

/* ------------------------------------------------------------------ ABI shape of the inputs */

function checkStrategiesShape(list: unknown): asserts list is StrategyAndMultiplier[] {
  require(Array.isArray(list), "InputOutOfRange", "strategiesAndMultipliers must be an array");
  for (const x of list as StrategyAndMultiplier[]) {
    require(typeof x === "object" && x !== null, "InputOutOfRange", "strategiesAndMultipliers[] must be objects");
    requireAddress(x.strategy, "strategy");
    requireUint(x.multiplier, UINT96_MAX, "multiplier (uint96)");
  }
}

function checkSubmissionShape(sub: RewardsSubmission): void {
  checkStrategiesShape(sub.strategiesAndMultipliers);
  requireAddress(sub.token, "token");
  requireUint(sub.amount, UINT256_MAX, "amount");
  requireUint(sub.startTimestamp, UINT32_MAX, "startTimestamp (uint32)");
  requireUint(sub.duration, UINT32_MAX, "duration (uint32)");
}

function checkOperatorDirectedShape(sub: OperatorDirectedRewardsSubmission): void {
  checkStrategiesShape(sub.strategiesAndMultipliers);
  requireAddress(sub.token, "token");
  require(Array.isArray(sub.operatorRewards), "InputOutOfRange", "operatorRewards must be an array");
  for (const r of sub.operatorRewards) {
    require(typeof r === "object" && r !== null, "InputOutOfRange", "operatorRewards[] must be objects");
    requireAddress(r.operator, "operator");
    requireUint(r.amount, UINT256_MAX, "amount");
  }
  requireUint(sub.startTimestamp, UINT32_MAX, "startTimestamp (uint32)");
  requireUint(sub.duration, UINT32_MAX, "duration (uint32)");
  require(sub.description === undefined ||
    typeof sub.description === "string", "InputOutOfRange", "description must be a string");
}

function checkArray<T>(list: unknown, check: (x: T) => void): asserts list is T[] {
  require(Array.isArray(list), "InputOutOfRange", "expected an array of submissions");
  for (const x of list as T[]) {
    require(typeof x === "object" && x !== null, "InputOutOfRange", "a submission must be an object");
    check(x);
  }
}

function checkOperatorSetId(id: unknown): asserts id is bigint {
  requireUint(id, UINT32_MAX, "operatorSetId (uint32)");
}

/* ------------------------------------------------------------------ validation (reference §9.2) */

function isWhitelistedForDeposit(s: EigenState, strategy: Address): boolean {
  return s.strategies.get(strategy)?.whitelisted === true;
}

/** _validateCommonRewardsSubmission */
function validateCommon(
  s: EigenState,
  ctx: Context,
  strategiesAndMultipliers: StrategyAndMultiplier[],
  startTimestamp: bigint,
  duration: bigint,
): void {
  const p = s.params;
  require(strategiesAndMultipliers.length > 0, "InputArrayLengthZero", "no strategies");
  require(duration <= p.maxRewardsDuration, "DurationExceedsMax");
  require(duration % p.calculationIntervalSeconds === 0n, "InvalidDurationRemainder");
  require(duration > 0n, "DurationIsZero");
  require(startTimestamp % p.calculationIntervalSeconds === 0n, "InvalidStartTimestampRemainder");
  // `block.timestamp - MAX_RETROACTIVE_LENGTH` is a checked uint256 subtraction
  require(ctx.timestamp >= p.maxRetroactiveLength, "ArithmeticUnderflow", "timestamp below MAX_RETROACTIVE_LENGTH");
  require(ctx.timestamp - p.maxRetroactiveLength <= startTimestamp &&
    p.genesisRewardsTimestamp <= startTimestamp, "StartTimestampTooFarInPast");
  let current: Address = ZERO_ADDRESS;
  for (const { strategy } of strategiesAndMultipliers) {
    require(isWhitelistedForDeposit(s, strategy) ||
      strategy === BEACON_CHAIN_ETH_STRATEGY, "StrategyNotWhitelisted", undefined, { strategy });
    require(current < strategy, "StrategiesNotInAscendingOrder");
    current = strategy;
  }
}

/** _validateRewardsSubmission */
function validateRewardsSubmission(s: EigenState, ctx: Context, sub: RewardsSubmission): void {
  validateCommon(s, ctx, sub.strategiesAndMultipliers, sub.startTimestamp, sub.duration);
  require(sub.amount > 0n, "AmountIsZero");
  require(sub.amount <= MAX_REWARDS_AMOUNT, "AmountExceedsMax");
  require(sub.startTimestamp <= ctx.timestamp + s.params.maxFutureLength, "StartTimestampTooFarInFuture");
}

/**
 * _validateOperatorDirectedRewardsSubmission: validates, takes the fee off each operator amount (when the caller
 * opted in), and hashes the net submission. Returns the hash, the net submission and the gross and net totals.
 */
function validateOperatorDirected(
  s: EigenState,
  ctx: Context,
  avs: Address,
  nonce: bigint,
  sub: OperatorDirectedRewardsSubmission,
): { hash: Hex; net: OperatorDirectedRewardsSubmission; amountBeforeFee: bigint; amountAfterFee: bigint } {
  validateCommon(s, ctx, sub.strategiesAndMultipliers, sub.startTimestamp, sub.duration);
  require(sub.operatorRewards.length > 0, "InputArrayLengthZero", "no operator rewards");
  // uint32 + uint32 is checked in Solidity 0.8
  require(sub.startTimestamp + sub.duration <= UINT32_MAX, "ArithmeticOverflow", "startTimestamp + duration");
  require(sub.startTimestamp + sub.duration < ctx.timestamp, "SubmissionNotRetroactive");
  const feeOn = isOptedInForProtocolFee(s, ctx.caller);
  let last: Address = ZERO_ADDRESS;
  let amountBeforeFee = 0n;
  let amountAfterFee = 0n;
  const operatorRewards: OperatorReward[] = [];
  for (const r of sub.operatorRewards) {
    require(r.operator !== ZERO_ADDRESS, "InvalidAddressZero", "operator is the zero address");
    require(last < r.operator, "OperatorsNotInAscendingOrder");
    require(r.amount > 0n, "AmountIsZero");
    amountBeforeFee += r.amount;
    require(amountBeforeFee <= UINT256_MAX, "ArithmeticOverflow", "sum of operator amounts");
    require(r.amount * PROTOCOL_FEE_BIPS <= UINT256_MAX, "ArithmeticOverflow", "fee of an operator amount");
    const fee = (r.amount * PROTOCOL_FEE_BIPS) / ONE_HUNDRED_IN_BIPS;
    const amount = feeOn && fee !== 0n ? r.amount - fee : r.amount;
    amountAfterFee += amount;
    operatorRewards.push({ operator: r.operator, amount });
    last = r.operator;
  }
  require(amountBeforeFee <= MAX_REWARDS_AMOUNT, "AmountExceedsMax");
  const net = { ...sub, operatorRewards, description: sub.description ?? "" };
  return { hash: operatorDirectedSubmissionHash(avs, nonce, net), net, amountBeforeFee, amountAfterFee };
}

/* ------------------------------------------------------------------ escrow, fee, bookkeeping */

export function isOptedInForProtocolFee(s: EigenState, submitter: Address): boolean {
  return s.protocolFeeOptIns.has(submitter);
}

export function isRewardsForAllSubmitter(s: EigenState, submitter: Address): boolean {
  return s.rewardsForAllSubmitters.has(submitter);
}

export function submissionNonce(s: EigenState, avs: Address): bigint {
  return s.submissionNonces.get(avs) ?? 0n;
}

/** _takeProtocolFee: the fee (20 %) goes to the fee recipient when the caller opted in; returns the net amount. */
function takeProtocolFee(s: EigenState, ctx: Context, ev: Events, token: Address, amountBeforeFee: bigint): bigint {
  const fee = (amountBeforeFee * PROTOCOL_FEE_BIPS) / ONE_HUNDRED_IN_BIPS;
  if (isOptedInForProtocolFee(s, ctx.caller) && fee !== 0n) {
    transfer(s, ev, token, s.params.rewardsCoordinator, rewardsSettings(s).feeRecipient, fee);
    return amountBeforeFee - fee;
  }
  return amountBeforeFee;
}

function record(
  s: EigenState,
  ctx: Context,
  p: {
    kind: SubmissionKind;
    hash: Hex;
    nonce: bigint;
    hashedUnder: Address;
    avs: Address | null;
    operatorSet: SetKey | null;
    strategiesAndMultipliers: StrategyAndMultiplier[];
    token: Address;
    amount: bigint;
    operatorRewards: OperatorReward[];
    startTimestamp: bigint;
    duration: bigint;
  },
): void {
  const stored: StoredSubmission = {
    kind: p.kind,
    hash: p.hash,
    nonce: p.nonce,
    submitter: ctx.caller,
    avs: p.avs,
    operatorSet: p.operatorSet,
    strategiesAndMultipliers: p.strategiesAndMultipliers.map((x) => ({
      strategy: x.strategy,
      multiplier: x.multiplier,
    })),
    token: p.token,
    amount: p.amount,
    operatorRewards: p.operatorRewards.map((r) => ({ operator: r.operator, amount: r.amount })),
    startTimestamp: p.startTimestamp,
    duration: p.duration,
    createdAtBlock: ctx.block,
    createdAtTimestamp: ctx.timestamp,
  };
  s.rewardsSubmissions.set(p.hash, stored);
  s.submissionNonces.set(p.hashedUnder, p.nonce + 1n);
}

const submissionArgs = (sub: RewardsSubmission, amount: bigint) => ({
  strategiesAndMultipliers: sub.strategiesAndMultipliers.map((x) => ({
    strategy: x.strategy,
    multiplier: x.multiplier,
  })),
  token: sub.token,
  amount,
  startTimestamp: sub.startTimestamp,
  duration: sub.duration,
});

const operatorDirectedArgs = (sub: OperatorDirectedRewardsSubmission) => ({
  strategiesAndMultipliers: sub.strategiesAndMultipliers.map((x) => ({
    strategy: x.strategy,
    multiplier: x.multiplier,
  })),
  token: sub.token,
  operatorRewards: sub.operatorRewards.map((r) => ({ operator: r.operator, amount: r.amount })),
  startTimestamp: sub.startTimestamp,
  duration: sub.duration,
  description: sub.description ?? "",
});

/** Was `hash` recorded as a submission of `kind` under `avs` (the is…SubmissionHash[avs][hash] mappings)? */
export function isSubmissionHash(s: EigenState, kind: SubmissionKind, avs: Address, hash: string): boolean {
  const rec = s.rewardsSubmissions.get(hash);
  if (rec === undefined || rec.kind !== kind) return false;
  return (rec.avs ?? rec.submitter) === avs;
}

/* ------------------------------------------------------------------ submissions (reference §9.1) */

/**
 * The AVS-keyed RewardsSubmission flow shared by createAVSRewardsSubmission and the unique/total-stake submissions:
 * validate, escrow the full amount from the caller, take the fee, then hash the net submission and record it.
 */
function createFeeBearingSubmissions(
  s: EigenState,
  ctx: Context,
  ev: Events,
  kind: "avs" | "uniqueStake" | "totalStake",
  avs: Address,
  operatorSet: SetKey | null,
  subs: RewardsSubmission[],
): Hex[] {
  const hashes: Hex[] = [];
  for (const sub of subs) {
    validateRewardsSubmission(s, ctx, sub);
    transfer(s, ev, sub.token, ctx.caller, s.params.rewardsCoordinator, sub.amount);
    const amount = takeProtocolFee(s, ctx, ev, sub.token, sub.amount);
    const nonce = submissionNonce(s, avs);
    const hash = rewardsSubmissionHash(avs, nonce, { ...sub, amount });
    record(s, ctx, {
      kind,
      hash,
      nonce,
      hashedUnder: avs,
      avs,
      operatorSet,
      strategiesAndMultipliers: sub.strategiesAndMultipliers,
      token: sub.token,
      amount,
      operatorRewards: [],
      startTimestamp: sub.startTimestamp,
      duration: sub.duration,
    });
    const rewardsSubmission = submissionArgs(sub, amount);
    if (kind === "avs") {
      emit(ev, "AVSRewardsSubmissionCreated", {
        avs,
        submissionNonce: nonce,
        rewardsSubmissionHash: hash,
        rewardsSubmission,
      });
    } else {
      emit(ev, kind === "uniqueStake" ? "UniqueStakeRewardsSubmissionCreated" : "TotalStakeRewardsSubmissionCreated", {
        caller: ctx.caller,
        rewardsSubmissionHash: hash,
        operatorSet,
        submissionNonce: nonce,
        rewardsSubmission,
      });
    }
    hashes.push(hash);
  }
  return hashes;
}

/** createAVSRewardsSubmission: the caller is the AVS (no PermissionController). Pause bit 0. */
export function createAVSRewardsSubmission(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { rewardsSubmissions: RewardsSubmission[] },
): Hex[] {
  checkArray(p.rewardsSubmissions, checkSubmissionShape);
  requireNotPaused(s, "rewardsCoordinator", BITS.avsRewardsSubmission);
  return createFeeBearingSubmissions(s, ctx, ev, "avs", ctx.caller, null, p.rewardsSubmissions);
}

/** The rewards-for-all flows: only rewards-for-all submitters; no fee; hashed with the gross amount before escrow. */
function createForAllSubmissions(
  s: EigenState,
  ctx: Context,
  ev: Events,
  kind: "forAll" | "forAllEarners",
  subs: RewardsSubmission[],
): Hex[] {
  checkArray(subs, checkSubmissionShape);
  requireNotPaused(
    s,
    "rewardsCoordinator",
    kind === "forAll" ? BITS.rewardsForAllSubmission : BITS.rewardsForAllEarners,
  );
  require(isRewardsForAllSubmitter(s, ctx.caller), "UnauthorizedCaller", "not a rewards-for-all submitter");
  const hashes: Hex[] = [];
  for (const sub of subs) {
    const nonce = submissionNonce(s, ctx.caller);
    const hash = rewardsSubmissionHash(ctx.caller, nonce, sub);
    validateRewardsSubmission(s, ctx, sub);
    record(s, ctx, {
      kind,
      hash,
      nonce,
      hashedUnder: ctx.caller,
      avs: null,
      operatorSet: null,
      strategiesAndMultipliers: sub.strategiesAndMultipliers,
      token: sub.token,
      amount: sub.amount,
      operatorRewards: [],
      startTimestamp: sub.startTimestamp,
      duration: sub.duration,
    });
    const args = {
      submissionNonce: nonce,
      rewardsSubmissionHash: hash,
      rewardsSubmission: submissionArgs(sub, sub.amount),
    };
    if (kind === "forAll") emit(ev, "RewardsSubmissionForAllCreated", { submitter: ctx.caller, ...args });
    else emit(ev, "RewardsSubmissionForAllEarnersCreated", { tokenHopper: ctx.caller, ...args });
    transfer(s, ev, sub.token, ctx.caller, s.params.rewardsCoordinator, sub.amount);
    hashes.push(hash);
  }
  return hashes;
}

/** createRewardsForAllSubmission: all stakers, no operator cut. Pause bit 1 (paused on mainnet). */
export function createRewardsForAllSubmission(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { rewardsSubmissions: RewardsSubmission[] },
): Hex[] {
  return createForAllSubmissions(s, ctx, ev, "forAll", p.rewardsSubmissions);
}

/** createRewardsForAllEarners: programmatic incentives (operator PI split). Pause bit 4. */
export function createRewardsForAllEarners(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { rewardsSubmissions: RewardsSubmission[] },
): Hex[] {
  return createForAllSubmissions(s, ctx, ev, "forAllEarners", p.rewardsSubmissions);
}

/** The operator-directed flow: validate (fee off each amount), escrow the gross sum, send the fee, record. */
function createOperatorDirected(
  s: EigenState,
  ctx: Context,
  ev: Events,
  kind: "operatorDirectedAVS" | "operatorDirectedOperatorSet",
  avs: Address,
  operatorSet: SetKey | null,
  subs: OperatorDirectedRewardsSubmission[],
): Hex[] {
  const hashes: Hex[] = [];
  for (const sub of subs) {
    const nonce = submissionNonce(s, avs);
    const { hash, net, amountBeforeFee, amountAfterFee } = validateOperatorDirected(s, ctx, avs, nonce, sub);
    transfer(s, ev, sub.token, ctx.caller, s.params.rewardsCoordinator, amountBeforeFee);
    if (amountAfterFee !== amountBeforeFee) {
      transfer(
        s,
        ev,
        sub.token,
        s.params.rewardsCoordinator,
        rewardsSettings(s).feeRecipient,
        amountBeforeFee - amountAfterFee,
      );
    }
    record(s, ctx, {
      kind,
      hash,
      nonce,
      hashedUnder: avs,
      avs,
      operatorSet,
      strategiesAndMultipliers: sub.strategiesAndMultipliers,
      token: sub.token,
      amount: amountAfterFee,
      operatorRewards: net.operatorRewards,
      startTimestamp: sub.startTimestamp,
      duration: sub.duration,
    });
    if (kind === "operatorDirectedAVS") {
      emit(ev, "OperatorDirectedAVSRewardsSubmissionCreated", {
        caller: ctx.caller,
        avs,
        operatorDirectedRewardsSubmissionHash: hash,
        submissionNonce: nonce,
        operatorDirectedRewardsSubmission: operatorDirectedArgs(net),
      });
    } else {
      emit(ev, "OperatorDirectedOperatorSetRewardsSubmissionCreated", {
        caller: ctx.caller,
        operatorDirectedRewardsSubmissionHash: hash,
        operatorSet,
        submissionNonce: nonce,
        operatorDirectedRewardsSubmission: operatorDirectedArgs(net),
      });
    }
    hashes.push(hash);
  }
  return hashes;
}

/** createOperatorDirectedAVSRewardsSubmission: PermissionController on the AVS. Pause bit 5. */
export function createOperatorDirectedAVSRewardsSubmission(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { avs: Address; operatorDirectedRewardsSubmissions: OperatorDirectedRewardsSubmission[] },
): Hex[] {
  requireAddress(p.avs, "avs");
  checkArray(p.operatorDirectedRewardsSubmissions, checkOperatorDirectedShape);
  requireNotPaused(s, "rewardsCoordinator", BITS.operatorDirectedAVSRewardsSubmission);
  checkCanCall(s, p.avs, ctx.caller);
  return createOperatorDirected(s, ctx, ev, "operatorDirectedAVS", p.avs, null, p.operatorDirectedRewardsSubmissions);
}

/** AllocationManager.isOperatorSet, or revert InvalidOperatorSet. */
function requireOperatorSet(s: EigenState, avs: Address, id: bigint): SetKey {
  const key = setKey(avs, id);
  require(s.operatorSets.has(key), "InvalidOperatorSet", "no such operator set", { operatorSet: key });
  return key;
}

/** createOperatorDirectedOperatorSetRewardsSubmission: PermissionController on the set's AVS. Pause bit 9. */
export function createOperatorDirectedOperatorSetRewardsSubmission(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { avs: Address; operatorSetId: bigint; operatorDirectedRewardsSubmissions: OperatorDirectedRewardsSubmission[] },
): Hex[] {
  requireAddress(p.avs, "avs");
  checkOperatorSetId(p.operatorSetId);
  checkArray(p.operatorDirectedRewardsSubmissions, checkOperatorDirectedShape);
  requireNotPaused(s, "rewardsCoordinator", BITS.operatorDirectedOperatorSetRewardsSubmission);
  checkCanCall(s, p.avs, ctx.caller);
  const key = requireOperatorSet(s, p.avs, p.operatorSetId);
  return createOperatorDirected(
    s,
    ctx,
    ev,
    "operatorDirectedOperatorSet",
    p.avs,
    key,
    p.operatorDirectedRewardsSubmissions,
  );
}

function createOperatorSetSubmissions(
  s: EigenState,
  ctx: Context,
  ev: Events,
  kind: "uniqueStake" | "totalStake",
  p: { avs: Address; operatorSetId: bigint; rewardsSubmissions: RewardsSubmission[] },
): Hex[] {
  requireAddress(p.avs, "avs");
  checkOperatorSetId(p.operatorSetId);
  checkArray(p.rewardsSubmissions, checkSubmissionShape);
  requireNotPaused(
    s,
    "rewardsCoordinator",
    kind === "uniqueStake" ? BITS.uniqueStakeRewardsSubmission : BITS.totalStakeRewardsSubmission,
  );
  checkCanCall(s, p.avs, ctx.caller);
  const key = requireOperatorSet(s, p.avs, p.operatorSetId);
  return createFeeBearingSubmissions(s, ctx, ev, kind, p.avs, key, p.rewardsSubmissions);
}

/** createUniqueStakeRewardsSubmission: weighted by allocated unique stake. Pause bit 10. */
export function createUniqueStakeRewardsSubmission(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { avs: Address; operatorSetId: bigint; rewardsSubmissions: RewardsSubmission[] },
): Hex[] {
  return createOperatorSetSubmissions(s, ctx, ev, "uniqueStake", p);
}

/** createTotalStakeRewardsSubmission: weighted by the set members' total delegated stake. Pause bit 11. */
export function createTotalStakeRewardsSubmission(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { avs: Address; operatorSetId: bigint; rewardsSubmissions: RewardsSubmission[] },
): Hex[] {
  return createOperatorSetSubmissions(s, ctx, ev, "totalStake", p);
}

/** setOptInForProtocolFee: PermissionController on the submitter; no pause bit. */
export function setOptInForProtocolFee(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { submitter: Address; optInForProtocolFee: boolean },
): void {
  requireAddress(p.submitter, "submitter");
  require(typeof p.optInForProtocolFee === "boolean", "InputOutOfRange", "optInForProtocolFee must be a boolean");
  checkCanCall(s, p.submitter, ctx.caller);
  emit(ev, "OptInForProtocolFeeSet", {
    submitter: p.submitter,
    oldValue: isOptedInForProtocolFee(s, p.submitter),
    newValue: p.optInForProtocolFee,
  });
  if (p.optInForProtocolFee) s.protocolFeeOptIns.set(p.submitter, true);
  else s.protocolFeeOptIns.delete(p.submitter);
}

/* ------------------------------------------------------------------ operator splits (reference §9.6) */

/** _getOperatorSplit at time `timestamp`: the default until a first split activates, then new or old. */
function effectiveSplit(s: EigenState, split: OperatorSplit | undefined, timestamp: bigint): bigint {
  if (
    split === undefined ||
    split.activatedAt === 0n ||
    (split.oldSplitBips === SPLIT_UNINITIALIZED && timestamp < split.activatedAt)
  ) {
    return defaultOperatorSplitBips(s);
  }
  return timestamp >= split.activatedAt ? split.newSplitBips : split.oldSplitBips;
}

export function defaultOperatorSplitBips(s: EigenState): bigint {
  return rewardsSettings(s).defaultOperatorSplitBips;
}

/** getOperatorAVSSplit as it reads at `timestamp` (with today's default). */
export function operatorAVSSplitBips(s: EigenState, operator: Address, avs: Address, timestamp: bigint): bigint {
  return effectiveSplit(s, s.operatorAVSSplits.get(k2(operator, avs)), timestamp);
}

/** getOperatorSetSplit as it reads at `timestamp`. */
export function operatorSetSplitBips(s: EigenState, operator: Address, set: SetKey, timestamp: bigint): bigint {
  return effectiveSplit(s, s.operatorSetSplits.get(k2(operator, set)), timestamp);
}

/** getOperatorPISplit as it reads at `timestamp`. */
export function operatorPISplitBips(s: EigenState, operator: Address, timestamp: bigint): bigint {
  return effectiveSplit(s, s.operatorPISplits.get(operator), timestamp);
}

/** _setOperatorSplit: ≤ 100 %, no change while one is pending, 0xFFFF marks a first setting. */
function nextSplit(
  ctx: Context,
  current: OperatorSplit | undefined,
  split: bigint,
  activatedAt: bigint,
): OperatorSplit {
  require(split <= ONE_HUNDRED_IN_BIPS, "SplitExceedsMax");
  const activated = current?.activatedAt ?? 0n;
  require(ctx.timestamp > activated, "PreviousSplitPending", "the previous split has not activated yet", {
    activatedAt: activated,
  });
  return {
    oldSplitBips: activated === 0n ? SPLIT_UNINITIALIZED : current!.newSplitBips,
    newSplitBips: split,
    activatedAt,
  };
}

export function setOperatorAVSSplit(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; avs: Address; split: bigint },
): void {
  requireAddress(p.operator, "operator");
  requireAddress(p.avs, "avs");
  requireUint(p.split, UINT16_MAX, "split (uint16)");
  requireNotPaused(s, "rewardsCoordinator", BITS.operatorAVSSplit);
  checkCanCall(s, p.operator, ctx.caller);
  const activatedAt = activationTime(s, ctx);
  const key = k2(p.operator, p.avs);
  const oldSplit = operatorAVSSplitBips(s, p.operator, p.avs, ctx.timestamp);
  s.operatorAVSSplits.set(key, nextSplit(ctx, s.operatorAVSSplits.get(key), p.split, activatedAt));
  emit(ev, "OperatorAVSSplitBipsSet", {
    caller: ctx.caller,
    operator: p.operator,
    avs: p.avs,
    activatedAt,
    oldOperatorAVSSplitBips: oldSplit,
    newOperatorAVSSplitBips: p.split,
  });
}

export function setOperatorPISplit(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; split: bigint },
): void {
  requireAddress(p.operator, "operator");
  requireUint(p.split, UINT16_MAX, "split (uint16)");
  requireNotPaused(s, "rewardsCoordinator", BITS.operatorPISplit);
  checkCanCall(s, p.operator, ctx.caller);
  const activatedAt = activationTime(s, ctx);
  const oldSplit = operatorPISplitBips(s, p.operator, ctx.timestamp);
  s.operatorPISplits.set(p.operator, nextSplit(ctx, s.operatorPISplits.get(p.operator), p.split, activatedAt));
  emit(ev, "OperatorPISplitBipsSet", {
    caller: ctx.caller,
    operator: p.operator,
    activatedAt,
    oldOperatorPISplitBips: oldSplit,
    newOperatorPISplitBips: p.split,
  });
}

export function setOperatorSetSplit(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; avs: Address; operatorSetId: bigint; split: bigint },
): void {
  requireAddress(p.operator, "operator");
  requireAddress(p.avs, "avs");
  checkOperatorSetId(p.operatorSetId);
  requireUint(p.split, UINT16_MAX, "split (uint16)");
  requireNotPaused(s, "rewardsCoordinator", BITS.operatorSetSplit);
  checkCanCall(s, p.operator, ctx.caller);
  const set = requireOperatorSet(s, p.avs, p.operatorSetId);
  const activatedAt = activationTime(s, ctx);
  const key = k2(p.operator, set);
  const oldSplit = operatorSetSplitBips(s, p.operator, set, ctx.timestamp);
  s.operatorSetSplits.set(key, nextSplit(ctx, s.operatorSetSplits.get(key), p.split, activatedAt));
  emit(ev, "OperatorSetSplitBipsSet", {
    caller: ctx.caller,
    operator: p.operator,
    operatorSet: set,
    activatedAt,
    oldOperatorSetSplitBips: oldSplit,
    newOperatorSetSplitBips: p.split,
  });
}

/* ------------------------------------------------------------------ owner settings */

export function setDefaultOperatorSplit(s: EigenState, ctx: Context, ev: Events, p: { split: bigint }): void {
  requireUint(p.split, UINT16_MAX, "split (uint16)");
  requireOwner(s, ctx);
  require(p.split <= ONE_HUNDRED_IN_BIPS, "SplitExceedsMax");
  emit(ev, "DefaultOperatorSplitBipsSet", {
    oldDefaultOperatorSplitBips: defaultOperatorSplitBips(s),
    newDefaultOperatorSplitBips: p.split,
  });
  updateSettings(s, { defaultOperatorSplitBips: p.split });
}

export function setActivationDelay(s: EigenState, ctx: Context, ev: Events, p: { activationDelay: bigint }): void {
  requireUint(p.activationDelay, UINT32_MAX, "activationDelay (uint32)");
  requireOwner(s, ctx);
  emit(ev, "ActivationDelaySet", {
    oldActivationDelay: rewardsSettings(s).activationDelay,
    newActivationDelay: p.activationDelay,
  });
  updateSettings(s, { activationDelay: p.activationDelay });
}

export function setRewardsUpdater(s: EigenState, ctx: Context, ev: Events, p: { rewardsUpdater: Address }): void {
  requireAddress(p.rewardsUpdater, "rewardsUpdater");
  requireOwner(s, ctx);
  emit(ev, "RewardsUpdaterSet", {
    oldRewardsUpdater: rewardsSettings(s).rewardsUpdater,
    newRewardsUpdater: p.rewardsUpdater,
  });
  updateSettings(s, { rewardsUpdater: p.rewardsUpdater });
}

export function setRewardsForAllSubmitter(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { submitter: Address; newValue: boolean },
): void {
  requireAddress(p.submitter, "submitter");
  require(typeof p.newValue === "boolean", "InputOutOfRange", "newValue must be a boolean");
  requireOwner(s, ctx);
  emit(ev, "RewardsForAllSubmitterSet", {
    rewardsForAllSubmitter: p.submitter,
    oldValue: isRewardsForAllSubmitter(s, p.submitter),
    newValue: p.newValue,
  });
  if (p.newValue) s.rewardsForAllSubmitters.set(p.submitter, true);
  else s.rewardsForAllSubmitters.delete(p.submitter);
}

export function setFeeRecipient(s: EigenState, ctx: Context, ev: Events, p: { feeRecipient: Address }): void {
  requireAddress(p.feeRecipient, "feeRecipient");
  requireOwner(s, ctx);
  require(p.feeRecipient !== ZERO_ADDRESS, "InvalidAddressZero", "feeRecipient must not be zero");
  emit(ev, "FeeRecipientSet", { oldFeeRecipient: rewardsSettings(s).feeRecipient, newFeeRecipient: p.feeRecipient });
  updateSettings(s, { feeRecipient: p.feeRecipient });
}

/* ------------------------------------------------------------------ distribution roots (reference §9.4) */

export function getDistributionRootsLength(s: EigenState): bigint {
  return BigInt(s.distributionRoots.size);
}

/** _distributionRoots[index]; an index past the end is Solidity's array out-of-bounds panic. */
export function getDistributionRootAtIndex(s: EigenState, index: bigint): DistributionRoot {
  const root = s.distributionRoots.get(index.toString());
  if (root === undefined) {
    throw new ProtocolError("IndexOutOfBounds", "no distribution root at this index", { index });
  }
  return root;
}

/** _distributionRoots, oldest first. */
export function distributionRoots(s: EigenState): DistributionRoot[] {
  const out: DistributionRoot[] = [];
  for (let i = 0; i < s.distributionRoots.size; i++) out.push(s.distributionRoots.get(i.toString())!);
  return out;
}

/** Every recorded submission, in no particular order (the table is keyed by hash). */
export function storedSubmissions(s: EigenState): StoredSubmission[] {
  return [...s.rewardsSubmissions.values()];
}

/** The last root submitted (possibly pending or disabled); null when there is none (the contract panics). */
export function getCurrentDistributionRoot(s: EigenState): DistributionRoot | null {
  const n = s.distributionRoots.size;
  return n === 0 ? null : s.distributionRoots.get((n - 1).toString())!;
}

/** The newest root that is not disabled and has activated by `timestamp`; the zero root if none has. */
export function getCurrentClaimableDistributionRoot(s: EigenState, timestamp: bigint): DistributionRoot {
  for (let i = s.distributionRoots.size - 1; i >= 0; i--) {
    const root = s.distributionRoots.get(i.toString())!;
    if (!root.disabled && timestamp >= root.activatedAt) return root;
  }
  return { root: ZERO_BYTES32, rewardsCalculationEndTimestamp: 0n, activatedAt: 0n, disabled: false };
}

/** getRootIndexFromHash: the newest index holding `root`, or revert InvalidRoot. */
export function getRootIndexFromHash(s: EigenState, root: string): bigint {
  for (let i = s.distributionRoots.size - 1; i >= 0; i--) {
    if (s.distributionRoots.get(i.toString())!.root === root.toLowerCase()) return BigInt(i);
  }
  throw new ProtocolError("InvalidRoot", "no distribution root with this hash", { root });
}

function requireRewardsUpdater(s: EigenState, ctx: Context): void {
  require(ctx.caller === rewardsSettings(s).rewardsUpdater, "UnauthorizedCaller", "only the rewards updater");
}

/** submitRoot: only the rewards updater; each root covers a later period that has already ended. Pause bit 3. */
export function submitRoot(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { root: Hex; rewardsCalculationEndTimestamp: bigint },
): { rootIndex: bigint; activatedAt: bigint } {
  requireBytes32(p.root, "root");
  requireUint(p.rewardsCalculationEndTimestamp, UINT32_MAX, "rewardsCalculationEndTimestamp (uint32)");
  requireNotPaused(s, "rewardsCoordinator", BITS.submitDisableRoots);
  requireRewardsUpdater(s, ctx);
  const settings = rewardsSettings(s);
  require(p.rewardsCalculationEndTimestamp >
    settings.currRewardsCalculationEndTimestamp, "NewRootMustBeForNewCalculatedPeriod");
  require(p.rewardsCalculationEndTimestamp < ctx.timestamp, "RewardsEndTimestampNotElapsed");
  const rootIndex = getDistributionRootsLength(s);
  const activatedAt = activationTime(s, ctx);
  const root = p.root.toLowerCase();
  s.distributionRoots.set(rootIndex.toString(), {
    root,
    rewardsCalculationEndTimestamp: p.rewardsCalculationEndTimestamp,
    activatedAt,
    disabled: false,
  });
  updateSettings(s, { currRewardsCalculationEndTimestamp: p.rewardsCalculationEndTimestamp });
  emit(ev, "DistributionRootSubmitted", {
    rootIndex,
    root,
    rewardsCalculationEndTimestamp: p.rewardsCalculationEndTimestamp,
    activatedAt,
  });
  return { rootIndex, activatedAt };
}

/** disableRoot: only the rewards updater, only before the root activates. Pause bit 3. */
export function disableRoot(s: EigenState, ctx: Context, ev: Events, p: { rootIndex: bigint }): void {
  requireUint(p.rootIndex, UINT32_MAX, "rootIndex (uint32)");
  requireNotPaused(s, "rewardsCoordinator", BITS.submitDisableRoots);
  requireRewardsUpdater(s, ctx);
  require(p.rootIndex < getDistributionRootsLength(s), "InvalidRootIndex");
  const key = p.rootIndex.toString();
  const root = s.distributionRoots.get(key)!;
  require(!root.disabled, "RootDisabled");
  require(ctx.timestamp < root.activatedAt, "RootAlreadyActivated");
  s.distributionRoots.set(key, { ...root, disabled: true });
  emit(ev, "DistributionRootDisabled", { rootIndex: p.rootIndex });
}

/* ------------------------------------------------------------------ claims (reference §9.5) */

export function claimerFor(s: EigenState, earner: Address): Address {
  return s.claimers.get(earner) ?? ZERO_ADDRESS;
}

export function cumulativeClaimed(s: EigenState, earner: Address, token: Address): bigint {
  return s.cumulativeClaimed.get(k2(earner, token)) ?? 0n;
}

/** AllocationManager.getOperatorSetCount(avs) */
function operatorSetCount(s: EigenState, avs: Address): number {
  let n = 0;
  for (const set of s.operatorSets.values()) if (set.avs === avs) n++;
  return n;
}

/**
 * setClaimerFor: without `earner`, the caller sets its own claimer; with `earner` (the two-argument overload), the
 * caller must be able to act for it and it must be an operator or an AVS with an operator set. Claimer 0 resets.
 */
export function setClaimerFor(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { earner?: Address; claimer: Address },
): void {
  requireAddress(p.claimer, "claimer");
  let earner = ctx.caller;
  if (p.earner !== undefined) {
    requireAddress(p.earner, "earner");
    checkCanCall(s, p.earner, ctx.caller);
    require(isOperator(s, p.earner) || operatorSetCount(s, p.earner) > 0, "InvalidEarner");
    earner = p.earner;
  }
  const oldClaimer = claimerFor(s, earner);
  if (p.claimer === ZERO_ADDRESS) s.claimers.delete(earner);
  else s.claimers.set(earner, p.claimer);
  emit(ev, "ClaimerForSet", { earner, oldClaimer, claimer: p.claimer });
}

/** checkClaim at `timestamp`: the root exists, is enabled and active, and the proofs hold. Throws the revert. */
export function checkClaim(s: EigenState, timestamp: bigint, claim: RewardsMerkleClaim): DistributionRoot {
  checkClaimShape(claim);
  const root = getDistributionRootAtIndex(s, claim.rootIndex);
  require(!root.disabled, "RootDisabled");
  require(timestamp >= root.activatedAt, "RootNotActivated", undefined, { activatedAt: root.activatedAt });
  checkClaimProofs(root.root as Hex, claim);
  return root;
}

/**
 * processClaim: pays each token's cumulative earnings minus what the earner has already claimed, to `recipient`.
 * Only the earner's claimer (the earner itself when none is set) may claim. Pause bit 2.
 */
export function processClaim(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { claim: RewardsMerkleClaim; recipient: Address },
): { token: Address; amount: bigint }[] {
  require(typeof p.claim === "object" && p.claim !== null, "InputOutOfRange", "claim must be an object");
  checkClaimShape(p.claim);
  requireAddress(p.recipient, "recipient");
  requireNotPaused(s, "rewardsCoordinator", BITS.processClaim);
  const root = checkClaim(s, ctx.timestamp, p.claim);
  const earner = p.claim.earnerLeaf.earner;
  const stored = claimerFor(s, earner);
  const claimer = stored === ZERO_ADDRESS ? earner : stored;
  require(ctx.caller === claimer, "UnauthorizedCaller", "only the earner's claimer may claim", { earner, claimer });
  const paid: { token: Address; amount: bigint }[] = [];
  for (const leaf of p.claim.tokenLeaves) {
    const key = k2(earner, leaf.token);
    const claimed = s.cumulativeClaimed.get(key) ?? 0n;
    require(leaf.cumulativeEarnings > claimed, "EarningsNotGreaterThanClaimed", undefined, {
      token: leaf.token,
      cumulativeEarnings: leaf.cumulativeEarnings,
      cumulativeClaimed: claimed,
    });
    const amount = leaf.cumulativeEarnings - claimed;
    s.cumulativeClaimed.set(key, leaf.cumulativeEarnings);
    transfer(s, ev, leaf.token, s.params.rewardsCoordinator, p.recipient, amount);
    emit(ev, "RewardsClaimed", {
      root: root.root,
      earner,
      claimer,
      recipient: p.recipient,
      token: leaf.token,
      claimedAmount: amount,
    });
    paid.push({ token: leaf.token, amount });
  }
  return paid;
}
