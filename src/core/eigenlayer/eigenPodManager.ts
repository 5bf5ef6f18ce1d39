import { keccak256 } from "viem";
import { ProtocolError, require } from "../shared/errors.ts";
import { mulDiv, WAD } from "../shared/math.ts";
import { type Context, type Events, emit, PAUSE, requireNotPaused } from "./context.ts";
import { beaconChainSlashingFactor, decreaseDelegatedShares, increaseDelegatedShares } from "./delegationManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY, GWEI_TO_WEI } from "./params.ts";
import { type Address, type EigenState, k2, type PodRecord, type ValidatorRecord } from "./state.ts";
import { balanceOf, mint, transfer } from "./tokens.ts";

/**
 * Native restaking at the accounting level (reference §8). There are no beacon-chain proofs: what a proof would
 * establish (a validator's credentials and effective balance, its current balance at a checkpoint, ETH arriving in
 * the pod) is reported by `params.beaconReporter`, the one account the node trusts for beacon-chain facts.
 */

/** Native ETH in the token ledger. Pods hold it; withdrawals pay it out. */
export const NATIVE_ETH = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee" as const;

const podShares = (s: EigenState, owner: Address): bigint =>
  s.depositShares.get(k2(owner, BEACON_CHAIN_ETH_STRATEGY)) ?? 0n;

function setPodShares(s: EigenState, owner: Address, value: bigint): void {
  const key = k2(owner, BEACON_CHAIN_ETH_STRATEGY);
  if (value === 0n) s.depositShares.delete(key);
  else s.depositShares.set(key, value);
}

/** EigenPodManager.stakerDepositShares: negative (legacy) balances read as 0. */
export function stakerDepositShares(s: EigenState, owner: Address): bigint {
  const v = podShares(s, owner);
  return v > 0n ? v : 0n;
}

export function getPod(s: EigenState, owner: Address): PodRecord {
  const pod = s.pods.get(owner);
  if (pod === undefined) throw new ProtocolError("PodNotFound", "this owner has no EigenPod", { owner });
  return pod;
}

export function podAddress(owner: Address): Address {
  return `0x${keccak256(`0x${"e1"}${owner.slice(2)}`).slice(-40)}`;
}

/* ------------------------------------------------------------------ share manager interface (§8.2, §8.3) */

/** _addShares: returns (prevDepositShares, addedShares) as the DelegationManager must see them. */
export function addShares(s: EigenState, ev: Events, owner: Address, shares: bigint): [bigint, bigint] {
  require(shares >= 0n, "SharesNegative");
  const prev = podShares(s, owner);
  const next = prev + shares;
  setPodShares(s, owner, next);
  emit(ev, "PodSharesUpdated", { podOwner: owner, sharesDelta: shares });
  emit(ev, "NewTotalShares", { podOwner: owner, newTotalShares: next });
  if (next <= 0n) return [0n, 0n];
  if (prev < 0n) return [0n, next];
  return [prev, shares];
}

export function removeDepositShares(s: EigenState, ev: Events, owner: Address, shares: bigint): bigint {
  const next = podShares(s, owner) - shares;
  require(next >= 0n, "SharesNegative");
  setPodShares(s, owner, next);
  emit(ev, "NewTotalShares", { podOwner: owner, newTotalShares: next });
  return next;
}

/** Pays out restaked pod ETH, floored to gwei (sub-gwei remainders are lost, as on-chain). */
export function withdrawSharesAsTokens(s: EigenState, ev: Events, owner: Address, shares: bigint): bigint {
  let remaining = shares;
  const current = podShares(s, owner);
  if (current < 0n) {
    const repay = remaining < -current ? remaining : -current;
    setPodShares(s, owner, current + repay);
    emit(ev, "PodSharesUpdated", { podOwner: owner, sharesDelta: repay });
    emit(ev, "NewTotalShares", { podOwner: owner, newTotalShares: current + repay });
    remaining -= repay;
  }
  if (remaining === 0n) return 0n;
  const pod = getPod(s, owner);
  const amountGwei = remaining / GWEI_TO_WEI;
  require(amountGwei <= pod.restakedExecutionLayerGwei, "InsufficientWithdrawableBalance");
  s.pods.set(owner, { ...pod, restakedExecutionLayerGwei: pod.restakedExecutionLayerGwei - amountGwei });
  const amountWei = amountGwei * GWEI_TO_WEI;
  transfer(s, ev, NATIVE_ETH, pod.address, owner, amountWei);
  emit(ev, "RestakedBeaconChainETHWithdrawn", { recipient: owner, amount: amountWei });
  return amountWei;
}

