import { encodeAbiParameters, type Hex, hashTypedData, keccak256 } from "viem";
import { ProtocolError, require } from "../shared/errors.ts";
import { calcSlashedAmount, divWad, mulWad, WAD } from "../shared/math.ts";
import { recoverSigner } from "../shared/signature.ts";
import {
  getMaxMagnitude,
  getMaxMagnitudeAtBlock,
  setAllocationDelayFromDelegationManager,
} from "./allocationManager.ts";
import { type Context, canCall, checkCanCall, type Events, emit, PAUSE, requireNotPaused } from "./context.ts";
import * as pods from "./eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "./params.ts";
import { latest, upperLookup } from "./snapshots.ts";
import type { Address, EigenState, SetKey, Withdrawal } from "./state.ts";
import { k2 } from "./state.ts";
import * as sm from "./strategyManager.ts";

/* ------------------------------------------------------------------ share model helpers (reference §5) */

export function isDelegated(s: EigenState, staker: Address): boolean {
  return (s.stakers.get(staker)?.delegatedTo ?? null) !== null;
}

export function isOperator(s: EigenState, account: Address): boolean {
  return s.stakers.get(account)?.delegatedTo === account;
}

export function delegatedTo(s: EigenState, staker: Address): Address | null {
  return s.stakers.get(staker)?.delegatedTo ?? null;
}

/** Stored DSF, or WAD when unset. */
export function depositScalingFactor(s: EigenState, staker: Address, strategy: Address): bigint {
  return s.dsf.get(k2(staker, strategy)) ?? WAD;
}

export function beaconChainSlashingFactor(s: EigenState, staker: Address): bigint {
  return s.bcsf.get(staker) ?? WAD;
}

/** m for ERC-20 strategies; ⌊m·l/WAD⌋ for the beacon strategy. */
export function slashingFactorFrom(
  s: EigenState,
  staker: Address | null,
  strategy: Address,
  maxMagnitude: bigint,
): bigint {
  if (strategy === BEACON_CHAIN_ETH_STRATEGY) {
    return mulWad(maxMagnitude, staker === null ? WAD : beaconChainSlashingFactor(s, staker));
  }
  return maxMagnitude;
}

export function slashingFactor(
  s: EigenState,
  staker: Address | null,
  operator: Address | null,
  strategy: Address,
): bigint {
  return slashingFactorFrom(s, staker, strategy, getMaxMagnitude(s, operator, strategy));
}

/** ⌊⌊s·k/WAD⌋·SF/WAD⌋ */
export function calcWithdrawable(depositShares: bigint, dsf: bigint, sf: bigint): bigint {
  return mulWad(mulWad(depositShares, dsf), sf);
}

/** SlashingLib.update: the new DSF after crediting `added` deposit shares on top of `prev`. */
export function updatedDsf(dsf: bigint, prev: bigint, added: bigint, sf: bigint): bigint {
  if (prev === 0n) return divWad(dsf, sf);
  const current = calcWithdrawable(prev, dsf, sf);
  const next = divWad(divWad(current + added, prev + added), sf);
  require(next !== 0n, "InvalidDepositScalingFactor");
  return next;
}

/** The deposit shares of a staker in every strategy: StrategyManager list order, then the beacon strategy. */
export function getDepositedShares(s: EigenState, staker: Address): [Address[], bigint[]] {
  const list = sm.getStaker(s, staker).strategyList;
  const strategies = [...list];
  const shares = list.map((st) => sm.stakerDepositShares(s, staker, st));
  const podShares = pods.stakerDepositShares(s, staker);
  if (podShares > 0n) {
    strategies.push(BEACON_CHAIN_ETH_STRATEGY);
    shares.push(podShares);
  }
  return [strategies, shares];
}

export function operatorShares(s: EigenState, operator: Address, strategy: Address): bigint {
  return s.operatorShares.get(k2(operator, strategy)) ?? 0n;
}

