import { bruteBestAttack, bruteLoss, bruteSecurity, type StepPolicy } from "./brute.ts";
import { type Coalition, coalitionOf, gainOf, isValidAttack, ratioOf } from "./coalition.ts";
import type { IntGraph } from "./graph.ts";
import { chosen, FAST_SETTINGS, FULL_SETTINGS, type MilpResult, ProblemBuilder, solveMilp } from "./milp.ts";
import { allThresholdsOne, maxClosure } from "./mincut.ts";
import { Rational } from "./rational.ts";

/**
 * Searches over the Durvasula–Roughgarden model: the most profitable coalition for a price λ (which decides security
 * at λ = 1 and drives Dinkelbach's iteration for γ*), the worst-case loss R_ψ, and the best single attack on a
 * shrunk graph (one step of a cascade). Three oracles:
 *  - brute: exhaustive and exact (small graphs: 2^n, or 3^n with a shock);
 *  - mincut: exact and polynomial, only when every α_s = 1;
 *  - milp: HiGHS, in doubles; every candidate is re-verified exactly, and ties are resolved by the data's
 *    granularity where it allows (see `granularity`).
 */

export type Method = "auto" | "brute" | "mincut" | "milp";

export interface SearchBudget {
  method: Method;
  /** performance.now() after which the MILP stops and reports bounds */
  deadline: number;
}

/** Auto picks brute force up to this many validators (2^n coalitions). */
export const AUTO_BRUTE_VALIDATORS = 16;
/** … and, for R_ψ, up to this many (3^n shock/attack pairs). */
export const AUTO_BRUTE_LOSS_VALIDATORS = 11;

export function pickMethod(g: IntGraph, method: Method, loss = false): Exclude<Method, "auto"> {
  if (method !== "auto") return method;
  if (g.n <= (loss ? AUTO_BRUTE_LOSS_VALIDATORS : AUTO_BRUTE_VALIDATORS)) return "brute";
  if (!loss && allThresholdsOne(g)) return "mincut";
  return "milp";
}

const remaining = (b: SearchBudget) => Math.max(1, b.deadline - performance.now());

/* ------------------------------------------------------------------ numeric scale */

/**
 * Every quantity goes to the solver divided by σ_V. When all scaled integers are small (σ_V·L < 1e7), a gain or
 * margin is a multiple of 1/σ_V ≥ 1e-7 and the solver (tolerances 1e-9) decides signs exactly; otherwise a margin
 * below `eps` of σ_V is indistinguishable from a tie and is reported as a tolerance.
 */
export interface Granularity {
  /** the smallest positive gap between two attainable values, in units of σ_V, when it is resolvable; else null */
  unit: number | null;
  /** the numeric tolerance used when unit is null */
  eps: number;
}

export function granularity(g: IntGraph): Granularity {
  const total = Number(g.total);
  return { unit: total > 0 && total < 1e7 ? 1 / total : null, eps: 1e-9 };
}

function norm(x: bigint, total: bigint): number {
  // x / total as a double, without overflowing for wei-scale values
  return Rational.of(x, total).toNumber();
}

/* ------------------------------------------------------------------ the λ-problem: max λπ_A − σ_B */

export interface GainResult {
  /** the best coalition found, verified exactly (null when no service with π > 0 can be covered at all) */
  best: Coalition | null;
  /** exact λπ_A − σ_B of `best` in scaled units (null with best) */
  gain: Rational | null;
  /** true when no coalition has a larger gain (exact for brute/mincut; up to the solver tolerance for milp) */
  optimal: boolean;
  /** upper bound on the gain, as a fraction of σ_V (exact methods: the gain itself) */
  bound: number;
  method: Exclude<Method, "auto">;
  milp?: Pick<MilpResult, "status" | "nodes" | "ms">;
}

export interface GainOptions {
  removed?: Uint8Array;
  active?: Uint8Array;
  /** stop as soon as a coalition with exact gain > 0 is found (decides security without proving optimality) */
  stopAtPositive?: boolean;
  /** a coalition to seed the solver with */
  start?: Coalition | null;
  /** only coalitions with A ≠ ∅ count (otherwise the empty coalition's gain 0 is always available) */
  nonEmpty?: boolean;
  /**
   * the question is whether some coalition has gain > threshold (scaled units, default 0): `optimal` then means
   * nothing exceeds max(gain(best), threshold)
   */
  threshold?: Rational;
}

