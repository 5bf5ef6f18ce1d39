import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { InvariantViolation } from "../core/shared/errors.ts";
import type { PayoutRow } from "./calculate.ts";
import { DAY } from "./time.ts";

/**
 * Yield of a staker (or of an operator's delegated stake) over a window of snapshot days, from the daily
 * calculation's payout rows, the stake held on each of those days, token prices and base staking rates. Pure: every
 * input is given, nothing is read.
 *
 * Real revenue and points are kept apart by construction. A reward token listed in `points` is never priced, never
 * valued in ETH and never enters any APR or APY: it is reported, in its own units, in the separate `points` section.
 * A points token that also has a price is refused (`PointsPriced`), and a cash token without a price is refused
 * (`MissingPrice`) rather than counted as worthless.
 *
 * Notation, over the window's n snapshot days d (from ≤ d < to):
 *   V_d   = Σ_holdings amount · price(token)                the stake's ETH value on day d
 *   S     = Σ_d V_d                                         stake-days (the average stake is S / n)
 *   B     = Σ_d Σ_holdings amount · price · baseApr(strategy) / 365
 *   R     = Σ_rows amount · price(token)                    AVS rewards actually paid (net of the operator's cut)
 *   R0    = the same rows with every operator split at 0    what would have been paid with no commission
 *   C     = R0 − R                                          the commission
 *   APR(X) = X / (S / n) · 365 / n = 365 · X / S
 *   APY(X) = (1 + APR(X) / 365)^365 − 1 = (1 + X / S)^365 − 1   (daily compounding of the window's average rate)
 * Prices are constant over the window (the inputs), so a price move is never counted as yield. Rates are computed
 * exactly as fractions and printed with RATE_DECIMALS decimals, truncated toward zero; ETH amounts are exact
 * fractions floored to wei.
 */

export const RATE_DECIMALS = 10;
export const DAYS_PER_YEAR = 365n;
export const WEI_PER_ETH = 10n ** 18n;
/** The native-ETH token of the engine (the beacon-chain ETH strategy's underlying): always worth 1 ETH. */
export const ETH_TOKEN: Address = NATIVE_ETH;

/* ------------------------------------------------------------------ exact fractions */

/** A non-negative fraction; `den` > 0. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function ratio(num: bigint, den = 1n): Ratio {
  if (den === 0n) throw new InvariantViolation("a fraction with a zero denominator", { num });
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

const ZERO: Ratio = { num: 0n, den: 1n };
const ONE: Ratio = { num: 1n, den: 1n };

export function add(a: Ratio, b: Ratio): Ratio {
  if (a.den === b.den) return ratio(a.num + b.num, a.den);
  return ratio(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Ratio, b: Ratio): Ratio {
  return add(a, { num: -b.num, den: b.den });
}

export function mul(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.num, a.den * b.den);
}

export function div(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den, a.den * b.num);
}

/** ⌊r⌋ (r ≥ 0). */
export function floor(r: Ratio): bigint {
  return r.num / r.den;
}

export function compare(a: Ratio, b: Ratio): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

const MAX_DIGITS = 40;
const DECIMAL = new RegExp(`^(\\d{1,${MAX_DIGITS}})(?:\\.(\\d{1,${MAX_DIGITS}}))?$`);
const FRACTION = new RegExp(`^(\\d{1,${MAX_DIGITS}})/(\\d{1,${MAX_DIGITS}})$`);

/**
 * Parses a non-negative number given as a decimal (`0.031`, `2`) or a fraction of integers (`1/3`), each part at
 * most 40 digits. Throws YieldInputError("InvalidNumber") otherwise.
 */
export function parseRatio(text: string, what = "value"): Ratio {
  const s = text.trim();
  const d = DECIMAL.exec(s);
  if (d !== null) {
    const frac = d[2] ?? "";
    return ratio(BigInt(d[1]! + frac), 10n ** BigInt(frac.length));
  }
  const f = FRACTION.exec(s);
  if (f !== null) {
    const den = BigInt(f[2]!);
    if (den === 0n) throw new YieldInputError("InvalidNumber", `${what}: division by zero in ${JSON.stringify(text)}`);
    return ratio(BigInt(f[1]!), den);
  }
  throw new YieldInputError(
    "InvalidNumber",
    `${what}: expected a non-negative decimal (0.031) or a fraction p/q (1/3), got ${JSON.stringify(text)}`,
  );
}