/* ------------------------------------------------------------------ internal delegation accounting */

function increaseDelegation(
  s: EigenState,
  ev: Events,
  operator: Address | null,
  staker: Address,
  strategy: Address,
  prev: bigint,
  added: bigint,
  sf: bigint,
): void {
  require(sf !== 0n, "FullySlashed", "the slashing factor is 0", { staker, operator, strategy });
  if (added === 0n) return;
  const key = k2(staker, strategy);
  const next = updatedDsf(s.dsf.get(key) ?? WAD, prev, added, sf);
  s.dsf.set(key, next);
  emit(ev, "DepositScalingFactorUpdated", { staker, strategy, newDepositScalingFactor: next });
  if (operator !== null && isDelegated(s, staker)) {
    const okey = k2(operator, strategy);
    s.operatorShares.set(okey, (s.operatorShares.get(okey) ?? 0n) + added);
    emit(ev, "OperatorSharesIncreased", { operator, staker, strategy, shares: added });
  }
}

function decreaseDelegation(
  s: EigenState,
  ev: Events,
  operator: Address,
  staker: Address | null,
  strategy: Address,
  shares: bigint,
): void {
  const okey = k2(operator, strategy);
  const current = s.operatorShares.get(okey) ?? 0n;
  // Checked subtraction, as in Solidity 0.8: an underflow is a panic.
  if (shares > current)
    throw new ProtocolError("ArithmeticUnderflow", "operator shares underflow", { operator, strategy });
  s.operatorShares.set(okey, current - shares);
  emit(ev, "OperatorSharesDecreased", { operator, staker, strategy, shares });
}

/** Called by the StrategyManager and EigenPodManager whenever deposit shares are credited (§6.7). */
export function increaseDelegatedShares(
  s: EigenState,
  ev: Events,
  staker: Address,
  strategy: Address,
  prev: bigint,
  added: bigint,
): void {
  const operator = delegatedTo(s, staker);
  const sf = slashingFactor(s, staker, operator, strategy);
  increaseDelegation(s, ev, operator, staker, strategy, prev, added, sf);
}

/** EigenPodManager only: a beacon-chain balance decrease lowered the staker's BCSF by `bcsfDecrease` (§6.8). */
export function decreaseDelegatedShares(
  s: EigenState,
  ev: Events,
  staker: Address,
  curDepositShares: bigint,
  bcsfDecrease: bigint,
): void {
  const operator = delegatedTo(s, staker);
  if (operator === null) return;
  const m = getMaxMagnitude(s, operator, BEACON_CHAIN_ETH_STRATEGY);
  const toRemove = calcWithdrawable(
    curDepositShares,
    depositScalingFactor(s, staker, BEACON_CHAIN_ETH_STRATEGY),
    mulWad(m, bcsfDecrease),
  );
  decreaseDelegation(s, ev, operator, staker, BEACON_CHAIN_ETH_STRATEGY, toRemove);
}

/* ------------------------------------------------------------------ operators (§6.1) */

export interface RegisterAsOperatorParams {
  delegationApprover?: Address | null;
  allocationDelay: bigint;
  metadataURI?: string;
}

export function registerAsOperator(s: EigenState, ctx: Context, ev: Events, p: RegisterAsOperatorParams): void {
  const operator = ctx.caller;
  require(!isDelegated(s, operator), "ActivelyDelegated");
  const approver = p.delegationApprover ?? null;
  s.operators.set(operator, {
    delegationApprover: approver,
    allocationDelay: { delay: 0n, isSet: false, pendingDelay: 0n, effectBlock: 0n },
    registeredAtBlock: ctx.block,
  });
  setAllocationDelayFromDelegationManager(s, ctx, ev, operator, p.allocationDelay);
  emit(ev, "DelegationApproverUpdated", { operator, newDelegationApprover: approver ?? ZERO });
  delegate(s, ctx, ev, operator, operator);
  emit(ev, "OperatorRegistered", { operator, delegationApprover: approver ?? ZERO });
  emit(ev, "OperatorMetadataURIUpdated", { operator, metadataURI: p.metadataURI ?? "" });
}

