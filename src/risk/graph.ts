import { lcm, Rational } from "./rational.ts";

/**
 * The restaking graph G = (S, V, E, π, σ, α) of Durvasula–Roughgarden, with optional per-edge allocations w (the
 * elastic model of Bar-Zur–Eyal). Numbers are exact rationals.
 *
 * JSON form (what `restake risk security graph.json` and POST /api/risk/security read):
 *   {"validators":[{"id":"a","stake":"4"}],
 *    "services":[{"id":"s1","profit":"5","threshold":"1/2","validators":["a","b","c"],
 *                 "allocations":{"a":"2"}}]}
 * Numbers are decimal strings or exact fractions "p/q". `allocations` is optional per service; a service with
 * allocations gives each listed validator that allocation and every other neighbour its whole stake.
 */

export interface Validator {
  id: string;
  /** σ_v > 0 */
  stake: Rational;
}

export interface Service {
  id: string;
  /** π_s ≥ 0: the profit from corrupting s */
  profit: Rational;
  /** α_s ∈ (0, 1]: the fraction of s's stake needed to corrupt it */
  threshold: Rational;
  /** N(s): indices into `validators`, strictly increasing */
  validators: number[];
  /** w_sv, aligned with `validators`, each in (0, σ_v]; present only when given */
  allocations?: Rational[];
}

export interface RestakingGraph {
  validators: Validator[];
  services: Service[];
}

export class GraphError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "GraphError";
  }
}

/** True when some service carries allocations (the elastic model is then the natural reading). */
export function hasAllocations(g: RestakingGraph): boolean {
  return g.services.some((s) => s.allocations !== undefined);
}

/** w_sv for the i-th neighbour of s: the given allocation, or the validator's whole stake. */
export function allocationOf(g: RestakingGraph, s: Service, i: number): Rational {
  return s.allocations?.[i] ?? g.validators[s.validators[i]!]!.stake;
}

/* ------------------------------------------------------------------ parsing and validation */

const ID_RE = /^[^\s]{1,200}$/;
const MAX_VALIDATORS = 1_000_000;
const MAX_SERVICES = 100_000;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function num(x: unknown, path: string): Rational {
  if (typeof x !== "string") {
    throw new GraphError(path, `expected a decimal string or a fraction "p/q", got ${describe(x)}`);
  }
  const v = Rational.parse(x);
  if (v === null) throw new GraphError(path, `not a decimal number or fraction "p/q": ${JSON.stringify(x)}`);
  return v;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "number") return `the number ${x} (write numbers as strings, e.g. "${x}")`;
  return typeof x === "string" ? JSON.stringify(x) : `a ${typeof x}`;
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new GraphError(`${path}.${k}`, `unknown field (allowed: ${allowed.join(", ")})`);
  }
}

function id(x: unknown, path: string): string {
  if (typeof x !== "string" || !ID_RE.test(x)) {
    throw new GraphError(path, `expected a non-empty id without whitespace (≤ 200 characters), got ${describe(x)}`);
  }
  return x;
}

