import type { NeutralView } from "../core/protocol.ts";
import { GraphError } from "./graph.ts";
import { paramsFor, priceOf, type RiskParams } from "./neutral.ts";
import { Rational } from "./rational.ts";

/**
 * Concentration of stake (risk-models §6), exact:
 *  - HHI = Σ s_i² with s_i = w_i/Σw;
 *  - Nakamoto N_θ = min{k : Σ_{i≤k} s_i > θ} over shares sorted descending (θ = ⅓, ½ and an AVS's own α);
 *  - the attack Nakamoto coefficient of an AVS: the fewest operators whose stake *reaches* α (σ_B ≥ α·σ_N(s), the
 *    D&R coalition condition), over allocated stake;
 *  - Gini = Σ_i (2i − n − 1)·w_(i) / (n·Σw), weights ascending, i from 1.
 * Views (all from the protocol-neutral view): per strategy (delegated stake), per AVS (allocated, slashable stake),
 * per LRT (holdings given as input), and globally over operators, optionally grouped into entities.
 */

export interface Metrics {
  /** number of holders with positive weight */
  n: number;
  total: string;
  hhi: string;
  /** HHI on the ×10⁴ scale, rounded down (DoJ/FTC convention) */
  hhi10k: number;
  nakamoto: { "1/3": number | null; "1/2": number | null; threshold?: number | null };
  /** fewest holders reaching the threshold (≥), when one is given */
  attackNakamoto?: number | null;
  gini: string;
  /** the largest holders with their shares */
  top: { id: string; weight: string; share: string }[];
}

export interface Weight {
  id: string;
  w: Rational;
}

/** Weights ≤ 0 are ignored; equal holders are ordered by id so that results are deterministic. */
export function metrics(weights: readonly Weight[], threshold?: Rational, topN = 5): Metrics {
  const ws = weights.filter((x) => x.w.sign() > 0).sort((a, b) => b.w.cmp(a.w) || (a.id < b.id ? -1 : 1));
  const total = Rational.sum(ws.map((x) => x.w));
  const n = ws.length;
  if (n === 0) {
    return {
      n: 0,
      total: "0",
      hhi: "0",
      hhi10k: 0,
      nakamoto: { "1/3": null, "1/2": null, ...(threshold ? { threshold: null } : {}) },
      ...(threshold ? { attackNakamoto: null } : {}),
      gini: "0",
      top: [],
    };
  }
  const shares = ws.map((x) => x.w.div(total));
  const hhi = Rational.sum(shares.map((s) => s.mul(s)));
  const nak = (theta: Rational, strict: boolean): number | null => {
    let acc = Rational.ZERO;
    for (let k = 0; k < n; k++) {
      acc = acc.add(shares[k]!);
      if (strict ? acc.gt(theta) : acc.ge(theta)) return k + 1;
    }
    return null;
  };
  // Gini over ascending weights
  let num = Rational.ZERO;
  for (let i = 1; i <= n; i++) num = num.add(ws[n - i]!.w.mul(Rational.of(2 * i - n - 1)));
  const gini = num.div(total.mul(Rational.of(n)));
  const out: Metrics = {
    n,
    total: total.toString(),
    hhi: hhi.toString(),
    hhi10k: Number(hhi.mul(Rational.of(10_000)).floor()),
    nakamoto: { "1/3": nak(Rational.of(1, 3), true), "1/2": nak(Rational.of(1, 2), true) },
    gini: gini.toString(),
    top: ws.slice(0, topN).map((x, k) => ({ id: x.id, weight: x.w.toString(), share: shares[k]!.toString() })),
  };
  if (threshold !== undefined) {
    out.nakamoto.threshold = nak(threshold, true);
    out.attackNakamoto = nak(threshold, false);
  }
  return out;
}

/* ------------------------------------------------------------------ inputs */

/** operator → entity (operators absent from the map are their own entity). */
export type EntityMap = Map<string, string>;

export function parseEntityMap(input: unknown): EntityMap {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new GraphError("$", `not valid JSON: ${(e as Error).message}`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new GraphError("$", 'expected an object {"<operator>": "<entity>"}');
  }
  const out: EntityMap = new Map();
  for (const [op, ent] of Object.entries(value)) {
    if (typeof ent !== "string" || ent.length === 0)
      throw new GraphError(`$.${op}`, "expected a non-empty entity name");
    out.set(op.toLowerCase(), ent);
  }
  return out;
}

/**
 * LRT holdings, the interface the LRT layer (src/lrt) will feed: how much of an LRT's backing is delegated to each
 * operator, in one common unit. Several rows for one (lrt, operator) are summed, so pass delegated stake (e.g. the
 * LRT layer's allocation view per delegator), not per-operator-set slices, which would count shared stake twice.
 */
export interface LrtHolding {
  lrt: string;
  operator: string;
  amount: Rational;
}

