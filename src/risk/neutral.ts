import type { NeutralView } from "../core/protocol.ts";
import { GraphError, type RestakingGraph, type Service, type Validator } from "./graph.ts";
import { Rational } from "./rational.ts";

/**
 * The restaking graph of an engine state, read only through the protocol-neutral view (src/core/protocol.ts):
 *  - validators are operators; an operator's stake σ_v is its delegated stake, summed over collaterals at the
 *    given prices (at least its largest allocation);
 *  - services are slashing domains (EigenLayer: operator sets, "<avs>/<id>"), for those that have risk parameters;
 *  - the edge (s, v) exists when v has stake slashable by s now, and its allocation w_sv is that slashable stake
 *    (exposures summed over collaterals at the prices).
 * Profits from corruption and thresholds are not on chain: they come from a params file keyed by AVS (every operator
 * set of the AVS gets the entry) or by operator set "<avs>/<id>" (which wins over the AVS entry):
 *   {"services": {"0xavs…": {"profit": "1000e18", "threshold": "2/3"}, "0xavs…/1": {…}},
 *    "prices": {"0xasset…": "1"}}
 * Prices convert each asset's smallest unit into one common unit (default 1 for every asset); profits are in that
 * unit. Sets without parameters are left out (listed in `unpriced`).
 */

export interface ServiceParams {
  profit: Rational;
  threshold: Rational;
}

export interface RiskParams {
  services: Map<string, ServiceParams>;
  prices: Map<string, Rational>;
}

export const EMPTY_PARAMS: RiskParams = { services: new Map(), prices: new Map() };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function num(x: unknown, path: string): Rational {
  const v = typeof x === "string" ? Rational.parse(x) : null;
  if (v === null) throw new GraphError(path, `expected a decimal string or a fraction "p/q", got ${JSON.stringify(x)}`);
  return v;
}