/** Parses and validates a graph from JSON text or an already parsed value; errors name the path and the reason. */
export function parseGraph(input: unknown): RestakingGraph {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new GraphError("$", `not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isRecord(value)) throw new GraphError("$", `expected an object, got ${describe(value)}`);
  checkKeys(value, ["validators", "services"], "$");
  const vs = value.validators;
  const ss = value.services;
  if (!Array.isArray(vs)) throw new GraphError("$.validators", `expected an array, got ${describe(vs)}`);
  if (!Array.isArray(ss)) throw new GraphError("$.services", `expected an array, got ${describe(ss)}`);
  if (vs.length > MAX_VALIDATORS) throw new GraphError("$.validators", `more than ${MAX_VALIDATORS} validators`);
  if (ss.length > MAX_SERVICES) throw new GraphError("$.services", `more than ${MAX_SERVICES} services`);

  const validators: Validator[] = [];
  const index = new Map<string, number>();
  vs.forEach((v, i) => {
    const p = `$.validators[${i}]`;
    if (!isRecord(v)) throw new GraphError(p, `expected an object, got ${describe(v)}`);
    checkKeys(v, ["id", "stake"], p);
    const vid = id(v.id, `${p}.id`);
    if (index.has(vid)) throw new GraphError(`${p}.id`, `duplicate validator id ${JSON.stringify(vid)}`);
    const stake = num(v.stake, `${p}.stake`);
    if (stake.sign() <= 0) throw new GraphError(`${p}.stake`, `stake must be > 0, got ${stake}`);
    index.set(vid, validators.length);
    validators.push({ id: vid, stake });
  });

  const services: Service[] = [];
  const seen = new Set<string>();
  ss.forEach((s, j) => {
    const p = `$.services[${j}]`;
    if (!isRecord(s)) throw new GraphError(p, `expected an object, got ${describe(s)}`);
    checkKeys(s, ["id", "profit", "threshold", "validators", "allocations"], p);
    const sid = id(s.id, `${p}.id`);
    if (seen.has(sid)) throw new GraphError(`${p}.id`, `duplicate service id ${JSON.stringify(sid)}`);
    seen.add(sid);
    const profit = num(s.profit, `${p}.profit`);
    if (profit.sign() < 0) throw new GraphError(`${p}.profit`, `profit must be ≥ 0, got ${profit}`);
    const threshold = num(s.threshold, `${p}.threshold`);
    if (threshold.sign() <= 0 || threshold.gt(Rational.ONE)) {
      throw new GraphError(`${p}.threshold`, `threshold must be in (0, 1], got ${threshold}`);
    }
    if (!Array.isArray(s.validators)) {
      throw new GraphError(`${p}.validators`, `expected an array of validator ids, got ${describe(s.validators)}`);
    }
    const members = new Set<number>();
    s.validators.forEach((x, k) => {
      const vid = id(x, `${p}.validators[${k}]`);
      const vi = index.get(vid);
      if (vi === undefined) throw new GraphError(`${p}.validators[${k}]`, `unknown validator ${JSON.stringify(vid)}`);
      if (members.has(vi))
        throw new GraphError(`${p}.validators[${k}]`, `validator ${JSON.stringify(vid)} listed twice`);
      members.add(vi);
    });
    const nbrs = [...members].sort((a, b) => a - b);
    const service: Service = { id: sid, profit, threshold, validators: nbrs };
    if (s.allocations !== undefined) {
      if (!isRecord(s.allocations)) {
        throw new GraphError(
          `${p}.allocations`,
          `expected an object {validatorId: amount}, got ${describe(s.allocations)}`,
        );
      }
      const given = new Map<number, Rational>();
      for (const [vid, amount] of Object.entries(s.allocations)) {
        const ap = `${p}.allocations.${vid}`;
        const vi = index.get(vid);
        if (vi === undefined) throw new GraphError(ap, `unknown validator ${JSON.stringify(vid)}`);
        if (!members.has(vi))
          throw new GraphError(ap, `validator ${JSON.stringify(vid)} is not in this service's validators`);
        const w = num(amount, ap);
        if (w.sign() <= 0)
          throw new GraphError(ap, `allocation must be > 0 (leave the validator out instead), got ${w}`);
        const stake = validators[vi]!.stake;
        if (w.gt(stake)) throw new GraphError(ap, `allocation ${w} exceeds the validator's stake ${stake}`);
        given.set(vi, w);
      }
      service.allocations = nbrs.map((vi) => given.get(vi) ?? validators[vi]!.stake);
    }
    services.push(service);
  });
  return { validators, services };
}

/** The JSON form of a graph (inverse of parseGraph). */
export function graphToJson(g: RestakingGraph): Record<string, unknown> {
  return {
    validators: g.validators.map((v) => ({ id: v.id, stake: v.stake.toString() })),
    services: g.services.map((s) => {
      const out: Record<string, unknown> = {
        id: s.id,
        profit: s.profit.toString(),
        threshold: s.threshold.toString(),
        validators: s.validators.map((i) => g.validators[i]!.id),
      };
      if (s.allocations !== undefined) {
        out.allocations = Object.fromEntries(
          s.validators.map((vi, k) => [g.validators[vi]!.id, s.allocations![k]!.toString()]),
        );
      }
      return out;
    }),
  };
}

/* ------------------------------------------------------------------ transformations */

/**
 * G↓D: the graph with the validators in D removed (slashed). Thresholds are then measured on what remains; a service
 * whose neighbours are all gone keeps its profit and can be taken by an empty coalition.
 */