export function increaseBurnableShares(s: EigenState, ev: Events, shares: bigint): void {
  s.globals.set("burnableETHShares", (s.globals.get("burnableETHShares") ?? 0n) + shares);
  emit(ev, "BurnableETHSharesIncreased", { shares });
}

/** recordBeaconChainETHBalanceUpdate (§8.2). */
function recordBalanceUpdate(
  s: EigenState,
  ev: Events,
  owner: Address,
  prevRestakedWei: bigint,
  deltaWei: bigint,
): void {
  require(deltaWei % GWEI_TO_WEI === 0n, "SharesNotMultipleOfGwei");
  require(podShares(s, owner) >= 0n, "LegacyWithdrawalsNotCompleted");
  if (deltaWei > 0n) {
    const [prev, added] = addShares(s, ev, owner, deltaWei);
    increaseDelegatedShares(s, ev, owner, BEACON_CHAIN_ETH_STRATEGY, prev, added);
  } else if (deltaWei < 0n) {
    const prevBcsf = beaconChainSlashingFactor(s, owner);
    const newRestaked = prevRestakedWei + deltaWei;
    const nextBcsf = mulDiv(prevBcsf, newRestaked, prevRestakedWei);
    s.bcsf.set(owner, nextBcsf);
    emit(ev, "BeaconChainSlashingFactorDecreased", {
      staker: owner,
      prevBeaconChainSlashingFactor: prevBcsf,
      newBeaconChainSlashingFactor: nextBcsf,
    });
    decreaseDelegatedShares(s, ev, owner, stakerDepositShares(s, owner), prevBcsf - nextBcsf);
  }
}

/* ------------------------------------------------------------------ pods and validators (§8.4–8.6) */

export function createPod(s: EigenState, ctx: Context, ev: Events): Address {
  requireNotPaused(s, "eigenPodManager", PAUSE.eigenPodManager.newPods);
  const owner = ctx.caller;
  require(!s.pods.has(owner), "EigenPodAlreadyExists");
  const address = podAddress(owner);
  s.pods.set(owner, {
    owner,
    address,
    restakedExecutionLayerGwei: 0n,
    activeValidatorCount: 0n,
    lastCheckpointTimestamp: 0n,
    currentCheckpoint: null,
  });
  emit(ev, "PodDeployed", { eigenPod: address, podOwner: owner });
  return address;
}

function requireReporter(s: EigenState, ctx: Context): void {
  require(ctx.caller ===
    s.params.beaconReporter, "OnlyBeaconReporter", "only the beacon reporter reports beacon facts");
}

export interface ValidatorCredential {
  validatorIndex: bigint;
  effectiveBalanceGwei: bigint;
}