const ZERO = "0x0000000000000000000000000000000000000000";

export function modifyOperatorDetails(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; delegationApprover: Address | null },
): void {
  checkCanCall(s, p.operator, ctx.caller);
  require(isOperator(s, p.operator), "OperatorNotRegistered");
  const rec = s.operators.get(p.operator)!;
  s.operators.set(p.operator, { ...rec, delegationApprover: p.delegationApprover });
  emit(ev, "DelegationApproverUpdated", { operator: p.operator, newDelegationApprover: p.delegationApprover ?? ZERO });
}

export function updateOperatorMetadataURI(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; metadataURI: string },
): void {
  checkCanCall(s, p.operator, ctx.caller);
  require(isOperator(s, p.operator), "OperatorNotRegistered");
  emit(ev, "OperatorMetadataURIUpdated", { operator: p.operator, metadataURI: p.metadataURI });
}

/* ------------------------------------------------------------------ delegation (§6.2–6.4) */

export interface ApproverSignature {
  signature: Hex;
  expiry: bigint;
}

export interface DelegateToParams {
  operator: Address;
  approverSignature?: ApproverSignature;
  approverSalt?: Hex;
}

/** The DelegationManager address used as EIP-712 verifyingContract (mainnet proxy). */
export const DELEGATION_MANAGER_ADDRESS = "0x39053d51b77dc0d36036fc1fcc8cb819df8ef37a" as const;

export function delegationApprovalDigest(
  s: EigenState,
  staker: Address,
  operator: Address,
  approver: Address,
  salt: Hex,
  expiry: bigint,
): Hex {
  return hashTypedData({
    domain: {
      name: "EigenLayer",
      version: "1",
      chainId: s.params.chainId,
      verifyingContract: DELEGATION_MANAGER_ADDRESS,
    },
    types: {
      DelegationApproval: [
        { name: "delegationApprover", type: "address" },
        { name: "staker", type: "address" },
        { name: "operator", type: "address" },
        { name: "salt", type: "bytes32" },
        { name: "expiry", type: "uint256" },
      ],
    },
    primaryType: "DelegationApproval",
    message: { delegationApprover: approver, staker, operator, salt, expiry },
  });
}

function checkApproverSignature(
  s: EigenState,
  ctx: Context,
  staker: Address,
  operator: Address,
  p: DelegateToParams,
): void {
  const approver = s.operators.get(operator)?.delegationApprover ?? null;
  if (approver === null) return;
  const salt = p.approverSalt ?? `0x${"0".repeat(64)}`;
  const saltKey = k2(approver, salt.toLowerCase());
  require(!s.spentSalts.has(saltKey), "SaltSpent");
  s.spentSalts.set(saltKey, true);
  const sig = p.approverSignature;
  require(sig !== undefined, "InvalidSignature", "the operator requires an approver signature");
  require(sig.expiry >= ctx.timestamp, "SignatureExpired");
  const signer = recoverSigner(
    delegationApprovalDigest(s, staker, operator, approver, salt, sig.expiry),
    sig.signature,
  );
  require(signer === approver, "InvalidSignature");
}

export function delegateTo(s: EigenState, ctx: Context, ev: Events, p: DelegateToParams): void {
  const staker = ctx.caller;
  require(!isDelegated(s, staker), "ActivelyDelegated");
  require(isOperator(s, p.operator), "OperatorNotRegistered");
  checkApproverSignature(s, ctx, staker, p.operator, p);
  delegate(s, ctx, ev, staker, p.operator);
}