export function removeValidators(
  g: RestakingGraph,
  removed: ReadonlySet<number>,
): {
  graph: RestakingGraph;
  /** old validator index → new index (−1 when removed) */
  map: Int32Array;
} {
  const map = new Int32Array(g.validators.length).fill(-1);
  const validators: Validator[] = [];
  g.validators.forEach((v, i) => {
    if (removed.has(i)) return;
    map[i] = validators.length;
    validators.push(v);
  });
  const services = g.services.map((s) => {
    const keep = s.validators.map((vi, k) => [vi, k] as const).filter(([vi]) => map[vi]! >= 0);
    const out: Service = { ...s, validators: keep.map(([vi]) => map[vi]!) };
    if (s.allocations !== undefined) out.allocations = keep.map(([, k]) => s.allocations![k]!);
    return out;
  });
  return { graph: { validators, services }, map };
}

/**
 * EigenLayer unique stake: every allocation is slashable by its own operator set only, so each (validator, service)
 * edge becomes a validator of its own, "<validator>@<service>", whose stake is the allocation (the whole stake when
 * none is given). Every service is then its own component. `origin[i]` is the original validator of split node i.
 */
export function splitUnique(g: RestakingGraph): { graph: RestakingGraph; origin: number[] } {
  const validators: Validator[] = [];
  const origin: number[] = [];
  const services = g.services.map((s) => {
    const nbrs: number[] = [];
    s.validators.forEach((vi, k) => {
      nbrs.push(validators.length);
      origin.push(vi);
      validators.push({ id: `${g.validators[vi]!.id}@${s.id}`, stake: allocationOf(g, s, k) });
    });
    return { id: s.id, profit: s.profit, threshold: s.threshold, validators: nbrs } satisfies Service;
  });
  return { graph: { validators, services }, origin };
}

/* ------------------------------------------------------------------ the scaled integer form */

/**
 * The graph with every stake, profit and allocation multiplied by one common denominator L, so that all of them are
 * integers and every exact check is a bigint comparison. Thresholds stay as p/q: s is covered by B iff
 * q_s · σ(B ∩ N(s)) ≥ p_s · σ(N(s)).
 */
export interface IntGraph {
  n: number;
  m: number;
  /** the common denominator (quantities below are value · L) */
  scale: bigint;
  stake: bigint[];
  profit: bigint[];
  thrNum: bigint[];
  thrDen: bigint[];
  /** service → its validators (ascending) */
  nbr: number[][];
  /** w_sv aligned with nbr (equals the stake where no allocation is given) */
  alloc: bigint[][];
  /** validator → its services (ascending) */
  svcOf: number[][];
  /** σ(N(s)) */
  nStake: bigint[];
  /** Σ_v w_sv */
  nAlloc: bigint[];
  /** σ_V */
  total: bigint;
}

export function toIntGraph(g: RestakingGraph): IntGraph {
  let scale = 1n;
  for (const v of g.validators) scale = lcm(scale, v.stake.d);
  for (const s of g.services) {
    scale = lcm(scale, s.profit.d);
    for (const w of s.allocations ?? []) scale = lcm(scale, w.d);
  }
  const up = (x: Rational) => (x.n * scale) / x.d;
  const stake = g.validators.map((v) => up(v.stake));
  const svcOf: number[][] = g.validators.map(() => []);
  const nbr = g.services.map((s) => [...s.validators]);
  nbr.forEach((vs, j) => {
    for (const v of vs) svcOf[v]!.push(j);
  });
  const alloc = g.services.map((s, j) => nbr[j]!.map((v, k) => (s.allocations ? up(s.allocations[k]!) : stake[v]!)));
  const nStake = nbr.map((vs) => vs.reduce((a, v) => a + stake[v]!, 0n));
  const nAlloc = alloc.map((ws) => ws.reduce((a, w) => a + w, 0n));
  return {
    n: g.validators.length,
    m: g.services.length,
    scale,
    stake,
    profit: g.services.map((s) => up(s.profit)),
    thrNum: g.services.map((s) => s.threshold.n),
    thrDen: g.services.map((s) => s.threshold.d),
    nbr,
    alloc,
    svcOf,
    nStake,
    nAlloc,
    total: stake.reduce((a, b) => a + b, 0n),
  };
}