export async function maxGain(
  g: IntGraph,
  lambda: Rational,
  budget: SearchBudget,
  opts: GainOptions = {},
): Promise<GainResult> {
  const method = pickMethod(g, budget.method);
  if (method === "mincut") {
    if (!allThresholdsOne(g)) throw new RangeError("the min-cut method needs every threshold to be 1");
    const { validators } = maxClosure(g, lambda, opts.removed, opts.active);
    let best = validators.length === 0 ? null : coalitionOf(g, validators, opts.removed, opts.active);
    if (best !== null && best.services.length === 0) best = null;
    // A = ∅ (gain 0) is optimal when nothing has positive gain; report the best single-service coalition then
    if (best === null) best = bestSingle(g, lambda, opts.removed, opts.active);
    const gain = best === null ? null : gainOf(best, lambda);
    return { best, gain, optimal: true, bound: gain === null ? 0 : gainNorm(gain, g), method };
  }
  if (method === "brute") {
    const r = bruteMaxGain(g, lambda, opts.removed, opts.active);
    const gain = r === null ? null : gainOf(r, lambda);
    return { best: r, gain, optimal: true, bound: gain === null ? 0 : gainNorm(gain, g), method };
  }
  return milpMaxGain(g, lambda, budget, opts);
}

function gainNorm(gain: Rational, g: IntGraph): number {
  return gain.div(Rational.of(g.total)).toNumber();
}

/** max λπ_A − σ_B by enumeration (only λ = 1 and the ratio have dedicated brute-force routines; this is general). */
function bruteMaxGain(g: IntGraph, lambda: Rational, removed?: Uint8Array, active?: Uint8Array): Coalition | null {
  if (lambda.eq(Rational.ONE)) return bruteSecurity(g, removed, active).maxGain;
  // scale: q·(λπ_A − σ_B) = p·π_A − q·σ_B; reuse the λ = 1 enumeration on a reweighted graph
  const scaled: IntGraph = {
    ...g,
    profit: g.profit.map((p) => p * lambda.n),
    stake: g.stake.map((s) => s * lambda.d),
    nStake: g.nStake.map((s) => s * lambda.d),
    total: g.total * lambda.d,
  };
  const c = bruteSecurity(scaled, removed, active).maxGain;
  return c === null ? null : coalitionOf(g, c.validators, removed, active);
}

/** The best coalition that covers a single service greedily (largest stakes first); a cheap fallback and seed. */
export function bestSingle(g: IntGraph, lambda: Rational, removed?: Uint8Array, active?: Uint8Array): Coalition | null {
  let best: Coalition | null = null;
  for (let s = 0; s < g.m; s++) {
    if (g.profit[s] === 0n || (active !== undefined && !active[s])) continue;
    const c = coalitionOf(g, greedyCover(g, s, removed), removed, active);
    if (c.services.length === 0) continue;
    if (best === null || gainOf(c, lambda).gt(gainOf(best, lambda))) best = c;
  }
  return best;
}

/** Validators of N(s) ∖ removed, largest stake first, until α_s of the remaining stake is held. */
export function greedyCover(g: IntGraph, s: number, removed?: Uint8Array): number[] {
  const nb = g.nbr[s]!.filter((v) => !removed?.[v]).sort((a, b) => (g.stake[b]! > g.stake[a]! ? 1 : -1));
  const rest = nb.reduce((a, v) => a + g.stake[v]!, 0n);
  const out: number[] = [];
  let held = 0n;
  for (const v of nb) {
    if (g.thrDen[s]! * held >= g.thrNum[s]! * rest) break;
    out.push(v);
    held += g.stake[v]!;
  }
  return out;
}

interface AttackModelSpec {
  removed?: Uint8Array;
  active?: Uint8Array;
}

