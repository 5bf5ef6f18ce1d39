import type { Neutral, QueuedWithdrawal, Staker } from "../api/types.ts";
import type { AssetBook } from "./assets.ts";
import { mulDiv } from "./format.ts";

/**
 * Figures the dashboard derives from API data: operator stake, concentration (HHI, Nakamoto coefficient) and a
 * position's look-through exposure. Exact bigint arithmetic; pure, no DOM.
 */

export interface OperatorStake {
  operator: string;
  stakers: number;
  /** ETH-denominated delegated stake (native ETH + ETH LSTs 1:1), wei */
  eth: bigint;
  /** other assets by strategy (e.g. USDC), in the asset's units */
  other: { strategy: string; amount: bigint }[];
}

/** Each operator's delegated stake from the neutral view, largest ETH stake first (ties by address). */
export function operatorStakes(neutral: Neutral, book: AssetBook): OperatorStake[] {
  const out = neutral.operators.map((o) => {
    let eth = 0n;
    const other: OperatorStake["other"] = [];
    for (const d of o.delegated) {
      const amount = BigInt(d.assetAmount);
      if (book.info(d.collateral).isEth) eth += amount;
      else other.push({ strategy: d.collateral, amount });
    }
    return { operator: o.operator, stakers: o.stakers, eth, other };
  });
  return out.sort((a, b) => (a.eth === b.eth ? (a.operator < b.operator ? -1 : 1) : a.eth > b.eth ? -1 : 1));
}

/**
 * Herfindahl–Hirschman index of the stakes, on the 0–10,000 scale (Σ of squared percentage shares), to two decimals.
 * Below 1,500 unconcentrated, 1,500–2,500 moderately, above 2,500 highly concentrated (US DoJ/FTC thresholds).
 */
export function hhi(stakes: readonly bigint[]): number {
  const total = stakes.reduce((a, b) => a + b, 0n);
  if (total === 0n) return 0;
  const squares = stakes.reduce((a, s) => a + s * s, 0n);
  // 10,000 · Σs²/T², kept to two decimals (truncated)
  return Number((squares * 1_000_000n) / (total * total)) / 100;
}

export function hhiLevel(index: number): "unconcentrated" | "moderately concentrated" | "highly concentrated" {
  return index < 1500 ? "unconcentrated" : index <= 2500 ? "moderately concentrated" : "highly concentrated";
}

/**
 * Nakamoto coefficient: the fewest holders whose combined stake exceeds `num/den` of the total (1/3 halts a BFT
 * quorum, 1/2 controls a majority). 0 when there is no stake.
 */
export function nakamoto(stakes: readonly bigint[], num = 1n, den = 3n): number {
  const total = stakes.reduce((a, b) => a + b, 0n);
  if (total === 0n) return 0;
  const sorted = [...stakes].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  let acc = 0n;
  for (let i = 0; i < sorted.length; i++) {
    acc += sorted[i]!;
    if (acc * den > total * num) return i + 1;
  }
  return sorted.length;
}

/** What queued withdrawals are worth now, per strategy, in the asset. */
export function queuedByStrategy(withdrawals: readonly QueuedWithdrawal[], book: AssetBook): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const w of withdrawals) {
    for (let i = 0; i < w.strategies.length; i++) {
      const st = w.strategies[i]!;
      out.set(st, (out.get(st) ?? 0n) + book.sharesToAsset(st, BigInt(w.shares[i] ?? "0")));
    }
  }
  return out;
}

/* ------------------------------------------------------------------ look-through exposure */

export interface ExposureRow {
  /** delegated stake, or a queued withdrawal still inside its slashable window */
  layer: "delegated" | "queued";
  serviceSet: string;
  service: string;
  operator: string;
  strategy: string;
  /** the operator's slashable stake in this set and strategy (neutral view), asset units */
  operatorAmount: bigint;
  /**
   * delegated: the position's withdrawable shares and the operator's delegated shares in the strategy;
   * queued: the withdrawal's shares and 1e18 · the set's fraction of the operator's magnitude (fractionWad)
   */
  num: bigint;
  den: bigint;
  /** queued: the last block at which the withdrawal can be slashed */
  slashableUntil: bigint | null;
  /** the position's part of the exposure, asset units */
  amount: bigint;
}

