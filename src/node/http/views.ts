import * as am from "../../core/eigenlayer/allocationManager.ts";
import * as dm from "../../core/eigenlayer/delegationManager.ts";
import { NATIVE_ETH } from "../../core/eigenlayer/eigenPodManager.ts";
import { assetOf, eigenNeutralView, sharesToAsset } from "../../core/eigenlayer/neutral.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../core/eigenlayer/params.ts";
import {
  type Address,
  type EigenState,
  type OperatorSetRecord,
  parseSetKey,
  type SetKey,
  type Withdrawal,
} from "../../core/eigenlayer/state.ts";
import * as sm from "../../core/eigenlayer/strategyManager.ts";
import { balanceOf } from "../../core/eigenlayer/tokens.ts";
import * as views from "../../core/eigenlayer/views.ts";
import { WAD } from "../../core/shared/math.ts";
import { NodeError } from "../errors.ts";
import type {
  AllocationOut,
  AllocationsOut,
  AvsListOut,
  AvsOut,
  NeutralOut,
  OperatorOut,
  OperatorSetOut,
  OperatorSetSummaryOut,
  OperatorsOut,
  Out,
  QueuedWithdrawalOut,
  StakerOut,
  StrategiesOut,
  WithdrawalsOut,
} from "./schemas.ts";

/**
 * Read models for the HTTP API, built from the engine's state and view functions at one block. Each returns the
 * wire shape of its response schema (integers as decimal strings), so the compiler checks them against the
 * documented schemas.
 */

const str = (v: bigint): string => v.toString();
const strs = (vs: bigint[]): string[] => vs.map(str);

function notFound(what: string, id: string): NodeError {
  return new NodeError("NotFound", 404, `no ${what} ${id}`, { [what]: id });
}

/* ------------------------------------------------------------------ stakers and withdrawals */

export function queuedWithdrawalView(s: EigenState, block: bigint, w: Withdrawal): Out<typeof QueuedWithdrawalOut> {
  const v = views.queuedWithdrawal(s, block, w);
  return {
    root: w.root,
    staker: w.staker,
    delegatedTo: w.delegatedTo,
    withdrawer: w.withdrawer,
    nonce: str(w.nonce),
    startBlock: str(w.startBlock),
    strategies: [...w.strategies],
    scaledShares: strs(w.scaledShares),
    shares: strs(v.shares),
    slashableUntil: str(v.slashableUntil),
    completableFrom: str(v.completableFrom),
    completable: block >= v.completableFrom,
  };
}

function podView(s: EigenState, owner: Address): Out<typeof StakerOut>["pod"] {
  const pod = s.pods.get(owner);
  if (pod === undefined) return null;
  const prefix = `${owner}|`;
  const validators: NonNullable<Out<typeof StakerOut>["pod"]>["validators"] = [];
  for (const [key, v] of s.validators.entries()) {
    if (!key.startsWith(prefix)) continue;
    validators.push({
      index: str(v.index),
      restakedBalanceGwei: str(v.restakedBalanceGwei),
      lastCheckpointedAt: str(v.lastCheckpointedAt),
      status: v.status,
    });
  }
  const cp = pod.currentCheckpoint;
  return {
    address: pod.address,
    restakedExecutionLayerGwei: str(pod.restakedExecutionLayerGwei),
    activeValidatorCount: str(pod.activeValidatorCount),
    lastCheckpointTimestamp: str(pod.lastCheckpointTimestamp),
    currentCheckpoint:
      cp === null
        ? null
        : {
            timestamp: str(cp.timestamp),
            proofsRemaining: str(cp.proofsRemaining),
            podBalanceGwei: str(cp.podBalanceGwei),
            balanceDeltasGwei: str(cp.balanceDeltasGwei),
            prevBeaconBalanceGwei: str(cp.prevBeaconBalanceGwei),
          },
    validators,
  };
}