function delegate(s: EigenState, _ctx: Context, ev: Events, staker: Address, operator: Address): void {
  requireNotPaused(s, "delegationManager", PAUSE.delegationManager.newDelegation);
  const [strategies, shares] = getDepositedShares(s, staker);
  const opSf = strategies.map((st) => slashingFactor(s, null, operator, st));
  const rec = sm.getStaker(s, staker);
  s.stakers.set(staker, { ...rec, delegatedTo: operator });
  emit(ev, "StakerDelegated", { staker, operator });
  for (let i = 0; i < strategies.length; i++) {
    const strategy = strategies[i]!;
    let added = shares[i]!;
    if (strategy === BEACON_CHAIN_ETH_STRATEGY) {
      added = calcWithdrawable(added, depositScalingFactor(s, staker, strategy), beaconChainSlashingFactor(s, staker));
    }
    increaseDelegation(s, ev, operator, staker, strategy, 0n, added, opSf[i]!);
  }
}

export function undelegate(s: EigenState, ctx: Context, ev: Events, p: { staker: Address }): string[] {
  const staker = p.staker;
  require(isDelegated(s, staker), "NotActivelyDelegated");
  require(!isOperator(s, staker), "OperatorsCannotUndelegate");
  const operator = delegatedTo(s, staker)!;
  if (ctx.caller !== staker) {
    const approver = s.operators.get(operator)?.delegationApprover ?? null;
    require(canCall(s, operator, ctx.caller) || ctx.caller === approver, "CallerCannotUndelegate");
    emit(ev, "StakerForceUndelegated", { staker, operator });
  }
  requireNotPaused(s, "delegationManager", PAUSE.delegationManager.enterWithdrawalQueue);
  const rec = sm.getStaker(s, staker);
  s.stakers.set(staker, { ...rec, delegatedTo: null });
  emit(ev, "StakerUndelegated", { staker, operator });
  const [strategies, shares] = getDepositedShares(s, staker);
  if (strategies.length === 0) return [];
  const sfs = strategies.map((st) => slashingFactor(s, staker, operator, st));
  return strategies.map((st, i) =>
    removeSharesAndQueueWithdrawal(s, ctx, ev, staker, operator, [st], [shares[i]!], [sfs[i]!]),
  );
}

export function redelegate(s: EigenState, ctx: Context, ev: Events, p: DelegateToParams): string[] {
  const roots = undelegate(s, ctx, ev, { staker: ctx.caller });
  delegateTo(s, ctx, ev, p);
  return roots;
}

/* ------------------------------------------------------------------ withdrawal queue (§6.5–6.6, §6.11) */

export interface QueuedWithdrawalParams {
  strategies: Address[];
  depositShares: bigint[];
}

export function queueWithdrawals(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { params: QueuedWithdrawalParams[] },
): string[] {
  requireNotPaused(s, "delegationManager", PAUSE.delegationManager.enterWithdrawalQueue);
  const staker = ctx.caller;
  const operator = delegatedTo(s, staker);
  return p.params.map((q) => {
    require(q.strategies.length === q.depositShares.length, "InputArrayLengthMismatch");
    for (const st of q.strategies) if (st !== BEACON_CHAIN_ETH_STRATEGY) sm.getStrategy(s, st);
    const sfs = q.strategies.map((st) => slashingFactor(s, staker, operator, st));
    return removeSharesAndQueueWithdrawal(s, ctx, ev, staker, operator, q.strategies, q.depositShares, sfs);
  });
}

export function calculateWithdrawalRoot(w: Omit<Withdrawal, "root">): string {
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: "tuple",
          components: [
            { name: "staker", type: "address" },
            { name: "delegatedTo", type: "address" },
            { name: "withdrawer", type: "address" },
            { name: "nonce", type: "uint256" },
            { name: "startBlock", type: "uint32" },
            { name: "strategies", type: "address[]" },
            { name: "scaledShares", type: "uint256[]" },
          ],
        },
      ],
      [
        {
          staker: w.staker,
          delegatedTo: w.delegatedTo ?? ZERO,
          withdrawer: w.withdrawer,
          nonce: w.nonce,
          startBlock: Number(w.startBlock),
          strategies: w.strategies,
          scaledShares: w.scaledShares,
        },
      ],
    ),
  );
}