/** Parses the params file; errors name the path and the reason. Keys are matched case-insensitively. */
export function parseRiskParams(input: unknown): RiskParams {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new GraphError("$", `not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isRecord(value)) throw new GraphError("$", "expected an object {services, prices?}");
  for (const k of Object.keys(value)) {
    if (k !== "services" && k !== "prices") throw new GraphError(`$.${k}`, "unknown field (allowed: services, prices)");
  }
  const services = new Map<string, ServiceParams>();
  const ss = value.services ?? {};
  if (!isRecord(ss)) throw new GraphError("$.services", "expected an object keyed by AVS or operator set");
  for (const [key, p] of Object.entries(ss)) {
    const path = `$.services.${key}`;
    if (!isRecord(p)) throw new GraphError(path, "expected {profit, threshold}");
    for (const k of Object.keys(p)) {
      if (k !== "profit" && k !== "threshold")
        throw new GraphError(`${path}.${k}`, "unknown field (allowed: profit, threshold)");
    }
    const profit = num(p.profit, `${path}.profit`);
    if (profit.sign() < 0) throw new GraphError(`${path}.profit`, `profit must be ≥ 0, got ${profit}`);
    const threshold = num(p.threshold, `${path}.threshold`);
    if (threshold.sign() <= 0 || threshold.gt(Rational.ONE)) {
      throw new GraphError(`${path}.threshold`, `threshold must be in (0, 1], got ${threshold}`);
    }
    services.set(key.toLowerCase(), { profit, threshold });
  }
  const prices = new Map<string, Rational>();
  const ps = value.prices ?? {};
  if (!isRecord(ps)) throw new GraphError("$.prices", "expected an object keyed by asset");
  for (const [asset, p] of Object.entries(ps)) {
    const v = num(p, `$.prices.${asset}`);
    if (v.sign() < 0) throw new GraphError(`$.prices.${asset}`, `price must be ≥ 0, got ${v}`);
    prices.set(asset.toLowerCase(), v);
  }
  return { services, prices };
}

export function priceOf(params: RiskParams, asset: string): Rational {
  return params.prices.get(asset.toLowerCase()) ?? Rational.ONE;
}

/** The parameters for an operator set: its own entry, else its AVS's. */
export function paramsFor(params: RiskParams, serviceSet: string, service: string): ServiceParams | undefined {
  return params.services.get(serviceSet.toLowerCase()) ?? params.services.get(service.toLowerCase());
}

export interface GraphFromState {
  graph: RestakingGraph;
  /** slashing domains with stake but no parameters (left out) */
  unpriced: string[];
}

export function graphFromNeutral(view: NeutralView, params: RiskParams): GraphFromState {
  // allocations: (serviceSet, operator) → value
  const alloc = new Map<string, Map<string, Rational>>();
  const serviceOf = new Map<string, string>();
  for (const e of view.exposures) {
    if (e.assetAmount <= 0n) continue;
    const value = Rational.of(e.assetAmount).mul(priceOf(params, e.asset));
    if (value.sign() <= 0) continue;
    serviceOf.set(e.serviceSet, e.service);
    const row = alloc.get(e.serviceSet) ?? new Map<string, Rational>();
    alloc.set(e.serviceSet, row);
    row.set(e.operator, (row.get(e.operator) ?? Rational.ZERO).add(value));
  }
  const delegated = new Map<string, Rational>();
  for (const o of view.operators) {
    let v = Rational.ZERO;
    for (const d of o.delegated) v = v.add(Rational.of(d.assetAmount).mul(priceOf(params, d.asset)));
    delegated.set(o.operator, v);
  }
  const unpriced: string[] = [];
  const sets = [...alloc.keys()].sort();
  const used = sets.filter((k) => {
    if (paramsFor(params, k, serviceOf.get(k)!) !== undefined) return true;
    unpriced.push(k);
    return false;
  });
  const stake = new Map<string, Rational>();
  for (const k of used) {
    for (const [op, w] of alloc.get(k)!) {
      const base = stake.get(op) ?? delegated.get(op) ?? Rational.ZERO;
      stake.set(op, Rational.max(base, w));
    }
  }
  const ops = [...stake.keys()].sort();
  const index = new Map(ops.map((o, i) => [o, i]));
  const validators: Validator[] = ops.map((o) => ({ id: o, stake: stake.get(o)! }));
  const services: Service[] = used.map((k) => {
    const p = paramsFor(params, k, serviceOf.get(k)!)!;
    const row = [...alloc.get(k)!].map(([op, w]) => [index.get(op)!, w] as const).sort((a, b) => a[0] - b[0]);
    return {
      id: k,
      profit: p.profit,
      threshold: p.threshold,
      validators: row.map(([i]) => i),
      allocations: row.map(([, w]) => w),
    };
  });
  return { graph: { validators, services }, unpriced };
}

/* ------------------------------------------------------------------ the neutral view over JSON (GET /api/neutral) */

const big = (x: unknown, path: string): bigint => {
  if (typeof x === "string" && /^-?\d+$/.test(x)) return BigInt(x);
  if (typeof x === "number" && Number.isSafeInteger(x)) return BigInt(x);
  throw new GraphError(path, `expected an integer as a decimal string, got ${JSON.stringify(x)}`);
};
const text = (x: unknown, path: string): string => {
  if (typeof x !== "string") throw new GraphError(path, `expected a string, got ${JSON.stringify(x)}`);
  return x;
};

/** Parses the JSON of GET /api/neutral (bigints as decimal strings) back into a NeutralView. */
export function neutralFromJson(input: unknown): NeutralView {
  if (!isRecord(input)) throw new GraphError("$", "expected the neutral view object");
  const arr = (x: unknown, path: string): unknown[] => {
    if (!Array.isArray(x)) throw new GraphError(path, "expected an array");
    return x;
  };
  const rec = (x: unknown, path: string): Record<string, unknown> => {
    if (!isRecord(x)) throw new GraphError(path, "expected an object");
    return x;
  };
  return {
    protocol: text(input.protocol, "$.protocol"),
    block: big(input.block, "$.block"),
    horizonBlock: big(input.horizonBlock, "$.horizonBlock"),
    exposures: arr(input.exposures, "$.exposures").map((x, i) => {
      const p = `$.exposures[${i}]`;
      const e = rec(x, p);
      return {
        protocol: text(e.protocol, `${p}.protocol`),
        collateral: text(e.collateral, `${p}.collateral`),
        asset: text(e.asset, `${p}.asset`),
        operator: text(e.operator, `${p}.operator`),
        service: text(e.service, `${p}.service`),
        serviceSet: text(e.serviceSet, `${p}.serviceSet`),
        slasher: text(e.slasher, `${p}.slasher`),
        redistributionRecipient: e.redistributionRecipient === null ? null : text(e.redistributionRecipient, p),
        shares: big(e.shares, `${p}.shares`),
        assetAmount: big(e.assetAmount, `${p}.assetAmount`),
        sharesAtHorizon: big(e.sharesAtHorizon, `${p}.sharesAtHorizon`),
        fractionWad: big(e.fractionWad, `${p}.fractionWad`),
        slashableUntil: e.slashableUntil === null ? null : big(e.slashableUntil, `${p}.slashableUntil`),
      };
    }),
    operators: arr(input.operators, "$.operators").map((x, i) => {
      const p = `$.operators[${i}]`;
      const o = rec(x, p);
      return {
        protocol: text(o.protocol, `${p}.protocol`),
        operator: text(o.operator, `${p}.operator`),
        delegated: arr(o.delegated, `${p}.delegated`).map((y, k) => {
          const q = `${p}.delegated[${k}]`;
          const d = rec(y, q);
          return {
            collateral: text(d.collateral, `${q}.collateral`),
            asset: text(d.asset, `${q}.asset`),
            shares: big(d.shares, `${q}.shares`),
            assetAmount: big(d.assetAmount, `${q}.assetAmount`),
          };
        }),
        stakers: typeof o.stakers === "number" ? o.stakers : 0,
      };
    }),
    services: arr(input.services, "$.services").map((x, i) => {
      const p = `$.services[${i}]`;
      const s = rec(x, p);
      return {
        protocol: text(s.protocol, `${p}.protocol`),
        service: text(s.service, `${p}.service`),
        serviceSets: arr(s.serviceSets, `${p}.serviceSets`).map((y, k) => {
          const q = `${p}.serviceSets[${k}]`;
          const ss = rec(y, q);
          return {
            serviceSet: text(ss.serviceSet, `${q}.serviceSet`),
            slasher: text(ss.slasher, `${q}.slasher`),
            collaterals: arr(ss.collaterals, `${q}.collaterals`).map((c, n) => text(c, `${q}.collaterals[${n}]`)),
            operators: arr(ss.operators, `${q}.operators`).map((c, n) => text(c, `${q}.operators[${n}]`)),
            redistributionRecipient: ss.redistributionRecipient === null ? null : text(ss.redistributionRecipient, q),
          };
        }),
      };
    }),
  };
}