/** Columns x_s (services with π > 0 that are active) then y_v (validators not removed that touch one of them). */
function attackColumns(g: IntGraph, spec: AttackModelSpec) {
  const svc: number[] = [];
  const colOfSvc = new Int32Array(g.m).fill(-1);
  for (let s = 0; s < g.m; s++) {
    if (g.profit[s] === 0n || (spec.active !== undefined && !spec.active[s])) continue;
    colOfSvc[s] = svc.length;
    svc.push(s);
  }
  const val: number[] = [];
  const colOfVal = new Int32Array(g.n).fill(-1);
  for (let v = 0; v < g.n; v++) {
    if (spec.removed?.[v]) continue;
    if (!g.svcOf[v]!.some((s) => colOfSvc[s]! >= 0)) continue;
    colOfVal[v] = svc.length + val.length;
    val.push(v);
  }
  return { svc, val, colOfSvc, colOfVal };
}

/**
 * The λ-problem by MILP, in stages. (1) The relaxation with the validators' y_v continuous and the services' x_s
 * binary: its optimum bounds every coalition's gain from above, so a bound ≤ the threshold settles the question
 * exactly (up to the solver tolerance) — on the mainnet-scale benchmark this is 5–10× faster than the full problem.
 * Its fractional solutions are rounded into coalitions (cover each chosen service with its highest-y, then largest
 * validators) and verified. (2) Only if that does not settle it, the full MILP, seeded with the best coalition.
 */
async function milpMaxGain(
  g: IntGraph,
  lambda: Rational,
  budget: SearchBudget,
  opts: GainOptions,
): Promise<GainResult> {
  const { svc, val, colOfSvc, colOfVal } = attackColumns(g, opts);
  const lam = lambda.toNumber();
  const build = (integerY: boolean) => {
    const b = new ProblemBuilder(svc.length + val.length);
    svc.forEach((s, k) => {
      b.cost[k] = lam * norm(g.profit[s]!, g.total);
    });
    val.forEach((v, k) => {
      b.cost[svc.length + k] = -norm(g.stake[v]!, g.total);
      b.integer[svc.length + k] = integerY ? 1 : 0;
    });
    for (const s of svc) {
      const nb = g.nbr[s]!.filter((v) => !opts.removed?.[v]);
      const rest = nb.reduce((a, v) => a + g.stake[v]!, 0n);
      if (rest === 0n) continue; // nothing left to hold: covered by the empty coalition
      const alpha = Rational.of(g.thrNum[s]!, g.thrDen[s]!).toNumber();
      b.row(
        [colOfSvc[s]!, ...nb.map((v) => colOfVal[v]!)],
        [-alpha, ...nb.map((v) => norm(g.stake[v]!, rest))],
        0,
        Number.POSITIVE_INFINITY,
      );
    }
    if (opts.nonEmpty) {
      b.row(
        svc.map((_, k) => k),
        svc.map(() => 1),
        1,
        Number.POSITIVE_INFINITY,
      );
    }
    return b.build();
  };
  let best: Coalition | null = bestSingle(g, lambda, opts.removed, opts.active);
  const consider = (c: Coalition) => {
    if (c.services.length === 0) return;
    if (best === null || gainOf(c, lambda).gt(gainOf(best, lambda))) best = c;
  };
  if (opts.start) consider(coalitionOf(g, opts.start.validators, opts.removed, opts.active));
  /** Rounds a (possibly fractional) solution into a coalition: cover each chosen service with high-y validators. */
  const readBack = (x: Float64Array): Coalition => {
    const inB = new Uint8Array(g.n);
    const ys: number[] = [];
    val.forEach((v, k) => {
      if (x[svc.length + k]! > 1 - 1e-6) {
        inB[v] = 1;
        ys.push(v);
      }
    });
    svc.forEach((s, k) => {
      if (x[k]! < 0.5) return;
      const nb = g.nbr[s]!.filter((v) => !opts.removed?.[v]);
      const rest = nb.reduce((a, v) => a + g.stake[v]!, 0n);
      let held = nb.reduce((a, v) => a + (inB[v] ? g.stake[v]! : 0n), 0n);
      const order = nb
        .filter((v) => !inB[v])
        .sort((a, c) => x[colOfVal[c]!]! - x[colOfVal[a]!]! || (g.stake[c]! > g.stake[a]! ? 1 : -1));
      for (const v of order) {
        if (g.thrDen[s]! * held >= g.thrNum[s]! * rest) break;
        inB[v] = 1;
        ys.push(v);
        held += g.stake[v]!;
      }
    });
    return coalitionOf(g, ys, opts.removed, opts.active);
  };
  // gains λπ_A − σ_B with λ = p/q are multiples of 1/(q·σ_V·L): half of that separates a tie from a gain
  const gran = granularity(g);
  const unit = gran.unit === null ? null : gran.unit / Number(lambda.d);
  const tol = unit !== null && unit >= 1e-7 ? unit / 2 : gran.eps;
  const threshold = opts.threshold === undefined ? 0 : opts.threshold.div(Rational.of(g.total)).toNumber();
  const done = () =>
    opts.stopAtPositive === true && best !== null && gainOf(best, lambda).gt(opts.threshold ?? Rational.ZERO);
  const cols = svc.length + val.length;
  let bound = Number.POSITIVE_INFINITY;
  let status: MilpResult["status"] = "failed";
  let nodes = 0;
  let ms = 0;
  for (const integerY of [false, true]) {
    const start = best === null ? undefined : startVector(best as Coalition, cols, colOfSvc, colOfVal);
    const res = await solveMilp(build(integerY), {
      timeLimitMs: remaining(budget),
      start: integerY ? start : undefined,
      settings: integerY ? FULL_SETTINGS : FAST_SETTINGS,
      // settled once nothing can beat the threshold (or the best coalition found, if that is higher)
      boundTarget:
        Math.max(threshold, best === null ? threshold : gainNorm(gainOf(best as Coalition, lambda), g)) + tol / 2,
      onIncumbent: (x) => {
        consider(readBack(x));
        return done();
      },
    });
    if (res.x !== null) consider(readBack(res.x));
    nodes += res.nodes;
    ms += res.ms;
    status = res.status;
    // an infeasible problem (only with nonEmpty and nothing coverable) bounds the gain by −∞
    const b = res.status === "infeasible" ? Number.NEGATIVE_INFINITY : res.bound;
    bound = Math.min(bound, b);
    const bestN = best === null ? Number.NEGATIVE_INFINITY : gainNorm(gainOf(best as Coalition, lambda), g);
    // "stopped" counts: the search stops early only on a verified coalition or once the bound settles it
    const settled =
      (res.status === "optimal" || res.status === "infeasible" || res.status === "stopped") &&
      bound <= Math.max(bestN, threshold) + tol;
    if (settled || done() || remaining(budget) <= 1) break;
  }
  const gain = best === null ? null : gainOf(best as Coalition, lambda);
  const gainN = gain === null ? Number.NEGATIVE_INFINITY : gainNorm(gain, g);
  return {
    best,
    gain,
    // optimal: nothing beats max(best, threshold) by more than the tolerance
    optimal: bound <= Math.max(gainN, threshold) + tol,
    bound: Math.max(bound, gainN),
    method: "milp",
    milp: { status, nodes, ms },
  };
}

