import type { NeutralExposure, NeutralOperator, NeutralService, NeutralView } from "../protocol.ts";
import { divWad } from "../shared/math.ts";
import * as am from "./allocationManager.ts";
import * as dm from "./delegationManager.ts";
import { NATIVE_ETH } from "./eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "./params.ts";
import { type Address, type EigenState, parseSetKey } from "./state.ts";
import * as sm from "./strategyManager.ts";

/** Underlying amount of `shares` of a strategy (beacon shares are wei of ETH). */
export function sharesToAsset(s: EigenState, strategy: Address, shares: bigint): bigint {
  return strategy === BEACON_CHAIN_ETH_STRATEGY ? shares : sm.sharesToUnderlying(s, strategy, shares);
}

export function assetOf(s: EigenState, strategy: Address): Address {
  return strategy === BEACON_CHAIN_ETH_STRATEGY ? NATIVE_ETH : sm.getStrategy(s, strategy).token;
}

/**
 * EigenLayer in the protocol-neutral shape: for each (collateral, operator, operator set), what is slashable by
 * whom. Unique stake: each allocation is slashable by its own operator set only.
 */
export function eigenNeutralView(s: EigenState, block: bigint, horizonBlock = block): NeutralView {
  const exposures: NeutralExposure[] = [];
  const services = new Map<Address, NeutralService>();
  for (const [key, set] of s.operatorSets.entries()) {
    const slasher = am.getSlasher(s, block, key);
    const service = services.get(set.avs) ?? { protocol: "eigenlayer", service: set.avs, serviceSets: [] };
    services.set(set.avs, service);
    service.serviceSets.push({
      serviceSet: key,
      slasher,
      collaterals: [...set.strategies],
      operators: [...set.members],
      redistributionRecipient: set.redistributionRecipient,
    });
  }
  for (const [operator, sets] of s.allocatedSets.entries()) {
    for (const key of sets) {
      const set = s.operatorSets.get(key);
      if (set === undefined || !am.isOperatorSlashable(s, block, operator, key)) continue;
      const status = s.registrations.get(`${operator}|${key}`);
      for (const strategy of s.allocatedStrategies.get(`${operator}|${key}`) ?? []) {
        if (!set.strategies.includes(strategy)) continue;
        const shares = am.getMinimumSlashableStake(s, block, key, operator, strategy, block);
        const atHorizon = am.getMinimumSlashableStake(s, block, key, operator, strategy, horizonBlock);
        const alloc = am.getAllocation(s, block, operator, key, strategy);
        const m = am.getMaxMagnitude(s, operator, strategy);
        exposures.push({
          protocol: "eigenlayer",
          collateral: strategy,
          asset: assetOf(s, strategy),
          operator,
          service: parseSetKey(key).avs,
          serviceSet: key,
          slasher: am.getSlasher(s, block, key),
          redistributionRecipient: set.redistributionRecipient,
          shares,
          assetAmount: sharesToAsset(s, strategy, shares),
          sharesAtHorizon: atHorizon,
          fractionWad: m === 0n ? 0n : divWad(alloc.currentMagnitude, m),
          slashableUntil: status?.registered ? null : (status?.slashableUntil ?? null),
        });
      }
    }
  }
  const operators: NeutralOperator[] = [];
  const stakerCount = new Map<Address, number>();
  for (const [staker, rec] of s.stakers.entries()) {
    // operators are delegated to themselves; they are not their own stakers
    if (rec.delegatedTo !== null && rec.delegatedTo !== staker) {
      stakerCount.set(rec.delegatedTo, (stakerCount.get(rec.delegatedTo) ?? 0) + 1);
    }
  }
  const strategies = [...s.strategies.keys(), BEACON_CHAIN_ETH_STRATEGY];
  for (const operator of s.operators.keys()) {
    if (!dm.isOperator(s, operator)) continue;
    const delegated = strategies
      .map((st) => ({ st, shares: dm.operatorShares(s, operator, st) }))
      .filter((x) => x.shares > 0n)
      .map(({ st, shares }) => ({
        collateral: st,
        asset: assetOf(s, st),
        shares,
        assetAmount: sharesToAsset(s, st, shares),
      }));
    operators.push({ protocol: "eigenlayer", operator, delegated, stakers: stakerCount.get(operator) ?? 0 });
  }
  return { protocol: "eigenlayer", block, horizonBlock, exposures, operators, services: [...services.values()] };
}