export function stakerView(s: EigenState, block: bigint, staker: Address): Out<typeof StakerOut> {
  const rec = sm.getStaker(s, staker);
  const operator = rec.delegatedTo;
  const strategies = views.stakerStrategies(s, staker).map((strategy) => {
    const withdrawable = views.withdrawableShares(s, staker, strategy);
    return {
      strategy,
      asset: assetOf(s, strategy),
      depositShares: str(views.depositSharesOf(s, staker, strategy)),
      withdrawableShares: str(withdrawable),
      withdrawableAmount: str(sharesToAsset(s, strategy, withdrawable)),
      depositScalingFactor: str(views.dsfOf(s, staker, strategy)),
      slashingFactor: str(dm.slashingFactor(s, staker, operator, strategy)),
    };
  });
  const tokenBalances: Out<typeof StakerOut>["tokenBalances"] = [];
  for (const token of s.tokens.values()) {
    const balance = balanceOf(s, token.address, staker);
    if (balance !== 0n) {
      tokenBalances.push({
        token: token.address,
        symbol: token.symbol,
        decimals: token.decimals,
        balance: str(balance),
      });
    }
  }
  return {
    address: staker,
    block: str(block),
    delegatedTo: operator,
    isOperator: dm.isOperator(s, staker),
    withdrawalNonce: str(rec.withdrawalNonce),
    beaconChainSlashingFactor: str(dm.beaconChainSlashingFactor(s, staker)),
    strategies,
    tokenBalances,
    queuedWithdrawals: views
      .queuedWithdrawals(s, block, staker)
      .map((q) => queuedWithdrawalView(s, block, q.withdrawal)),
    pod: podView(s, staker),
    appointees: [...(s.appointees.get(staker) ?? [])],
  };
}

export function withdrawalsView(
  s: EigenState,
  block: bigint,
  q: { staker?: Address; offset: number; limit: number },
): Out<typeof WithdrawalsOut> {
  const all: Withdrawal[] =
    q.staker !== undefined
      ? sm.getStaker(s, q.staker).withdrawalRoots.map((root) => s.withdrawals.get(root)!)
      : [...s.withdrawals.values()];
  return {
    block: str(block),
    total: all.length,
    withdrawals: all.slice(q.offset, q.offset + q.limit).map((w) => queuedWithdrawalView(s, block, w)),
  };
}

/* ------------------------------------------------------------------ operators and allocations */

function delegatedStakerCounts(s: EigenState): Map<Address, number> {
  const counts = new Map<Address, number>();
  for (const [staker, rec] of s.stakers.entries()) {
    if (rec.delegatedTo !== null && rec.delegatedTo !== staker) {
      counts.set(rec.delegatedTo, (counts.get(rec.delegatedTo) ?? 0) + 1);
    }
  }
  return counts;
}

function allocationDelayView(
  s: EigenState,
  block: bigint,
  operator: Address,
): Out<typeof OperatorOut>["allocationDelay"] {
  const info = s.operators.get(operator)!.allocationDelay;
  const effective = am.getAllocationDelay(s, block, operator);
  return {
    isSet: effective.isSet,
    delay: str(effective.delay),
    pendingDelay: str(info.pendingDelay),
    effectBlock: str(info.effectBlock),
  };
}

/** Every strategy an operator can hold: the ERC-20 strategies, then beacon-chain ETH. */
function allStrategies(s: EigenState): Address[] {
  return [...s.strategies.keys(), BEACON_CHAIN_ETH_STRATEGY];
}

function requireOperator(s: EigenState, operator: Address): void {
  if (!dm.isOperator(s, operator) || !s.operators.has(operator)) throw notFound("operator", operator);
}

export function allocationView(
  s: EigenState,
  block: bigint,
  operator: Address,
  set: SetKey,
  strategy: Address,
): Out<typeof AllocationOut> {
  const a = views.allocation(s, block, operator, set, strategy);
  const { avs, id } = parseSetKey(set);
  return {
    operator,
    operatorSet: set,
    avs,
    operatorSetId: str(id),
    strategy,
    currentMagnitude: str(a.currentMagnitude),
    pendingDiff: str(a.pendingDiff),
    effectBlock: str(a.effectBlock),
    allocatedStake: str(a.allocatedStake),
    slashableStake: str(a.slashableStake),
  };
}

/** Stored allocations (non-zero or pending), optionally of one operator, in a stable order. */
function allocationKeys(s: EigenState, operator?: Address): [Address, SetKey, Address][] {
  const out: [Address, SetKey, Address][] = [];
  for (const key of s.allocations.keys()) {
    const [op, set, strategy] = key.split("|") as [Address, SetKey, Address];
    if (operator === undefined || op === operator) out.push([op, set, strategy]);
  }
  return out.sort((a, b) => (a.join("|") < b.join("|") ? -1 : 1));
}

export function allocationsView(s: EigenState, block: bigint, operator?: Address): Out<typeof AllocationsOut> {
  return {
    block: str(block),
    allocations: allocationKeys(s, operator).map(([op, set, st]) => allocationView(s, block, op, set, st)),
  };
}