function startVector(c: Coalition, cols: number, colOfSvc: Int32Array, colOfVal: Int32Array): Float64Array {
  const x = new Float64Array(cols);
  for (const s of c.services) if (colOfSvc[s]! >= 0) x[colOfSvc[s]!] = 1;
  for (const v of c.validators) if (colOfVal[v]! >= 0) x[colOfVal[v]!] = 1;
  return x;
}

/* ------------------------------------------------------------------ γ*: Dinkelbach on the λ-problem */

export interface RatioResult {
  /** the coalition minimising σ_B/π_A (null when no coalition with π_A > 0 exists: γ* = +∞) */
  best: Coalition | null;
  /** σ_B/π_A of `best`: an upper bound on min ratio, equal to it when `exact` */
  ratio: Rational | null;
  exact: boolean;
  /** a proven lower bound on the min ratio when not exact (from Corollary 2 or the last solve), else = ratio */
  lower: Rational | null;
  iterations: number;
  method: Exclude<Method, "auto">;
}

/**
 * min over coalitions of σ_B/π_A by Dinkelbach's iteration: with λ the ratio of the best coalition so far, find the
 * coalition maximising λπ_A − σ_B; a positive (exactly verified) gain means a smaller ratio, so λ drops; a maximum
 * ≤ 0 proves λ optimal. Each λ is the exact ratio of a verified coalition, so λ decreases strictly and the answer is
 * exact whenever the last solve was proven. `lowerBound` (e.g. Corollary 2's) is reported if time runs out.
 */
