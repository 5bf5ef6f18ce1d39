import * as am from "./allocationManager.ts";
import * as dm from "./delegationManager.ts";
import * as pods from "./eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "./params.ts";
import type { Address, EigenState, SetKey, Withdrawal } from "./state.ts";
import { k2 } from "./state.ts";
import * as sm from "./strategyManager.ts";

/** Read-only views, mirroring the contracts' view functions. `block` is the block the view is evaluated at. */

export function depositSharesOf(s: EigenState, staker: Address, strategy: Address): bigint {
  return strategy === BEACON_CHAIN_ETH_STRATEGY
    ? pods.stakerDepositShares(s, staker)
    : sm.stakerDepositShares(s, staker, strategy);
}

/** getWithdrawableShares for one strategy. */
export function withdrawableShares(s: EigenState, staker: Address, strategy: Address): bigint {
  const operator = dm.delegatedTo(s, staker);
  const sf = dm.slashingFactor(s, staker, operator, strategy);
  return dm.calcWithdrawable(depositSharesOf(s, staker, strategy), dm.depositScalingFactor(s, staker, strategy), sf);
}

export interface QueuedWithdrawalView {
  withdrawal: Withdrawal;
  /** current value in shares: historical factor once the slashable window closed, else the current one */
  shares: bigint[];
  slashableUntil: bigint;
  completableFrom: bigint;
}

export function queuedWithdrawal(s: EigenState, block: bigint, w: Withdrawal): QueuedWithdrawalView {
  const slashableUntil = w.startBlock + s.params.minWithdrawalDelayBlocks;
  const shares = w.strategies.map((st, i) => {
    const m =
      slashableUntil < block
        ? am.getMaxMagnitudeAtBlock(s, w.delegatedTo, st, slashableUntil)
        : am.getMaxMagnitude(s, w.delegatedTo, st);
    return (w.scaledShares[i]! * dm.slashingFactorFrom(s, w.staker, st, m)) / 10n ** 18n;
  });
  return { withdrawal: w, shares, slashableUntil, completableFrom: slashableUntil + 1n };
}

/** getQueuedWithdrawals, in the contract's set order. */
export function queuedWithdrawals(s: EigenState, block: bigint, staker: Address): QueuedWithdrawalView[] {
  return sm.getStaker(s, staker).withdrawalRoots.map((root) => queuedWithdrawal(s, block, s.withdrawals.get(root)!));
}

export interface OperatorStrategyView {
  operatorShares: bigint;
  maxMagnitude: bigint;
  encumberedMagnitude: bigint;
  allocatableMagnitude: bigint;
  slashableSharesInQueue: bigint;
}

export function operatorStrategy(
  s: EigenState,
  block: bigint,
  operator: Address,
  strategy: Address,
): OperatorStrategyView {
  const maxMagnitude = am.getMaxMagnitude(s, operator, strategy);
  const encumberedMagnitude = am.getEncumberedMagnitude(s, block, operator, strategy);
  return {
    operatorShares: dm.operatorShares(s, operator, strategy),
    maxMagnitude,
    encumberedMagnitude,
    allocatableMagnitude: maxMagnitude - encumberedMagnitude,
    slashableSharesInQueue: dm.slashableSharesInQueue(s, block, operator, strategy, maxMagnitude, 0n),
  };
}

export function maxMagnitudes(s: EigenState, operator: Address, strategies: Address[]): bigint[] {
  return strategies.map((st) => am.getMaxMagnitude(s, operator, st));
}

export interface AllocationView {
  currentMagnitude: bigint;
  pendingDiff: bigint;
  effectBlock: bigint;
  allocatedStake: bigint;
  slashableStake: bigint;
}

export function allocation(
  s: EigenState,
  block: bigint,
  operator: Address,
  set: SetKey,
  strategy: Address,
): AllocationView {
  const a = am.getAllocation(s, block, operator, set, strategy);
  return {
    ...a,
    allocatedStake: am.getAllocatedStake(s, block, set, operator, strategy),
    slashableStake: am.getMinimumSlashableStake(s, block, set, operator, strategy, block),
  };
}

/** Minimum slashable stake of every member of a set, per strategy, at a future block. */
export function minimumSlashableStake(
  s: EigenState,
  block: bigint,
  set: SetKey,
  futureBlock: bigint,
): { operator: Address; strategy: Address; stake: bigint }[] {
  const rec = am.getOperatorSet(s, set);
  const out: { operator: Address; strategy: Address; stake: bigint }[] = [];
  for (const operator of slashableOperators(s, block, set)) {
    for (const strategy of rec.strategies) {
      out.push({
        operator,
        strategy,
        stake: am.getMinimumSlashableStake(s, block, set, operator, strategy, futureBlock),
      });
    }
  }
  return out;
}

/** Operators that the set can slash now: members, plus deregistered ones still inside their window. */
export function slashableOperators(s: EigenState, block: bigint, set: SetKey): Address[] {
  const out = new Set<Address>(am.getOperatorSet(s, set).members);
  for (const [key, status] of s.registrations.entries()) {
    if (!status.registered && block <= status.slashableUntil && key.endsWith(`|${set}`)) {
      out.add(key.slice(0, key.indexOf("|")) as Address);
    }
  }
  return [...out];
}

export function stakerStrategies(s: EigenState, staker: Address): Address[] {
  const [strategies] = dm.getDepositedShares(s, staker);
  return strategies;
}

export function dsfOf(s: EigenState, staker: Address, strategy: Address): bigint {
  return s.dsf.get(k2(staker, strategy)) ?? 10n ** 18n;
}