export function operatorsView(s: EigenState, block: bigint): Out<typeof OperatorsOut> {
  const counts = delegatedStakerCounts(s);
  const strategies = allStrategies(s);
  const operators: Out<typeof OperatorsOut>["operators"] = [];
  for (const [operator, rec] of s.operators.entries()) {
    if (!dm.isOperator(s, operator)) continue;
    operators.push({
      address: operator,
      delegationApprover: rec.delegationApprover,
      registeredAtBlock: str(rec.registeredAtBlock),
      allocationDelay: allocationDelayView(s, block, operator),
      delegatedStakers: counts.get(operator) ?? 0,
      shares: strategies
        .map((strategy) => ({ strategy, shares: dm.operatorShares(s, operator, strategy) }))
        .filter((x) => x.shares !== 0n)
        .map((x) => ({ strategy: x.strategy, shares: str(x.shares) })),
      registeredSets: [...(s.registeredSets.get(operator) ?? [])],
    });
  }
  return { block: str(block), operators };
}

export function operatorView(s: EigenState, block: bigint, operator: Address): Out<typeof OperatorOut> {
  requireOperator(s, operator);
  const rec = s.operators.get(operator)!;
  let delegatedStakers = 0;
  for (const [staker, st] of s.stakers.entries())
    if (st.delegatedTo === operator && staker !== operator) delegatedStakers++;
  const prefix = `${operator}|`;
  const operatorSets: Out<typeof OperatorOut>["operatorSets"] = [];
  for (const [key, status] of s.registrations.entries()) {
    if (!key.startsWith(prefix)) continue;
    const set = key.slice(prefix.length);
    const { avs, id } = parseSetKey(set);
    operatorSets.push({
      operatorSet: set,
      avs,
      operatorSetId: str(id),
      registered: status.registered,
      slashable: am.isOperatorSlashable(s, block, operator, set),
      slashableUntil: status.registered ? null : str(status.slashableUntil),
    });
  }
  return {
    address: operator,
    block: str(block),
    delegationApprover: rec.delegationApprover,
    registeredAtBlock: str(rec.registeredAtBlock),
    allocationDelay: allocationDelayView(s, block, operator),
    delegatedStakers,
    appointees: [...(s.appointees.get(operator) ?? [])],
    strategies: allStrategies(s).map((strategy) => {
      const v = views.operatorStrategy(s, block, operator, strategy);
      return {
        strategy,
        operatorShares: str(v.operatorShares),
        maxMagnitude: str(v.maxMagnitude),
        encumberedMagnitude: str(v.encumberedMagnitude),
        allocatableMagnitude: str(v.allocatableMagnitude),
        slashableSharesInQueue: str(v.slashableSharesInQueue),
        deallocationQueue: [...(s.deallocationQueue.get(`${operator}|${strategy}`) ?? [])],
      };
    }),
    registeredSets: [...(s.registeredSets.get(operator) ?? [])],
    operatorSets,
    allocations: allocationsView(s, block, operator).allocations,
  };
}

/* ------------------------------------------------------------------ AVSs and operator sets */