export async function minRatio(g: IntGraph, budget: SearchBudget, lowerBound: Rational | null): Promise<RatioResult> {
  const method = pickMethod(g, budget.method);
  if (method === "brute") {
    const r = bruteSecurity(g).minRatio;
    const ratio = r === null ? null : ratioOf(r);
    return { best: r, ratio, exact: true, lower: ratio, iterations: 0, method };
  }
  let best = bestSingle(g, Rational.ONE);
  if (best === null) return { best: null, ratio: null, exact: true, lower: null, iterations: 0, method };
  if (best.profit > 0n && best.cost === 0n) {
    return { best, ratio: Rational.ZERO, exact: true, lower: Rational.ZERO, iterations: 0, method };
  }
  let lambda = ratioOf(best)!;
  for (let it = 1; it <= 60; it++) {
    const r = await maxGain(g, lambda, budget, { start: best });
    const cand = r.best;
    if (cand !== null && cand.profit > 0n) {
      const cr = ratioOf(cand)!;
      if (cr.lt(lambda)) {
        best = cand;
        lambda = cr;
        if (lambda.isZero()) return { best, ratio: lambda, exact: true, lower: lambda, iterations: it, method };
        continue;
      }
    }
    if (r.optimal) return { best, ratio: lambda, exact: true, lower: lambda, iterations: it, method: r.method };
    // out of time: λ is an upper bound; the solver's bound gives λπ_A − σ_B ≤ bound·σ_V for every coalition,
    // which bounds the ratio below only through π_A, so fall back on the caller's proven bound
    return { best, ratio: lambda, exact: false, lower: lowerBound, iterations: it, method: r.method };
  }
  return { best, ratio: lambda, exact: false, lower: lowerBound, iterations: 60, method };
}

/**
 * A proven lower bound on min σ_B/π_A from the relaxation with the validators' y_v continuous (x_s binary): its
 * minimum ratio is at most the integer one. Bisection on λ between `lower` (already proven, e.g. Corollary 2's) and
 * `upper` (a verified coalition's ratio): λ is proven when the relaxation's maximum of λπ_A − σ_B is ≤ 0; a test
 * stops as soon as a relaxed solution with positive gain appears. Anytime: returns the best proven λ when the
 * budget ends (a double: the bound is numeric), or null if none beat `lower`.
 */
export async function relaxedRatioBound(
  g: IntGraph,
  budget: SearchBudget,
  upper: Rational,
  lower: Rational | null,
  steps = 12,
): Promise<number | null> {
  const { svc, val, colOfSvc, colOfVal } = attackColumns(g, {});
  if (svc.length === 0) return null;
  const build = (lam: number) => {
    const b = new ProblemBuilder(svc.length + val.length);
    svc.forEach((s, k) => {
      b.cost[k] = lam * norm(g.profit[s]!, g.total);
    });
    val.forEach((v, k) => {
      b.cost[svc.length + k] = -norm(g.stake[v]!, g.total);
      b.integer[svc.length + k] = 0;
    });
    for (const s of svc) {
      const rest = g.nStake[s]!;
      if (rest === 0n) continue;
      const alpha = Rational.of(g.thrNum[s]!, g.thrDen[s]!).toNumber();
      b.row(
        [colOfSvc[s]!, ...g.nbr[s]!.map((v) => colOfVal[v]!)],
        [-alpha, ...g.nbr[s]!.map((v) => norm(g.stake[v]!, rest))],
        0,
        Number.POSITIVE_INFINITY,
      );
    }
    return b.build();
  };
  // every coalition has π_A ≥ the smallest profit, so a gain bound b > 0 at λ still gives ratio ≥ λ − b/minPi
  const minPi = Math.min(...svc.map((s) => norm(g.profit[s]!, g.total)));
  let lo = Math.max(0, lower?.toNumber() ?? 0);
  let hi = upper.toNumber();
  let proven: number | null = null;
  for (let it = 0; it < steps && remaining(budget) > 1 && hi - lo > 1e-6 * hi; it++) {
    // the first step is biased low: far below the relaxation's optimum its proof is cheap
    const mid = lo + (hi - lo) * (it === 0 ? 0.25 : 0.5);
    const res = await solveMilp(build(mid), {
      timeLimitMs: remaining(budget),
      settings: FAST_SETTINGS,
      onIncumbent: (_x, objective) => objective > 1e-9,
    });
    if ((res.status === "optimal" || res.status === "infeasible") && res.bound <= 1e-9) {
      const p = mid - Math.max(res.bound, 0) / minPi - 1e-12;
      proven = proven === null ? p : Math.max(proven, p);
      lo = mid;
    } else if (res.objective > 1e-9) {
      hi = mid;
    } else {
      break; // out of time without a verdict
    }
  }
  return proven;
}

