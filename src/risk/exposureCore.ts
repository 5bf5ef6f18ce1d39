import * as dm from "../core/eigenlayer/delegationManager.ts";
import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import { assetOf, eigenNeutralView, sharesToAsset } from "../core/eigenlayer/neutral.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../core/eigenlayer/params.ts";
import { type Address, type EigenState, parseSetKey } from "../core/eigenlayer/state.ts";
import * as cviews from "../core/eigenlayer/views.ts";
import type { NeutralView } from "../core/protocol.ts";
import { WAD } from "../core/shared/math.ts";

/**
 * The core half of the exposure engine: which slashing events are possible now, and what every staker position is
 * worth after any set of them, exactly as the core would compute it.
 *
 * A slashing event is one operator set slashing one operator by its maximum: every strategy of the set at
 * wadToSlash = 1e18, which takes the operator's whole current (unique) allocation to that set. The slash lowers the
 * operator's max magnitude by that allocation, m' = m − current (AllocationManager.slashOperator with wad = WAD:
 * slashedMagnitude = ⌈current·WAD/WAD⌉ = current). Every staker delegated to the operator keeps
 * calcWithdrawable(depositShares, dsf, slashingFactor(m')) withdrawable shares, and every withdrawal it queued that is
 * still inside its slashable window keeps ⌊scaledShares·slashingFactor(m')/WAD⌋ — the same formulas the core's views
 * use. Several events compose by summing the magnitudes they remove, in any order.
 */

export interface SlashedStrategy {
  strategy: Address;
  /** the strategy's underlying (an LST's core token) or native ETH */
  asset: Address;
  /** the operator's magnitude allocated to the set now, and its max magnitude */
  currentMagnitude: bigint;
  maxMagnitude: bigint;
  /** currentMagnitude/maxMagnitude, WAD: the share of every delegation the set can take */
  fractionWad: bigint;
  /** slashable stake now (the neutral view's shares and asset amount): the operator's unique stake in the set */
  shares: bigint;
  assetAmount: bigint;
}

export interface SlashEvent {
  /** `${serviceSet}#${operator}` */
  id: string;
  avs: Address;
  operatorSetId: bigint;
  /** the operator set key, `${avs}/${id}` */
  serviceSet: string;
  operator: Address;
  /** the account that may slash */
  slasher: Address;
  /** null: slashed funds are burned; else they are redistributed to this account */
  redistributionRecipient: Address | null;
  /** last block a deregistered operator can still be slashed; null while registered */
  slashableUntil: bigint | null;
  strategies: SlashedStrategy[];
}

/** New max magnitudes after some slashing events: `${operator}|${strategy}` → magnitude. Empty: nothing slashed. */
export type Scenario = ReadonlyMap<string, bigint>;

export const NO_SLASH: Scenario = new Map();

const mkey = (operator: Address, strategy: Address): string => `${operator}|${strategy}`;