function setsOf(s: EigenState, avs: Address): [SetKey, OperatorSetRecord][] {
  const out: [SetKey, OperatorSetRecord][] = [];
  for (const [key, rec] of s.operatorSets.entries()) if (rec.avs === avs) out.push([key, rec]);
  return out.sort(([, a], [, b]) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function setSummary(
  s: EigenState,
  block: bigint,
  key: SetKey,
  rec: OperatorSetRecord,
): Out<typeof OperatorSetSummaryOut> {
  return {
    operatorSet: key,
    avs: rec.avs,
    operatorSetId: str(rec.id),
    strategies: [...rec.strategies],
    members: [...rec.members],
    slasher: am.getSlasher(s, block, key),
    redistributionRecipient: rec.redistributionRecipient,
    slashCount: str(rec.slashCount),
  };
}

export function avsListView(s: EigenState): Out<typeof AvsListOut> {
  return {
    avss: [...s.avss.entries()].map(([address, meta]) => ({
      address,
      metadataURI: meta.metadataURI,
      operatorSets: setsOf(s, address).map(([key]) => key),
    })),
  };
}

export function avsView(s: EigenState, block: bigint, avs: Address): Out<typeof AvsOut> {
  const meta = s.avss.get(avs);
  if (meta === undefined) throw notFound("avs", avs);
  return {
    address: avs,
    metadataURI: meta.metadataURI,
    appointees: [...(s.appointees.get(avs) ?? [])],
    operatorSets: setsOf(s, avs).map(([key, rec]) => setSummary(s, block, key, rec)),
  };
}

export function pendingSlashesOf(
  s: EigenState,
  set: SetKey,
): { slashId: bigint; resolutionBlock: bigint; shares: [Address, bigint][] }[] {
  const out = [...s.pendingSlashes.values()].filter((p) => p.operatorSet === set);
  return out.sort((a, b) => (a.slashId < b.slashId ? -1 : 1));
}

export function operatorSetView(
  s: EigenState,
  block: bigint,
  set: SetKey,
  futureBlock: bigint,
): Out<typeof OperatorSetOut> {
  const rec = s.operatorSets.get(set);
  if (rec === undefined) throw notFound("operatorSet", set);
  const slashable = views.slashableOperators(s, block, set);
  const stake: Out<typeof OperatorSetOut>["stake"] = [];
  for (const operator of slashable) {
    for (const strategy of rec.strategies) {
      const a = am.getAllocation(s, block, operator, set, strategy);
      stake.push({
        operator,
        strategy,
        currentMagnitude: str(a.currentMagnitude),
        pendingDiff: str(a.pendingDiff),
        effectBlock: str(a.effectBlock),
        allocatedStake: str(am.getAllocatedStake(s, block, set, operator, strategy)),
        minimumSlashableStake: str(am.getMinimumSlashableStake(s, block, set, operator, strategy, futureBlock)),
      });
    }
  }
  return {
    operatorSet: set,
    avs: rec.avs,
    operatorSetId: str(rec.id),
    block: str(block),
    futureBlock: str(futureBlock),
    strategies: [...rec.strategies],
    members: [...rec.members],
    slashableOperators: slashable,
    slasher: {
      current: am.getSlasher(s, block, set),
      pending: rec.slasher.pendingSlasher,
      effectBlock: str(rec.slasher.effectBlock),
    },
    redistributionRecipient: rec.redistributionRecipient,
    slashCount: str(rec.slashCount),
    stake,
    pendingSlashes: pendingSlashesOf(s, set).map((p) => ({
      slashId: str(p.slashId),
      resolutionBlock: str(p.resolutionBlock),
      shares: p.shares.map(([strategy, shares]) => ({ strategy, shares: str(shares) })),
    })),
  };
}

/* ------------------------------------------------------------------ strategies and the neutral view */

export function strategiesView(s: EigenState): Out<typeof StrategiesOut> {
  return {
    strategies: [...s.strategies.values()].map((st) => {
      const token = s.tokens.get(st.token);
      return {
        address: st.address,
        token: st.token,
        symbol: token?.symbol ?? "",
        decimals: token?.decimals ?? 18,
        totalShares: str(st.totalShares),
        balance: str(sm.strategyBalance(s, st)),
        rate: str(sm.sharesToUnderlying(s, st.address, WAD)),
        whitelisted: st.whitelisted,
        maxPerDeposit: st.maxPerDeposit === undefined ? null : str(st.maxPerDeposit),
        maxTotalDeposits: st.maxTotalDeposits === undefined ? null : str(st.maxTotalDeposits),
      };
    }),
    beaconChainETH: {
      strategy: BEACON_CHAIN_ETH_STRATEGY,
      asset: NATIVE_ETH,
      burnableShares: str(s.globals.get("burnableETHShares") ?? 0n),
    },
  };
}

export function neutralView(s: EigenState, block: bigint, horizonBlock: bigint): Out<typeof NeutralOut> {
  const v = eigenNeutralView(s, block, horizonBlock);
  return {
    protocol: v.protocol,
    block: str(v.block),
    horizonBlock: str(v.horizonBlock),
    exposures: v.exposures.map((e) => ({
      ...e,
      shares: str(e.shares),
      assetAmount: str(e.assetAmount),
      sharesAtHorizon: str(e.sharesAtHorizon),
      fractionWad: str(e.fractionWad),
      slashableUntil: e.slashableUntil === null ? null : str(e.slashableUntil),
    })),
    operators: v.operators.map((o) => ({
      ...o,
      delegated: o.delegated.map((d) => ({ ...d, shares: str(d.shares), assetAmount: str(d.assetAmount) })),
    })),
    services: v.services,
  };
}