/* ------------------------------------------------------------------ one attack on G↓removed (cascade steps) */

export interface AttackResult {
  attack: Coalition | null;
  exact: boolean;
  method: Exclude<Method, "auto">;
}

/** The best valid attack on G↓removed with A ⊆ active, by the step policy. */
export async function bestAttack(
  g: IntGraph,
  policy: StepPolicy,
  budget: SearchBudget,
  removed?: Uint8Array,
  active?: Uint8Array,
): Promise<AttackResult> {
  let free = 0;
  for (let v = 0; v < g.n; v++) if (!removed?.[v]) free++;
  const method = budget.method === "auto" ? (free <= AUTO_BRUTE_VALIDATORS ? "brute" : "milp") : budget.method;
  if (method === "brute") return { attack: bruteBestAttack(g, policy, removed, active), exact: true, method };
  if (policy === "max-profit") {
    const r = await maxGain(
      g,
      Rational.ONE,
      { ...budget, method: method === "mincut" ? "mincut" : "milp" },
      {
        removed,
        active,
      },
    );
    const a = r.best !== null && isValidAttack(r.best) ? r.best : null;
    return { attack: a, exact: r.optimal, method: r.method };
  }
  const r = await milpLoss(g, { removed, active, psi: null }, budget);
  return { attack: r.attack, exact: r.exact, method: "milp" };
}

/* ------------------------------------------------------------------ R_ψ */

export interface LossResult {
  /** σ(D ∪ B) in scaled units: R_ψ = loss/σ_V */
  loss: bigint;
  shock: number[];
  attack: Coalition | null;
  /** the value is the maximum (exact for brute; up to the solver tolerance for milp) */
  exact: boolean;
  /** proven upper bound on R_ψ (fraction of σ_V) when not exact */
  upper: number | null;
  /** proven: no shock within ψ enables any attack (so the cascade after the reported shock is empty) */
  noAttack: boolean;
  method: Exclude<Method, "auto">;
  milp?: Pick<MilpResult, "status" | "nodes" | "ms">;
}

export async function worstLoss(g: IntGraph, psi: Rational, budget: SearchBudget): Promise<LossResult> {
  const method = pickMethod(g, budget.method, true);
  if (method === "brute") {
    const r = bruteLoss(g, psi.n, psi.d);
    return { ...r, exact: true, upper: null, noAttack: r.attack === null, method };
  }
  // Lemma 1: after a shock D (σ_D ≤ ψσ_V) a valid attack (A, B) makes (A, B ∪ D) a coalition on G with
  // π_A − σ(B ∪ D) > −ψσ_V. So if no non-empty coalition on G beats −ψσ_V, no shock enables any attack and R_ψ is
  // the largest shock alone: a subset sum.
  const threshold = psi.mul(Rational.of(g.total)).neg();
  const share = Math.max(1, (budget.deadline - performance.now()) * 0.75);
  const pre = await maxGain(
    g,
    Rational.ONE,
    { method: "milp", deadline: performance.now() + share },
    { nonEmpty: true, threshold, stopAtPositive: true },
  );
  if (pre.optimal && (pre.gain === null || pre.gain.le(threshold))) {
    return { ...(await maxShock(g, psi, budget)), noAttack: true };
  }
  return milpLoss(g, { psi }, budget);
}

/**
 * The largest σ_D ≤ ψσ_V (a subset sum): greedy by decreasing stake, then a knapsack MILP seeded with it. Exact when
 * the budget is hit exactly or the solver proves optimality; otherwise ψ bounds it from above.
 */
