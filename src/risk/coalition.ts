import type { IntGraph } from "./graph.ts";
import { Rational } from "./rational.ts";

/**
 * Exact evaluation of coalitions (A, B) in the Durvasula–Roughgarden model, on the scaled integer graph. Every
 * coalition the engine reports, whichever search found it, passes through these functions.
 */

/** A coalition with its exact profit π_A and cost σ_B in scaled units (divide by `IntGraph.scale`). */
export interface Coalition {
  /** attacked services, ascending */
  services: number[];
  /** attacking validators, ascending */
  validators: number[];
  profit: bigint;
  cost: bigint;
}

/**
 * Is s covered by B on G↓removed: σ(B ∩ N(s)) ≥ α_s · σ(N(s) ∖ removed)? B must not meet `removed`.
 * A service whose neighbours are all removed is covered by every B (0 ≥ 0).
 */
export function isCovered(g: IntGraph, s: number, inB: Uint8Array, removed?: Uint8Array): boolean {
  let inside = 0n;
  let rest = 0n;
  for (const v of g.nbr[s]!) {
    if (removed?.[v]) continue;
    rest += g.stake[v]!;
    if (inB[v]) inside += g.stake[v]!;
  }
  return g.thrDen[s]! * inside >= g.thrNum[s]! * rest;
}

/**
 * The best coalition for a fixed B: A = every covered service with π > 0 (this maximises π_A, so it maximises the
 * attack's profit and minimises σ_B/π_A). `active` restricts which services may be attacked.
 */
export function coalitionOf(
  g: IntGraph,
  validators: Iterable<number>,
  removed?: Uint8Array,
  active?: Uint8Array,
): Coalition {
  const inB = new Uint8Array(g.n);
  const vs: number[] = [];
  let cost = 0n;
  for (const v of validators) {
    if (inB[v] || removed?.[v]) continue;
    inB[v] = 1;
    vs.push(v);
    cost += g.stake[v]!;
  }
  vs.sort((a, b) => a - b);
  const services: number[] = [];
  let profit = 0n;
  for (let s = 0; s < g.m; s++) {
    if (g.profit[s] === 0n || (active !== undefined && !active[s])) continue;
    if (isCovered(g, s, inB, removed)) {
      services.push(s);
      profit += g.profit[s]!;
    }
  }
  return { services, validators: vs, profit, cost };
}

/** Does (A, B) satisfy condition (1) on G↓removed — is every service of A covered by B? */
export function isCoalition(g: IntGraph, services: number[], validators: number[], removed?: Uint8Array): boolean {
  const inB = new Uint8Array(g.n);
  for (const v of validators) {
    if (removed?.[v]) return false;
    inB[v] = 1;
  }
  return services.length > 0 && services.every((s) => isCovered(g, s, inB, removed));
}

/** A valid attack: a coalition with π_A > σ_B (strict: a tie is not an attack). */
export function isValidAttack(c: Coalition): boolean {
  return c.services.length > 0 && c.profit > c.cost;
}

/** σ_B / π_A, exactly; null when π_A = 0. */
export function ratioOf(c: Coalition): Rational | null {
  return c.profit === 0n ? null : Rational.of(c.cost, c.profit);
}

/** λ·π_A − σ_B in scaled units, exactly. */
export function gainOf(c: Coalition, lambda: Rational): Rational {
  return lambda.mul(Rational.of(c.profit)).sub(Rational.of(c.cost));
}

/** Deterministic tie-break: fewer validators, then fewer services, then lexicographic. */
export function smallerCoalition(a: Coalition, b: Coalition): boolean {
  if (a.validators.length !== b.validators.length) return a.validators.length < b.validators.length;
  if (a.services.length !== b.services.length) return a.services.length < b.services.length;
  for (let i = 0; i < a.validators.length; i++) {
    if (a.validators[i] !== b.validators[i]) return a.validators[i]! < b.validators[i]!;
  }
  return false;
}

/* ------------------------------------------------------------------ Claim 1 and Corollary 2 */

export interface Claim1Result {
  /** every validator satisfies Σ_{s∈N(v)} (σ_v/σ_N(s))·(1+γ)π_s/α_s ≤ σ_v (γ = 0 for Claim 1) */
  holds: boolean;
  gamma: Rational;
  /** validators violating the condition, by index, highest load first */
  violators: number[];
  /**
   * load_v = Σ_{s∋v} π_s / (α_s σ_N(s)); the condition is (1+γ)·load_v ≤ 1. Services with π > 0 and no stake at
   * all make the load infinite (reported in `unstaked`).
   */
  load: Rational[];
  /** services with π > 0 and σ(N(s)) = 0: attackable for free, so the graph is insecure */
  unstaked: number[];
  /** max_v load_v */
  maxLoad: Rational;
  /**
   * the largest γ for which Corollary 2 holds, 1/maxLoad − 1 (null when no validator carries any load): a proven
   * lower bound on the maximal slack γ*
   */
  maxGamma: Rational | null;
}

/**
 * The EigenLayer whitepaper's per-operator sufficient condition (D&R Claim 1) and, for γ > 0, Corollary 2. O(|E|),
 * exact. If it holds the graph is secure (γ-slack), whatever the search below finds.
 */
export function claim1(g: IntGraph, gamma: Rational = Rational.ZERO): Claim1Result {
  const load: Rational[] = Array.from({ length: g.n }, () => Rational.ZERO);
  const unstaked: number[] = [];
  for (let s = 0; s < g.m; s++) {
    if (g.profit[s] === 0n) continue;
    if (g.nStake[s] === 0n) {
      unstaked.push(s);
      continue;
    }
    // π_s / (α_s σ_N(s)) = π_s · q_s / (p_s · σ_N(s)); the common scale cancels
    const term = Rational.of(g.profit[s]! * g.thrDen[s]!, g.thrNum[s]! * g.nStake[s]!);
    for (const v of g.nbr[s]!) load[v] = load[v]!.add(term);
  }
  const factor = Rational.ONE.add(gamma);
  const violators = load
    .map((l, v) => [l, v] as const)
    .filter(([l]) => factor.mul(l).gt(Rational.ONE))
    .sort((a, b) => b[0].cmp(a[0]) || a[1] - b[1])
    .map(([, v]) => v);
  const maxLoad = load.reduce((a, b) => Rational.max(a, b), Rational.ZERO);
  return {
    holds: violators.length === 0 && unstaked.length === 0,
    gamma,
    violators,
    load,
    unstaked,
    maxLoad,
    maxGamma: unstaked.length > 0 ? null : maxLoad.isZero() ? null : maxLoad.inv().sub(Rational.ONE),
  };
}