/** verifyWithdrawalCredentials, reported: the validators point at the pod and have these effective balances. */
export function verifyWithdrawalCredentials(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { podOwner: Address; validators: ValidatorCredential[] },
): void {
  requireNotPaused(s, "eigenPodManager", PAUSE.eigenPodManager.verifyCredentials);
  requireReporter(s, ctx);
  const pod = getPod(s, p.podOwner);
  const cp = pod.currentCheckpoint;
  require(ctx.timestamp > (cp?.timestamp ?? 0n) &&
    ctx.timestamp > pod.lastCheckpointTimestamp, "BeaconTimestampTooFarInPast");
  require(p.validators.length > 0, "InputArrayLengthZero");
  let total = 0n;
  let active = pod.activeValidatorCount;
  let prevBeacon = cp?.prevBeaconBalanceGwei ?? 0n;
  for (const v of p.validators) {
    const key = k2(p.podOwner, v.validatorIndex.toString());
    require((s.validators.get(key)?.status ?? "INACTIVE") === "INACTIVE", "CredentialsAlreadyVerified");
    require(v.effectiveBalanceGwei > 0n && v.effectiveBalanceGwei < 1n << 64n, "InputOutOfRange");
    const lastCheckpointedAt = cp?.timestamp ?? pod.lastCheckpointTimestamp;
    s.validators.set(key, {
      index: v.validatorIndex,
      restakedBalanceGwei: v.effectiveBalanceGwei,
      lastCheckpointedAt,
      status: "ACTIVE",
    });
    s.validatorCounts.set(p.podOwner, (s.validatorCounts.get(p.podOwner) ?? 0n) + 1n);
    active++;
    prevBeacon += v.effectiveBalanceGwei;
    total += v.effectiveBalanceGwei;
    emit(ev, "ValidatorRestaked", { podOwner: p.podOwner, validatorIndex: v.validatorIndex });
    emit(ev, "ValidatorBalanceUpdated", {
      podOwner: p.podOwner,
      validatorIndex: v.validatorIndex,
      balanceTimestamp: lastCheckpointedAt,
      newValidatorBalanceGwei: v.effectiveBalanceGwei,
    });
  }
  s.pods.set(p.podOwner, {
    ...pod,
    activeValidatorCount: active,
    currentCheckpoint: cp === null ? null : { ...cp, prevBeaconBalanceGwei: prevBeacon },
  });
  recordBalanceUpdate(s, ev, p.podOwner, 0n, total * GWEI_TO_WEI);
}

/** ETH arriving in the pod from the beacon chain (partial withdrawals, exits), as reported. */
export function creditPodEth(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { podOwner: Address; amountWei: bigint },
): void {
  requireReporter(s, ctx);
  const pod = getPod(s, p.podOwner);
  require(p.amountWei > 0n, "InputOutOfRange");
  mint(s, ev, NATIVE_ETH, pod.address, p.amountWei);
}

export function startCheckpoint(s: EigenState, ctx: Context, ev: Events, p: { revertIfNoBalance?: boolean }): void {
  requireNotPaused(s, "eigenPodManager", PAUSE.eigenPodManager.startCheckpoint);
  openCheckpoint(s, ctx, ev, ctx.caller, p.revertIfNoBalance ?? false);
}

/** verifyStaleBalance: a slashed validator lets anyone (here: the reporter's word) force a checkpoint. */
export function verifyStaleBalance(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { podOwner: Address; validatorIndex: bigint },
): void {
  requireNotPaused(s, "eigenPodManager", PAUSE.eigenPodManager.startCheckpoint);
  requireReporter(s, ctx);
  const v = s.validators.get(k2(p.podOwner, p.validatorIndex.toString()));
  require(v?.status === "ACTIVE", "ValidatorNotActiveInPod");
  openCheckpoint(s, ctx, ev, p.podOwner, false);
}

function openCheckpoint(s: EigenState, ctx: Context, ev: Events, owner: Address, revertIfNoBalance: boolean): void {
  const pod = getPod(s, owner);
  require(pod.currentCheckpoint === null, "CheckpointAlreadyActive");
  require(pod.lastCheckpointTimestamp !== ctx.timestamp, "CannotCheckpointTwiceInSingleBlock");
  const podBalanceGwei = balanceOf(s, NATIVE_ETH, pod.address) / GWEI_TO_WEI - pod.restakedExecutionLayerGwei;
  require(!(revertIfNoBalance && podBalanceGwei === 0n), "NoBalanceToCheckpoint");
  const cp = {
    timestamp: ctx.timestamp,
    proofsRemaining: pod.activeValidatorCount,
    podBalanceGwei,
    balanceDeltasGwei: 0n,
    prevBeaconBalanceGwei: 0n,
  };
  s.pods.set(owner, { ...pod, currentCheckpoint: cp });
  emit(ev, "CheckpointCreated", {
    podOwner: owner,
    checkpointTimestamp: ctx.timestamp,
    validatorCount: cp.proofsRemaining,
  });
  if (cp.proofsRemaining === 0n) finalizeCheckpoint(s, ev, owner);
}