/** Validators by decreasing stake, each taken if it still fits within ψσ_V. */
function greedyShock(g: IntGraph, psi: Rational, removed?: Uint8Array): number[] {
  const cap = psi.mul(Rational.of(g.total));
  const order = [...g.stake.keys()]
    .filter((v) => !removed?.[v])
    .sort((a, b) => (g.stake[b]! > g.stake[a]! ? 1 : g.stake[b]! < g.stake[a]! ? -1 : a - b));
  const shock: number[] = [];
  let sum = 0n;
  for (const v of order) {
    if (Rational.of(sum + g.stake[v]!).le(cap)) {
      shock.push(v);
      sum += g.stake[v]!;
    }
  }
  return shock;
}

async function maxShock(g: IntGraph, psi: Rational, budget: SearchBudget): Promise<Omit<LossResult, "noAttack">> {
  const cap = psi.mul(Rational.of(g.total)); // scaled units
  let shock = greedyShock(g, psi);
  let sum = shock.reduce((a, v) => a + g.stake[v]!, 0n);
  const hit = () => Rational.of(sum).eq(cap);
  let exact = hit();
  let milp: LossResult["milp"];
  if (!exact && g.n > 0) {
    const b = new ProblemBuilder(g.n);
    g.stake.forEach((w, v) => {
      b.cost[v] = norm(w, g.total);
    });
    b.row(
      g.stake.map((_, v) => v),
      g.stake.map((w) => norm(w, g.total)),
      Number.NEGATIVE_INFINITY,
      psi.toNumber(),
    );
    const start = new Float64Array(g.n);
    for (const v of shock) start[v] = 1;
    const res = await solveMilp(b.build(), {
      timeLimitMs: Math.min(remaining(budget), 2000),
      start,
      settings: FAST_SETTINGS,
      onIncumbent: (x) => {
        const d = chosen(x, 0, g.n);
        const t = d.reduce((a, v) => a + g.stake[v]!, 0n);
        if (t > sum && Rational.of(t).le(cap)) {
          shock = d;
          sum = t;
        }
        return hit();
      },
    });
    milp = { status: res.status, nodes: res.nodes, ms: res.ms };
    const gran = granularity(g);
    exact =
      hit() || (res.status === "optimal" && gran.unit !== null && res.bound <= norm(sum, g.total) + gran.unit / 2);
  }
  return {
    loss: sum,
    shock: shock.sort((a, b) => a - b),
    attack: null,
    exact,
    upper: exact ? null : psi.toNumber(),
    method: "milp",
    ...(milp ? { milp } : {}),
  };
}

interface LossSpec {
  /** the shock budget ψ; null: no shock variables (cascade step on a fixed G↓removed) */
  psi: Rational | null;
  removed?: Uint8Array;
  active?: Uint8Array;
}

/**
 * One MILP for the worst loss (Corollary 1 makes the best cascade a single attack on G↓D):
 *   max Σσ_v(d_v + y_v)
 *   Σσ_v d_v ≤ ψσ_V;  d_v + y_v ≤ 1;
 *   Σ_{v∈N(s)} σ_v y_v + α_s Σ_{v∈N(s)} σ_v d_v ≥ α_s σ_N(s) x_s   (no big-M: x_s = 0 leaves it slack);
 *   x_s ≤ z, y_v ≤ z;  Σπ_s x_s − Σσ_v y_v ≥ δ z   (strict profitability; z = 0 is "no attack").
 * With `removed` fixed (a cascade step) there are no d columns and the objective is Σσ_v y_v.
 */