export function parseLrtHoldings(input: unknown): LrtHolding[] {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new GraphError("$", `not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(value)) throw new GraphError("$", 'expected an array [{"lrt", "operator", "amount"}]');
  return value.map((x, i) => {
    const p = `$[${i}]`;
    if (typeof x !== "object" || x === null) throw new GraphError(p, "expected {lrt, operator, amount}");
    const o = x as Record<string, unknown>;
    if (typeof o.lrt !== "string" || o.lrt === "") throw new GraphError(`${p}.lrt`, "expected a non-empty string");
    if (typeof o.operator !== "string" || o.operator === "") {
      throw new GraphError(`${p}.operator`, "expected a non-empty string");
    }
    const amount = typeof o.amount === "string" ? Rational.parse(o.amount) : null;
    if (amount === null || amount.sign() < 0) {
      throw new GraphError(
        `${p}.amount`,
        `expected a non-negative decimal string or "p/q", got ${JSON.stringify(o.amount)}`,
      );
    }
    return { lrt: o.lrt, operator: o.operator, amount };
  });
}

/* ------------------------------------------------------------------ the report */

export interface ConcentrationOptions {
  params?: RiskParams;
  entities?: EntityMap;
  lrt?: LrtHolding[];
}

export interface ConcentrationReport {
  protocol: string;
  block: string;
  grouping: "operators" | "entities";
  /** over each operator's distinct slashable stake (never counted twice across AVSs), at the prices */
  slashable: Metrics;
  /** over each operator's delegated stake, at the prices */
  delegated: Metrics;
  /** per strategy (collateral), over delegated stake in its own units */
  perStrategy: Record<string, Metrics>;
  /** per AVS, over slashable stake allocated to it (its operator sets together), at the prices */
  perAvs: Record<string, Metrics>;
  /** per LRT, over the operators its backing is delegated to */
  perLrt: Record<string, Metrics>;
}

function group(entities: EntityMap | undefined, rows: Iterable<[string, Rational]>): Weight[] {
  const out = new Map<string, Rational>();
  for (const [op, w] of rows) {
    const id = entities?.get(op.toLowerCase()) ?? op;
    out.set(id, (out.get(id) ?? Rational.ZERO).add(w));
  }
  return [...out].map(([id, w]) => ({ id, w }));
}

const add = <K>(m: Map<K, Rational>, k: K, v: Rational) => m.set(k, (m.get(k) ?? Rational.ZERO).add(v));

export function concentration(view: NeutralView, opts: ConcentrationOptions = {}): ConcentrationReport {
  const params = opts.params ?? { services: new Map(), prices: new Map() };
  const price = (asset: string) => priceOf(params, asset);
  // delegated, per operator and collateral
  const delegatedOC = new Map<string, bigint>();
  const assetOf = new Map<string, string>();
  const perStrategyRows = new Map<string, Map<string, Rational>>();
  const delegatedRows = new Map<string, Rational>();
  for (const o of view.operators) {
    for (const d of o.delegated) {
      delegatedOC.set(`${o.operator}|${d.collateral}`, d.assetAmount);
      assetOf.set(d.collateral, d.asset);
      const row = perStrategyRows.get(d.collateral) ?? new Map<string, Rational>();
      perStrategyRows.set(d.collateral, row);
      add(row, o.operator, Rational.of(d.assetAmount));
      add(delegatedRows, o.operator, Rational.of(d.assetAmount).mul(price(d.asset)));
    }
  }
  // slashable: per (operator, collateral) the sum over sets, capped at the delegated amount — unique stake sums
  // exactly, stake shared between sets (pooled protocols) is counted once
  const exposedOC = new Map<string, bigint>();
  const exposedOCA = new Map<string, Map<string, bigint>>(); // avs → (operator|collateral) → amount
  for (const e of view.exposures) {
    if (e.assetAmount <= 0n) continue;
    assetOf.set(e.collateral, e.asset);
    const k = `${e.operator}|${e.collateral}`;
    exposedOC.set(k, (exposedOC.get(k) ?? 0n) + e.assetAmount);
    const byAvs = exposedOCA.get(e.service) ?? new Map<string, bigint>();
    exposedOCA.set(e.service, byAvs);
    byAvs.set(k, (byAvs.get(k) ?? 0n) + e.assetAmount);
  }
  const capped = (k: string, amount: bigint): bigint => {
    const d = delegatedOC.get(k);
    return d === undefined || amount <= d ? amount : d;
  };
  const slashableRows = new Map<string, Rational>();
  for (const [k, amount] of exposedOC) {
    const [op, coll] = k.split("|") as [string, string];
    add(slashableRows, op, Rational.of(capped(k, amount)).mul(price(assetOf.get(coll)!)));
  }
  const perAvs: Record<string, Metrics> = {};
  for (const [avs, rows] of [...exposedOCA].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const perOp = new Map<string, Rational>();
    for (const [k, amount] of rows) {
      const [op, coll] = k.split("|") as [string, string];
      add(perOp, op, Rational.of(capped(k, amount)).mul(price(assetOf.get(coll)!)));
    }
    const threshold = paramsFor(params, avs, avs)?.threshold;
    perAvs[avs] = metrics(group(opts.entities, perOp), threshold);
  }
  const perStrategy: Record<string, Metrics> = {};
  for (const [coll, rows] of [...perStrategyRows].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    perStrategy[coll] = metrics(group(opts.entities, rows));
  }
  const perLrt: Record<string, Metrics> = {};
  const lrtRows = new Map<string, Map<string, Rational>>();
  for (const h of opts.lrt ?? []) {
    const row = lrtRows.get(h.lrt) ?? new Map<string, Rational>();
    lrtRows.set(h.lrt, row);
    add(row, h.operator, h.amount);
  }
  for (const [lrt, rows] of [...lrtRows].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    perLrt[lrt] = metrics(group(opts.entities, rows));
  }
  return {
    protocol: view.protocol,
    block: view.block.toString(),
    grouping: opts.entities !== undefined && opts.entities.size > 0 ? "entities" : "operators",
    slashable: metrics(group(opts.entities, slashableRows)),
    delegated: metrics(group(opts.entities, delegatedRows)),
    perStrategy,
    perAvs,
    perLrt,
  };
}