function removeSharesAndQueueWithdrawal(
  s: EigenState,
  ctx: Context,
  ev: Events,
  staker: Address,
  operator: Address | null,
  strategies: Address[],
  depositShares: bigint[],
  sfs: bigint[],
): string {
  require(strategies.length !== 0, "InputArrayLengthZero");
  const scaled: bigint[] = [];
  const withdrawable: bigint[] = [];
  for (let i = 0; i < strategies.length; i++) {
    const strategy = strategies[i]!;
    const x = depositShares[i]!;
    const dsf = depositScalingFactor(s, staker, strategy);
    withdrawable.push(calcWithdrawable(x, dsf, sfs[i]!));
    scaled.push(mulWad(x, dsf));
    if (operator !== null) {
      addQueuedSlashableShares(s, ctx, operator, strategy, scaled[i]!);
      decreaseDelegation(s, ev, operator, staker, strategy, withdrawable[i]!);
    }
    const after =
      strategy === BEACON_CHAIN_ETH_STRATEGY
        ? pods.removeDepositShares(s, ev, staker, x)
        : sm.removeDepositShares(s, staker, strategy, x);
    if (after === 0n) {
      s.dsf.delete(k2(staker, strategy));
      emit(ev, "DepositScalingFactorUpdated", { staker, strategy, newDepositScalingFactor: WAD });
    }
  }
  const rec = sm.getStaker(s, staker);
  const w: Omit<Withdrawal, "root"> = {
    staker,
    delegatedTo: operator,
    withdrawer: staker,
    nonce: rec.withdrawalNonce,
    startBlock: ctx.block,
    strategies: [...strategies],
    scaledShares: scaled,
  };
  const root = calculateWithdrawalRoot(w);
  s.stakers.set(staker, {
    ...rec,
    withdrawalNonce: rec.withdrawalNonce + 1n,
    withdrawalRoots: [...rec.withdrawalRoots, root],
  });
  s.withdrawals.set(root, { root, ...w });
  emit(ev, "SlashingWithdrawalQueued", { withdrawalRoot: root, withdrawal: w, sharesToWithdraw: withdrawable });
  return root;
}

function addQueuedSlashableShares(
  s: EigenState,
  ctx: Context,
  operator: Address,
  strategy: Address,
  scaled: bigint,
): void {
  const key = k2(operator, strategy);
  const history = s.cumulativeScaledSharesHistory.get(key);
  const value = latest(history, 0n) + scaled;
  if (history !== undefined && history.length > 0 && history[history.length - 1]!.key === ctx.block) {
    s.cumulativeScaledSharesHistory.replaceLast(key, { key: ctx.block, value });
  } else {
    s.cumulativeScaledSharesHistory.push(key, { key: ctx.block, value });
  }
}

export interface CompleteWithdrawalParams {
  withdrawalRoot: string;
  receiveAsTokens: boolean;
}

export interface CompletedWithdrawal {
  strategies: Address[];
  /** shares paid out per strategy (0 when fully slashed) */
  shares: bigint[];
  /** tokens received per strategy (only as tokens) */
  tokens: bigint[];
}