/** `r` with exactly `decimals` decimals, truncated toward zero (r ≥ 0). */
export function formatDecimal(r: Ratio, decimals = RATE_DECIMALS): string {
  const scaled = (r.num * 10n ** BigInt(decimals)) / r.den;
  if (decimals === 0) return scaled.toString();
  const digits = scaled.toString().padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** An exact rendering: a decimal when there is one (`0.031`, `0.5`), else `p/q` (`1/3`). */
export function formatExact(r: Ratio): string {
  let twos = 0;
  let fives = 0;
  let den = r.den;
  while (den % 2n === 0n) {
    den /= 2n;
    twos++;
  }
  while (den % 5n === 0n) {
    den /= 5n;
    fives++;
  }
  if (den !== 1n) return `${r.num}/${r.den}`;
  const k = Math.max(twos, fives);
  return k === 0 ? r.num.toString() : formatDecimal(r, k);
}

/* ------------------------------------------------------------------ inputs */

export type YieldErrorCode = "MissingPrice" | "PointsPriced" | "InvalidWindow" | "InvalidNumber";

/** A problem with the caller's inputs (the API answers 400 with this code). */
export class YieldInputError extends Error {
  override readonly name = "YieldInputError";
  constructor(
    readonly code: YieldErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The price of a token in ETH per whole token; `decimals` turns base units into whole tokens. */
export interface TokenPrice {
  ethPerToken: Ratio;
  decimals: number;
}

/** What a stake position holds in one strategy on one snapshot day, in the strategy's underlying token. */
export interface StakeHolding {
  strategy: Address;
  token: Address;
  /** the shares' underlying amount at that day's exchange rate (base units of `token`) */
  amount: bigint;
}

/** The subject's stake on snapshot day `day` (the stake the calculation weighed for that day's payouts). */
export interface StakeDay {
  day: bigint;
  holdings: readonly StakeHolding[];
}

/** Snapshot days d with from ≤ d < to (00:00 UTC boundaries). */
export interface YieldWindow {
  from: bigint;
  to: bigint;
}

export interface YieldInput {
  window: YieldWindow;
  /** the subject's payout rows (refund rows are ignored: a refund is not earned) */
  rows: readonly PayoutRow[];
  /** the same rows from the calculation with every operator split at 0 */
  rowsAtZeroSplit: readonly PayoutRow[];
  /** the subject's stake per snapshot day; missing days hold nothing */
  stake: readonly StakeDay[];
  /** per token (reward tokens and the stake's underlying tokens); native ETH is implicitly 1 */
  prices: ReadonlyMap<Address, TokenPrice>;
  /** base staking APR per strategy (from the LST's rate or beacon-chain rewards); missing strategies earn 0 */
  baseRates: ReadonlyMap<Address, Ratio>;
  /** reward tokens that are points: reported apart, never valued, never in yield */
  points: ReadonlySet<Address>;
}

/* ------------------------------------------------------------------ outputs */

/** APR and APY as fractions per year (0.05 = 5 %); null when the subject held no stake in the window. */
export interface Rates {
  apr: string | null;
  apy: string | null;
}

export interface YieldReport {
  window: { from: bigint; to: bigint; days: number };
  stake: {
    /** S / n, in wei */
    averageEth: bigint;
    byStrategy: { strategy: Address; token: Address; averageAmount: bigint; averageEth: bigint }[];
  };
  /** Real revenue, valued in ETH (wei). Points are never in here. */
  yield: {
    base: Rates & {
      eth: bigint;
      byStrategy: { strategy: Address; token: Address; baseApr: string; eth: bigint }[];
    };
    avsRewards: Rates & {
      /** R: what was paid, net of the operator's commission */
      eth: bigint;
      /** R0: what would have been paid at a 0 % split */
      grossEth: bigint;
      grossApr: string | null;
      /** C = R0 − R */
      commissionEth: bigint;
      commissionApr: string | null;
      byToken: {
        token: Address;
        ethPerToken: string;
        amount: bigint;
        amountAtZeroSplit: bigint;
        commission: bigint;
        eth: bigint;
        commissionEth: bigint;
      }[];
    };
    /** base + AVS rewards net of commission */
    total: Rates & { eth: bigint };
  };
  /** Points and other non-cash incentives: token units only, no price, no ETH value, no rate. Not yield. */
  points: {
    note: string;
    byToken: {
      token: Address;
      amount: bigint;
      amountAtZeroSplit: bigint;
      commission: bigint;
      daily: { day: bigint; amount: bigint }[];
    }[];
  };
  /** per snapshot day of the window, in wei */
  daily: { day: bigint; stakeEth: bigint; baseEth: bigint; avsRewardsEth: bigint; commissionEth: bigint }[];
}

export const POINTS_NOTE =
  "Points are not yield: they are never priced, never valued in ETH and never part of any APR, APY or total.";

/* ------------------------------------------------------------------ the calculation */

function checkWindow(w: YieldWindow): number {
  if (w.from % DAY !== 0n || w.to % DAY !== 0n) {
    throw new YieldInputError("InvalidWindow", "the window's bounds must be 00:00 UTC boundaries", {
      from: w.from,
      to: w.to,
    });
  }
  if (w.to <= w.from) {
    throw new YieldInputError("InvalidWindow", "the window is empty: `to` must be after `from`", {
      from: w.from,
      to: w.to,
    });
  }
  return Number((w.to - w.from) / DAY);
}

function priceOf(prices: ReadonlyMap<Address, TokenPrice>, token: Address): TokenPrice | undefined {
  return prices.get(token) ?? (token === ETH_TOKEN ? { ethPerToken: ONE, decimals: 18 } : undefined);
}

/** The ETH value in wei of `amount` base units, exact. */
export function valueInWei(amount: bigint, price: TokenPrice): Ratio {
  return ratio(amount * price.ethPerToken.num * WEI_PER_ETH, price.ethPerToken.den * 10n ** BigInt(price.decimals));
}

/** APR = 365 · X / S; null without stake. */
export function apr(x: Ratio, stakeDays: Ratio): Ratio | null {
  if (stakeDays.num === 0n) return null;
  return mul(div(x, stakeDays), ratio(DAYS_PER_YEAR));
}

/** APY = (1 + X / S)^365 − 1, exact; null without stake. */
export function apy(x: Ratio, stakeDays: Ratio): Ratio | null {
  if (stakeDays.num === 0n) return null;
  const daily = div(x, stakeDays);
  const n = daily.num + daily.den;
  const num = n ** DAYS_PER_YEAR - daily.den ** DAYS_PER_YEAR;
  return { num, den: daily.den ** DAYS_PER_YEAR };
}

function rates(x: Ratio, stakeDays: Ratio): Rates {
  const a = apr(x, stakeDays);
  const y = apy(x, stakeDays);
  return { apr: a === null ? null : formatDecimal(a), apy: y === null ? null : formatDecimal(y) };
}

function aprText(x: Ratio, stakeDays: Ratio): string | null {
  const a = apr(x, stakeDays);
  return a === null ? null : formatDecimal(a);
}

function bump<K>(m: Map<K, bigint>, k: K, v: bigint): void {
  m.set(k, (m.get(k) ?? 0n) + v);
}

const sortedKeys = <V>(m: ReadonlyMap<Address, V>): Address[] => [...m.keys()].sort();

export function yieldReport(input: YieldInput): YieldReport {
  const { from, to } = input.window;
  const n = checkWindow(input.window);
  const inWindow = (d: bigint) => d >= from && d < to;

  for (const token of input.points) {
    if (input.prices.has(token)) {
      throw new YieldInputError(
        "PointsPriced",
        `${token} is listed as points and also has a price: points are not priced`,
        {
          token,
        },
      );
    }
  }

  // stake: amount-days per (strategy, token), and per day per token
  const stakeByStrategy = new Map<Address, { token: Address; amountDays: bigint }>();
  const stakeByDay = new Map<bigint, Map<Address, bigint>>();
  const stakeByDayStrategy = new Map<bigint, Map<Address, bigint>>();
  for (const sd of input.stake) {
    if (!inWindow(sd.day)) continue;
    for (const h of sd.holdings) {
      if (h.amount === 0n) continue;
      const e = stakeByStrategy.get(h.strategy) ?? { token: h.token, amountDays: 0n };
      if (e.token !== h.token) throw new InvariantViolation("a strategy with two underlying tokens", { ...h });
      e.amountDays += h.amount;
      stakeByStrategy.set(h.strategy, e);
      const perDay = stakeByDay.get(sd.day) ?? new Map<Address, bigint>();
      bump(perDay, h.token, h.amount);
      stakeByDay.set(sd.day, perDay);
      const perDayStrategy = stakeByDayStrategy.get(sd.day) ?? new Map<Address, bigint>();
      bump(perDayStrategy, h.strategy, h.amount);
      stakeByDayStrategy.set(sd.day, perDayStrategy);
    }
  }

  // rows: per token, actual and at a 0 % split; per day for the daily series
  const actual = new Map<Address, bigint>();
  const zero = new Map<Address, bigint>();
  const actualDaily = new Map<Address, Map<bigint, bigint>>();
  const zeroDaily = new Map<Address, Map<bigint, bigint>>();
  const collect = (
    rows: readonly PayoutRow[],
    totals: Map<Address, bigint>,
    daily: Map<Address, Map<bigint, bigint>>,
  ) => {
    for (const r of rows) {
      if (r.kind === "refund" || !inWindow(r.snapshot) || r.amount === 0n) continue;
      bump(totals, r.token, r.amount);
      const byDay = daily.get(r.token) ?? new Map<bigint, bigint>();
      bump(byDay, r.snapshot, r.amount);
      daily.set(r.token, byDay);
    }
  };
  collect(input.rows, actual, actualDaily);
  collect(input.rowsAtZeroSplit, zero, zeroDaily);

  const rewardTokens = new Set<Address>([...actual.keys(), ...zero.keys()]);
  const missing = new Set<Address>();
  for (const t of rewardTokens) if (!input.points.has(t) && priceOf(input.prices, t) === undefined) missing.add(t);
  for (const e of stakeByStrategy.values()) if (priceOf(input.prices, e.token) === undefined) missing.add(e.token);
  if (missing.size > 0) {
    const tokens = [...missing].sort();
    throw new YieldInputError(
      "MissingPrice",
      `no price for ${tokens.join(", ")}: give price.<token>=<ETH per token>, or list a reward token in points`,
      { tokens },
    );
  }
  const price = (t: Address): TokenPrice => priceOf(input.prices, t)!;
  const baseRate = (s: Address): Ratio => input.baseRates.get(s) ?? ZERO;

  // S, per strategy averages, B
  let S = ZERO;
  let B = ZERO;
  const byStrategy: YieldReport["stake"]["byStrategy"] = [];
  const baseByStrategy: YieldReport["yield"]["base"]["byStrategy"] = [];
  for (const strategy of sortedKeys(stakeByStrategy)) {
    const { token, amountDays } = stakeByStrategy.get(strategy)!;
    const v = valueInWei(amountDays, price(token));
    S = add(S, v);
    const b = mul(v, ratio(baseRate(strategy).num, baseRate(strategy).den * DAYS_PER_YEAR));
    B = add(B, b);
    byStrategy.push({
      strategy,
      token,
      averageAmount: amountDays / BigInt(n),
      averageEth: floor(div(v, ratio(BigInt(n)))),
    });
    baseByStrategy.push({ strategy, token, baseApr: formatExact(baseRate(strategy)), eth: floor(b) });
  }

  // R, R0, C per cash token; points per token
  let R = ZERO;
  let R0 = ZERO;
  const byToken: YieldReport["yield"]["avsRewards"]["byToken"] = [];
  const points: YieldReport["points"]["byToken"] = [];
  for (const token of [...rewardTokens].sort()) {
    const amount = actual.get(token) ?? 0n;
    const amountAtZeroSplit = zero.get(token) ?? 0n;
    const commission = amountAtZeroSplit - amount;
    if (commission < 0n) {
      throw new InvariantViolation("a 0 % split paid less than the actual split", { token, amount, amountAtZeroSplit });
    }
    if (input.points.has(token)) {
      const daily = [...(actualDaily.get(token) ?? new Map<bigint, bigint>())]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([day, amt]) => ({ day, amount: amt }));
      points.push({ token, amount, amountAtZeroSplit, commission, daily });
      continue;
    }
    const p = price(token);
    const eth = valueInWei(amount, p);
    const gross = valueInWei(amountAtZeroSplit, p);
    R = add(R, eth);
    R0 = add(R0, gross);
    byToken.push({
      token,
      ethPerToken: formatExact(p.ethPerToken),
      amount,
      amountAtZeroSplit,
      commission,
      eth: floor(eth),
      commissionEth: floor(sub(gross, eth)),
    });
  }
  const C = sub(R0, R);
  const total = add(B, R);

  // the daily series
  const daily: YieldReport["daily"] = [];
  for (let d = from; d < to; d += DAY) {
    let v = ZERO;
    for (const [token, amount] of stakeByDay.get(d) ?? []) v = add(v, valueInWei(amount, price(token)));
    let b = ZERO;
    for (const [strategy, amount] of stakeByDayStrategy.get(d) ?? []) {
      const token = stakeByStrategy.get(strategy)!.token;
      const r = baseRate(strategy);
      b = add(b, mul(valueInWei(amount, price(token)), ratio(r.num, r.den * DAYS_PER_YEAR)));
    }
    let net = ZERO;
    let gross = ZERO;
    for (const token of rewardTokens) {
      if (input.points.has(token)) continue;
      const p = price(token);
      net = add(net, valueInWei(actualDaily.get(token)?.get(d) ?? 0n, p));
      gross = add(gross, valueInWei(zeroDaily.get(token)?.get(d) ?? 0n, p));
    }
    daily.push({
      day: d,
      stakeEth: floor(v),
      baseEth: floor(b),
      avsRewardsEth: floor(net),
      commissionEth: floor(sub(gross, net)),
    });
  }

  return {
    window: { from, to, days: n },
    stake: { averageEth: floor(div(S, ratio(BigInt(n)))), byStrategy },
    yield: {
      base: { eth: floor(B), ...rates(B, S), byStrategy: baseByStrategy },
      avsRewards: {
        eth: floor(R),
        ...rates(R, S),
        grossEth: floor(R0),
        grossApr: aprText(R0, S),
        commissionEth: floor(C),
        commissionApr: aprText(C, S),
        byToken,
      },
      total: { eth: floor(total), ...rates(total, S) },
    },
    points: { note: POINTS_NOTE, byToken: points },
    daily,
  };
}

/* ------------------------------------------------------------------ an operator's own commission */

export interface CommissionReport {
  /** the operator's commission in cash tokens, valued in ETH (wei) */
  eth: bigint;
  /** the commission as a rate on the delegated stake: 365 · commission / S */
  aprOnDelegatedStake: string | null;
  byToken: { token: Address; ethPerToken: string; amount: bigint; eth: bigint }[];
  /** commission taken in points tokens: token units only, not yield */
  points: { token: Address; amount: bigint; daily: { day: bigint; amount: bigint }[] }[];
}

/**
 * What an operator was paid as commission (its `operator` rows) over the window, valued like the rewards, with its
 * rate on the delegated stake (`stake`, the same series as the pool's report).
 */
export function commissionReport(
  input: Pick<YieldInput, "window" | "prices" | "points" | "stake"> & { operatorRows: readonly PayoutRow[] },
): CommissionReport {
  const { from, to } = input.window;
  checkWindow(input.window);
  const inWindow = (d: bigint) => d >= from && d < to;
  const totals = new Map<Address, bigint>();
  const daily = new Map<Address, Map<bigint, bigint>>();
  for (const r of input.operatorRows) {
    if (r.kind !== "operator" || !inWindow(r.snapshot) || r.amount === 0n) continue;
    bump(totals, r.token, r.amount);
    const byDay = daily.get(r.token) ?? new Map<bigint, bigint>();
    bump(byDay, r.snapshot, r.amount);
    daily.set(r.token, byDay);
  }
  const missing = [...totals.keys()].filter((t) => !input.points.has(t) && priceOf(input.prices, t) === undefined);
  if (missing.length > 0) {
    throw new YieldInputError("MissingPrice", `no price for ${missing.sort().join(", ")}`, { tokens: missing });
  }
  let S = ZERO;
  for (const sd of input.stake) {
    if (!inWindow(sd.day)) continue;
    for (const h of sd.holdings) {
      const p = priceOf(input.prices, h.token);
      if (p === undefined) {
        if (h.amount === 0n) continue;
        throw new YieldInputError("MissingPrice", `no price for ${h.token}`, { tokens: [h.token] });
      }
      S = add(S, valueInWei(h.amount, p));
    }
  }
  let C = ZERO;
  const byToken: CommissionReport["byToken"] = [];
  const points: CommissionReport["points"] = [];
  for (const token of [...totals.keys()].sort()) {
    const amount = totals.get(token)!;
    if (input.points.has(token)) {
      const days = [...daily.get(token)!]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([day, amt]) => ({ day, amount: amt }));
      points.push({ token, amount, daily: days });
      continue;
    }
    const p = priceOf(input.prices, token)!;
    const eth = valueInWei(amount, p);
    C = add(C, eth);
    byToken.push({ token, ethPerToken: formatExact(p.ethPerToken), amount, eth: floor(eth) });
  }
  return { eth: floor(C), aprOnDelegatedStake: aprText(C, S), byToken, points };
}