/** Every possible slashing event now: each (operator set, operator) pair with stake allocated to it. */
export function slashEvents(
  s: EigenState,
  block: bigint,
  view: NeutralView = eigenNeutralView(s, block),
): SlashEvent[] {
  const byId = new Map<string, SlashEvent>();
  for (const e of view.exposures) {
    const operator = e.operator as Address;
    const strategy = e.collateral as Address;
    const a = cviews.allocation(s, block, operator, e.serviceSet, strategy);
    if (a.currentMagnitude === 0n) continue;
    const id = `${e.serviceSet}#${operator}`;
    let ev = byId.get(id);
    if (ev === undefined) {
      const { avs, id: setId } = parseSetKey(e.serviceSet);
      ev = {
        id,
        avs,
        operatorSetId: setId,
        serviceSet: e.serviceSet,
        operator,
        slasher: e.slasher as Address,
        redistributionRecipient: e.redistributionRecipient as Address | null,
        slashableUntil: e.slashableUntil,
        strategies: [],
      };
      byId.set(id, ev);
    }
    const [maxMagnitude] = cviews.maxMagnitudes(s, operator, [strategy]) as [bigint];
    ev.strategies.push({
      strategy,
      asset: e.asset as Address,
      currentMagnitude: a.currentMagnitude,
      maxMagnitude,
      fractionWad: e.fractionWad,
      shares: e.shares,
      assetAmount: e.assetAmount,
    });
  }
  const out = [...byId.values()];
  for (const ev of out) ev.strategies.sort((a, b) => cmp(a.strategy, b.strategy));
  return out.sort((a, b) => cmp(a.id, b.id));
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The magnitudes left after all `events` happen (each at its maximum). */
export function scenarioOf(s: EigenState, events: readonly SlashEvent[]): Scenario {
  const out = new Map<string, bigint>();
  for (const ev of events) {
    for (const st of ev.strategies) {
      const k = mkey(ev.operator, st.strategy);
      const m = out.get(k) ?? maxMagnitudeNow(s, ev.operator, st.strategy);
      out.set(k, m - st.currentMagnitude);
    }
  }
  return out;
}

function maxMagnitudeNow(s: EigenState, operator: Address | null, strategy: Address): bigint {
  if (operator === null) return WAD;
  return (cviews.maxMagnitudes(s, operator, [strategy]) as [bigint])[0];
}

/** The operator's max magnitude in a strategy under a scenario (WAD for no operator, as the core has it). */
export function maxMagnitudeUnder(s: EigenState, operator: Address | null, strategy: Address, sc: Scenario): bigint {
  if (operator === null) return WAD;
  return sc.get(mkey(operator, strategy)) ?? maxMagnitudeNow(s, operator, strategy);
}

/** The core's withdrawable shares of `staker` in `strategy` under a scenario (getWithdrawableShares). */
export function withdrawableUnder(s: EigenState, staker: Address, strategy: Address, sc: Scenario): bigint {
  if (sc.size === 0) return cviews.withdrawableShares(s, staker, strategy);
  const operator = dm.delegatedTo(s, staker);
  const sf = dm.slashingFactorFrom(s, staker, strategy, maxMagnitudeUnder(s, operator, strategy, sc));
  return dm.calcWithdrawable(cviews.depositSharesOf(s, staker, strategy), cviews.dsfOf(s, staker, strategy), sf);
}

/** The current value in shares of strategy `i` of a queued withdrawal under a scenario (the core's view rule). */
export function queuedUnder(
  s: EigenState,
  block: bigint,
  q: cviews.QueuedWithdrawalView,
  i: number,
  sc: Scenario,
): bigint {
  if (sc.size === 0 || q.slashableUntil < block) return q.shares[i]!;
  const w = q.withdrawal;
  const st = w.strategies[i]!;
  const m = maxMagnitudeUnder(s, w.delegatedTo, st, sc);
  return (w.scaledShares[i]! * dm.slashingFactorFrom(s, w.staker, st, m)) / WAD;
}

export { assetOf, BEACON_CHAIN_ETH_STRATEGY, NATIVE_ETH, sharesToAsset };

/** Events that can touch stake delegated to `operator` in `strategy`. */
export function eventsOn(events: readonly SlashEvent[], operator: Address | null, strategy: Address): SlashEvent[] {
  if (operator === null) return [];
  return events.filter((e) => e.operator === operator && e.strategies.some((x) => x.strategy === strategy));
}

/**
 * Largest-remainder apportionment: splits `total` in proportion to `weights` so the parts sum to `total` exactly
 * (each part is ⌊total·w/Σw⌋, and the wei left over go to the largest remainders, earliest first). Zero weights get 0.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, w) => a + (w > 0n ? w : 0n), 0n);
  if (sum === 0n || total === 0n) return weights.map(() => 0n);
  const neg = total < 0n;
  const t = neg ? -total : total;
  const parts = weights.map((w) => (w > 0n ? (t * w) / sum : 0n));
  const rema = weights.map((w, i) => ({ i, r: w > 0n ? (t * w) % sum : -1n }));
  let left = t - parts.reduce((a, p) => a + p, 0n);
  rema.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rema) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return neg ? parts.map((p) => -p) : parts;
}