export interface ValidatorBalance {
  validatorIndex: bigint;
  balanceGwei: bigint;
}

/** verifyCheckpointProofs, reported: the current beacon balances of the pod's validators at the checkpoint. */
export function verifyCheckpointProofs(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { podOwner: Address; balances: ValidatorBalance[] },
): void {
  requireNotPaused(s, "eigenPodManager", PAUSE.eigenPodManager.checkpointProofs);
  requireReporter(s, ctx);
  const pod = getPod(s, p.podOwner);
  const cp0 = pod.currentCheckpoint;
  require(cp0 !== null, "NoActiveCheckpoint");
  const cp = { ...cp0 };
  let active = pod.activeValidatorCount;
  for (const b of p.balances) {
    require(b.balanceGwei >= 0n && b.balanceGwei < 1n << 64n, "InputOutOfRange");
    const key = k2(p.podOwner, b.validatorIndex.toString());
    const v = s.validators.get(key);
    if (v === undefined || v.status !== "ACTIVE" || v.lastCheckpointedAt >= cp.timestamp) continue;
    const prev = v.restakedBalanceGwei;
    const next: ValidatorRecord = { ...v, restakedBalanceGwei: b.balanceGwei, lastCheckpointedAt: cp.timestamp };
    if (b.balanceGwei !== prev) {
      emit(ev, "ValidatorBalanceUpdated", {
        podOwner: p.podOwner,
        validatorIndex: b.validatorIndex,
        balanceTimestamp: cp.timestamp,
        newValidatorBalanceGwei: b.balanceGwei,
      });
    }
    if (b.balanceGwei === 0n) {
      next.status = "WITHDRAWN";
      active--;
      emit(ev, "ValidatorWithdrawn", {
        podOwner: p.podOwner,
        checkpointTimestamp: cp.timestamp,
        validatorIndex: b.validatorIndex,
      });
    }
    s.validators.set(key, next);
    cp.proofsRemaining--;
    cp.prevBeaconBalanceGwei += prev;
    cp.balanceDeltasGwei += b.balanceGwei - prev;
    emit(ev, "ValidatorCheckpointed", {
      podOwner: p.podOwner,
      checkpointTimestamp: cp.timestamp,
      validatorIndex: b.validatorIndex,
    });
  }
  s.pods.set(p.podOwner, { ...pod, activeValidatorCount: active, currentCheckpoint: cp });
  if (cp.proofsRemaining === 0n) finalizeCheckpoint(s, ev, p.podOwner);
}

function finalizeCheckpoint(s: EigenState, ev: Events, owner: Address): void {
  const pod = getPod(s, owner);
  const cp = pod.currentCheckpoint!;
  const prevRestakedGwei = pod.restakedExecutionLayerGwei + cp.prevBeaconBalanceGwei;
  const deltaGwei = cp.podBalanceGwei + cp.balanceDeltasGwei;
  s.pods.set(owner, {
    ...pod,
    restakedExecutionLayerGwei: pod.restakedExecutionLayerGwei + cp.podBalanceGwei,
    lastCheckpointTimestamp: cp.timestamp,
    currentCheckpoint: null,
  });
  emit(ev, "CheckpointFinalized", {
    podOwner: owner,
    checkpointTimestamp: cp.timestamp,
    totalShareDeltaWei: deltaGwei * GWEI_TO_WEI,
  });
  recordBalanceUpdate(s, ev, owner, prevRestakedGwei * GWEI_TO_WEI, deltaGwei * GWEI_TO_WEI);
}

/** The staker's beacon-chain slashing factor as a fraction of WAD, for views. */
export function bcsfOf(s: EigenState, owner: Address): bigint {
  return s.bcsf.get(owner) ?? WAD;
}