export interface LookThrough {
  operator: string | null;
  rows: ExposureRow[];
  /** per AVS: ETH-denominated exposure (wei) and other assets by strategy */
  byService: { service: string; eth: bigint; other: { strategy: string; amount: bigint }[] }[];
  /** ETH-denominated stake that operator sets could reach: delegated (withdrawable) plus the slashable queue */
  baseEth: bigint;
  exposedEth: bigint;
  /** baseEth that no operator set can slash */
  unallocatedEth: bigint;
}

const WAD_ = 10n ** 18n;

/**
 * A position's look-through exposure, from the neutral view.
 * - Delegated stake: for every operator-set exposure of the operator it delegates to, its share of it, in proportion
 *   to its withdrawable shares of the operator's delegated shares in that strategy:
 *   ⌊exposure.assetAmount · withdrawableShares / operatorShares⌋.
 * - Queued withdrawals inside their slashable window stay slashable by the sets of the operator they were delegated to
 *   when queued, at the set's fraction of that operator's magnitude: ⌊asset(shares) · fractionWad / 1e18⌋.
 */
export function lookThrough(staker: Staker, neutral: Neutral, book: AssetBook): LookThrough {
  const operator = staker.delegatedTo;
  const rows: ExposureRow[] = [];

  const delegated = operator === null ? undefined : neutral.operators.find((o) => o.operator === operator);
  if (operator !== null && delegated !== undefined) {
    const mine = new Map(staker.strategies.map((s) => [s.strategy, BigInt(s.withdrawableShares)]));
    const operatorShares = new Map(delegated.delegated.map((d) => [d.collateral, BigInt(d.shares)]));
    for (const e of neutral.exposures) {
      if (e.operator !== operator) continue;
      const num = mine.get(e.collateral) ?? 0n;
      const den = operatorShares.get(e.collateral) ?? 0n;
      if (num === 0n || den === 0n) continue;
      const operatorAmount = BigInt(e.assetAmount);
      const amount = mulDiv(operatorAmount, num, den);
      rows.push({
        layer: "delegated",
        serviceSet: e.serviceSet,
        service: e.service,
        operator,
        strategy: e.collateral,
        operatorAmount,
        num,
        den,
        slashableUntil: null,
        amount: amount > operatorAmount ? operatorAmount : amount,
      });
    }
  }

  const block = BigInt(staker.block);
  let queuedEth = 0n;
  for (const w of staker.queuedWithdrawals) {
    const until = BigInt(w.slashableUntil);
    if (w.delegatedTo === null || block > until) continue;
    w.strategies.forEach((strategy, i) => {
      const asset = book.sharesToAsset(strategy, BigInt(w.shares[i] ?? "0"));
      if (book.info(strategy).isEth) queuedEth += asset;
      for (const e of neutral.exposures) {
        if (e.operator !== w.delegatedTo || e.collateral !== strategy) continue;
        const fraction = BigInt(e.fractionWad);
        if (fraction === 0n || asset === 0n) continue;
        rows.push({
          layer: "queued",
          serviceSet: e.serviceSet,
          service: e.service,
          operator: e.operator,
          strategy,
          operatorAmount: BigInt(e.assetAmount),
          num: asset,
          den: fraction,
          slashableUntil: until,
          amount: mulDiv(asset, fraction, WAD_),
        });
      }
    });
  }

  const services = new Map<string, LookThrough["byService"][number]>();
  for (const r of rows) {
    const entry = services.get(r.service) ?? { service: r.service, eth: 0n, other: [] };
    services.set(r.service, entry);
    if (book.info(r.strategy).isEth) entry.eth += r.amount;
    else {
      const o = entry.other.find((x) => x.strategy === r.strategy);
      if (o) o.amount += r.amount;
      else entry.other.push({ strategy: r.strategy, amount: r.amount });
    }
  }
  const byService = [...services.values()].sort((a, b) => (a.eth === b.eth ? 0 : a.eth > b.eth ? -1 : 1));

  let delegatedEth = 0n;
  if (operator !== null)
    for (const s of staker.strategies) if (book.info(s.strategy).isEth) delegatedEth += BigInt(s.withdrawableAmount);
  const baseEth = delegatedEth + queuedEth;
  const exposedEth = byService.reduce((a, s) => a + s.eth, 0n);
  const unallocatedEth = baseEth > exposedEth ? baseEth - exposedEth : 0n;
  return { operator, rows, byService, baseEth, exposedEth, unallocatedEth };
}