export function completeQueuedWithdrawal(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: CompleteWithdrawalParams,
): CompletedWithdrawal {
  requireNotPaused(s, "delegationManager", PAUSE.delegationManager.exitWithdrawalQueue);
  const w = s.withdrawals.get(p.withdrawalRoot);
  require(w !== undefined, "WithdrawalNotQueued", undefined, { withdrawalRoot: p.withdrawalRoot });
  require(ctx.caller === w.withdrawer, "WithdrawerNotCaller");
  const slashableUntil = w.startBlock + s.params.minWithdrawalDelayBlocks;
  require(ctx.block > slashableUntil, "WithdrawalDelayNotElapsed", undefined, { completableFrom: slashableUntil + 1n });
  const prevSf = w.strategies.map((st) =>
    slashingFactorFrom(s, w.staker, st, getMaxMagnitudeAtBlock(s, w.delegatedTo, st, slashableUntil)),
  );
  const rec = sm.getStaker(s, w.staker);
  s.stakers.set(w.staker, { ...rec, withdrawalRoots: removeSwapPop(rec.withdrawalRoots, w.root) });
  s.withdrawals.delete(w.root);
  emit(ev, "SlashingWithdrawalCompleted", { withdrawalRoot: w.root });
  const newOperator = delegatedTo(s, w.staker);
  const newSf = w.strategies.map((st) => slashingFactor(s, w.staker, newOperator, st));
  const out: CompletedWithdrawal = { strategies: w.strategies, shares: [], tokens: [] };
  for (let i = 0; i < w.strategies.length; i++) {
    const strategy = w.strategies[i]!;
    const sharesOut = mulWad(w.scaledShares[i]!, prevSf[i]!);
    out.shares.push(sharesOut);
    if (sharesOut === 0n) {
      out.tokens.push(0n);
      continue;
    }
    if (p.receiveAsTokens) {
      out.tokens.push(
        strategy === BEACON_CHAIN_ETH_STRATEGY
          ? pods.withdrawSharesAsTokens(s, ev, w.staker, sharesOut)
          : sm.withdrawSharesAsTokens(s, ev, w.staker, strategy, sharesOut),
      );
    } else {
      const [prev, added] =
        strategy === BEACON_CHAIN_ETH_STRATEGY
          ? pods.addShares(s, ev, w.staker, sharesOut)
          : sm.addShares(s, ev, w.staker, strategy, sharesOut);
      increaseDelegation(s, ev, newOperator, w.staker, strategy, prev, added, newSf[i]!);
      out.tokens.push(0n);
    }
  }
  return out;
}

/** EnumerableSet.remove: the last element moves into the removed slot. */
function removeSwapPop<T>(arr: T[], item: T): T[] {
  const i = arr.indexOf(item);
  if (i < 0) return arr;
  const next = [...arr];
  next[i] = next[next.length - 1]!;
  next.pop();
  return next;
}

/* ------------------------------------------------------------------ slashing (§6.9–6.10) */

/** Scaled shares queued from `operator` in blocks [block − D, block], valued at prevMax and cut to newMax. */
export function slashableSharesInQueue(
  s: EigenState,
  block: bigint,
  operator: Address,
  strategy: Address,
  prevMax: bigint,
  newMax: bigint,
): bigint {
  if (prevMax === 0n) return 0n;
  const history = s.cumulativeScaledSharesHistory.get(k2(operator, strategy));
  const cur = latest(history, 0n);
  const old = upperLookup(history, block - s.params.minWithdrawalDelayBlocks - 1n, 0n);
  return calcSlashedAmount(mulWad(cur - old, prevMax), prevMax, newMax);
}

/** AllocationManager only. Returns the shares to burn or redistribute (operator part + queue part). */
export function slashOperatorShares(
  s: EigenState,
  ctx: Context,
  ev: Events,
  operator: Address,
  set: SetKey,
  slashId: bigint,
  strategy: Address,
  prevMax: bigint,
  newMax: bigint,
): bigint {
  const opSlashed = calcSlashedAmount(operatorShares(s, operator, strategy), prevMax, newMax);
  const queueSlashed = slashableSharesInQueue(s, ctx.block, operator, strategy, prevMax, newMax);
  const total = opSlashed + queueSlashed;
  decreaseDelegation(s, ev, operator, null, strategy, opSlashed);
  emit(ev, "OperatorSharesSlashed", { operator, strategy, totalSlashedShares: total });
  if (strategy === BEACON_CHAIN_ETH_STRATEGY) pods.increaseBurnableShares(s, ev, total);
  else sm.increaseBurnOrRedistributableShares(s, ctx, ev, set, slashId, strategy, total);
  return total;
}