async function milpLoss(g: IntGraph, spec: LossSpec, budget: SearchBudget): Promise<LossResult> {
  // (no relaxation stage here: the shock budget is a knapsack, and relaxing it bounds nothing useful)
  const removed = spec.removed;
  const svc: number[] = [];
  const colOfSvc = new Int32Array(g.m).fill(-1);
  for (let s = 0; s < g.m; s++) {
    if (g.profit[s] === 0n || (spec.active !== undefined && !spec.active[s])) continue;
    colOfSvc[s] = svc.length;
    svc.push(s);
  }
  const val: number[] = [];
  for (let v = 0; v < g.n; v++) if (!removed?.[v]) val.push(v);
  const withShock = spec.psi !== null;
  const nx = svc.length;
  const ny = val.length;
  const Y = nx;
  const Dc = nx + ny;
  const Z = withShock ? nx + 2 * ny : nx + ny;
  const colY = new Int32Array(g.n).fill(-1);
  val.forEach((v, k) => {
    colY[v] = Y + k;
  });
  const b = new ProblemBuilder(Z + 1);
  const stakeN = (v: number) => norm(g.stake[v]!, g.total);
  val.forEach((v, k) => {
    b.cost[Y + k] = stakeN(v);
    if (withShock) b.cost[Dc + k] = stakeN(v);
  });
  const gran = granularity(g);
  const delta = gran.unit !== null ? gran.unit / 2 : 1e-7;
  for (const s of svc) {
    const nb = g.nbr[s]!.filter((v) => !removed?.[v]);
    const rest = nb.reduce((a, v) => a + g.stake[v]!, 0n);
    if (rest === 0n) continue;
    const alpha = Rational.of(g.thrNum[s]!, g.thrDen[s]!).toNumber();
    const cols = [colOfSvc[s]!];
    const coefs = [-alpha];
    for (const v of nb) {
      const c = norm(g.stake[v]!, rest);
      cols.push(colY[v]!);
      coefs.push(c);
      if (withShock) {
        cols.push(colY[v]! - Y + Dc);
        coefs.push(alpha * c);
      }
    }
    b.row(cols, coefs, 0, Number.POSITIVE_INFINITY);
  }
  if (withShock) {
    b.row(
      val.map((_, k) => Dc + k),
      val.map((v) => stakeN(v)),
      Number.NEGATIVE_INFINITY,
      spec.psi!.toNumber(),
    );
    val.forEach((_, k) => {
      b.row([Y + k, Dc + k], [1, 1], Number.NEGATIVE_INFINITY, 1);
    });
  }
  svc.forEach((_, k) => {
    b.row([k, Z], [1, -1], Number.NEGATIVE_INFINITY, 0);
  });
  val.forEach((_, k) => {
    b.row([Y + k, Z], [1, -1], Number.NEGATIVE_INFINITY, 0);
  });
  b.row(
    [...svc.map((_, k) => k), ...val.map((_, k) => Y + k), Z],
    [...svc.map((s) => norm(g.profit[s]!, g.total)), ...val.map((v) => -stakeN(v)), -delta],
    0,
    Number.POSITIVE_INFINITY,
  );

  const budgetScaled = spec.psi === null ? null : { n: spec.psi.n * g.total, d: spec.psi.d };
  // baseline: the greedy largest shock, no attack
  let best: { loss: bigint; shock: number[]; attack: Coalition | null } = { loss: 0n, shock: [], attack: null };
  if (spec.psi !== null) {
    const greedy = greedyShock(g, spec.psi, removed);
    best = { loss: greedy.reduce((a, v) => a + g.stake[v]!, 0n), shock: greedy, attack: null };
  }
  const consider = (x: Float64Array) => {
    const shock = withShock ? chosen(x, Dc, ny).map((k) => val[k]!) : [];
    const shockStake = shock.reduce((a, v) => a + g.stake[v]!, 0n);
    if (budgetScaled !== null && shockStake * budgetScaled.d > budgetScaled.n) return; // over budget by a rounding
    const rem = new Uint8Array(g.n);
    if (removed) rem.set(removed);
    for (const v of shock) rem[v] = 1;
    const ys = chosen(x, Y, ny).map((k) => val[k]!);
    const c = coalitionOf(g, ys, rem, spec.active);
    const attack = ys.length > 0 && isValidAttack(c) ? c : null;
    const loss = shockStake + (attack?.cost ?? 0n);
    if (loss > best.loss || (loss === best.loss && best.attack === null && attack !== null)) {
      best = { loss, shock, attack };
    }
  };
  const res = await solveMilp(b.build(), {
    timeLimitMs: remaining(budget),
    settings: FULL_SETTINGS,
    onIncumbent: (x) => {
      consider(x);
      return false;
    },
  });
  if (res.x !== null) consider(res.x);
  const value = norm(best.loss, g.total);
  const tol = gran.unit !== null ? gran.unit / 2 : gran.eps;
  const exact = res.status === "optimal" && res.bound <= value + tol;
  return {
    loss: best.loss,
    shock: best.shock.sort((a, c) => a - c),
    attack: best.attack,
    noAttack: false,
    exact,
    upper: exact ? null : Math.max(res.bound, value),
    method: "milp",
    milp: { status: res.status, nodes: res.nodes, ms: res.ms },
  };
}
