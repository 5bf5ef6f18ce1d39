import type { SearchBudget } from "./dr.ts";
import { type IntGraph, type RestakingGraph, toIntGraph } from "./graph.ts";
import { chosen, ProblemBuilder, solveMilp } from "./milp.ts";
import { lcm, Rational } from "./rational.ts";

/**
 * The elastic model of Bar-Zur & Eyal. Validator i has stake σ_i and allocations w_ij ∈ (0, σ_i] whose sum may
 * exceed σ_i. An attack on services A places x_ij ∈ [0, w_ij]; j falls iff Σ_i x_ij ≥ θ_j W_j (W_j = Σ_i w_ij);
 * validator i loses c_i = min(σ_i, Σ_j x_ij) — stake is forfeited once. Profit P = π_A − Σ_i c_i.
 *
 * Reduction used throughout (proof in docs/risk.md): for fixed A, the cheapest attack costs
 *   cost(A) = min over Z ⊆ V of  σ_Z + Σ_{j∈A} (θ_j W_j − w_{Z,j})⁺
 * where Z is the set of validators that lose their whole stake (they contribute every allocation for free) and the
 * rest cover the remaining demand at one unit of loss per unit of stake. So the model is a 0/1 problem over (A, Z)
 * with an exact evaluation, and for fixed Z the best A is chosen service by service.
 */

/** The elastic graph in integers: everything × L (common denominator) × Q (lcm of threshold denominators). */
interface EGraph {
  g: IntGraph;
  /** Q·π_j·L, Q·σ_i·L, Q·w_ij·L */
  profit: bigint[];
  stake: bigint[];
  alloc: bigint[][];
  /** Q·θ_j·W_j·L */
  need: bigint[];
  /** the total scale: values here are (value · L · Q) */
  unit: bigint;
}

function egraph(g: IntGraph): EGraph {
  let Q = 1n;
  for (const d of g.thrDen) Q = lcm(Q, d);
  return {
    g,
    profit: g.profit.map((p) => p * Q),
    stake: g.stake.map((s) => s * Q),
    alloc: g.alloc.map((ws) => ws.map((w) => w * Q)),
    need: g.nAlloc.map((W, j) => (W * Q * g.thrNum[j]!) / g.thrDen[j]!),
    unit: g.scale * Q,
  };
}

/** Q·d_j(Z) = (Q θ_j W_j − Q w_{Z,j})⁺ for every service, given Z as a 0/1 mask. */
function demands(e: EGraph, inZ: Uint8Array): bigint[] {
  return e.g.nbr.map((vs, j) => {
    let held = 0n;
    vs.forEach((v, k) => {
      if (inZ[v]) held += e.alloc[j]![k]!;
    });
    const d = e.need[j]! - held;
    return d > 0n ? d : 0n;
  });
}

export interface ElasticAttack {
  /** attacked services (indices), ascending */
  services: number[];
  /** validators that lose their whole stake (Z), ascending */
  capped: number[];
  /** x_ij > 0 of an explicit attack: [service, validator, amount] (amount in graph units) */
  stakes: [number, number, Rational][];
  /** π_A, Σ_i min(σ_i, Σ_j x_ij) and their difference, in graph units */
  profit: Rational;
  cost: Rational;
  net: Rational;
}

/** The best A for a fixed Z (max π_A − cost, A non-empty): services with π_j > d_j, or the single best one. */
function bestAForZ(e: EGraph, d: bigint[], active?: Uint8Array): number[] {
  const A: number[] = [];
  let bestSingle = -1;
  for (let j = 0; j < e.g.m; j++) {
    if (e.profit[j] === 0n || (active !== undefined && !active[j])) continue;
    if (e.profit[j]! > d[j]!) A.push(j);
    if (bestSingle < 0 || e.profit[j]! - d[j]! > e.profit[bestSingle]! - d[bestSingle]!) bestSingle = j;
  }
  return A.length > 0 ? A : bestSingle >= 0 ? [bestSingle] : [];
}

/** The A minimising (σ_Z + Σ_A d_j)/π_A for fixed Z: a prefix of the services sorted by d_j/π_j. */
function ratioAForZ(
  e: EGraph,
  d: bigint[],
  zCost: bigint,
  active?: Uint8Array,
): { A: number[]; num: bigint; den: bigint } | null {
  const js: number[] = [];
  for (let j = 0; j < e.g.m; j++) if (e.profit[j]! > 0n && (active === undefined || active[j])) js.push(j);
  if (js.length === 0) return null;
  js.sort((a, b) => {
    const l = d[a]! * e.profit[b]!;
    const r = d[b]! * e.profit[a]!;
    return l < r ? -1 : l > r ? 1 : a - b;
  });
  let num = zCost;
  let den = 0n;
  let best: { k: number; num: bigint; den: bigint } | null = null;
  js.forEach((j, k) => {
    num += d[j]!;
    den += e.profit[j]!;
    if (best === null || num * best.den < best.num * den) best = { k, num, den };
  });
  const b = best as unknown as { k: number; num: bigint; den: bigint };
  return { A: js.slice(0, b.k + 1).sort((x, y) => x - y), num: b.num, den: b.den };
}

/** An explicit attack for (A, Z), with its exact cost Σ_i min(σ_i, X_i). */
function explicitAttack(e: EGraph, A: number[], Z: number[]): ElasticAttack {
  const g = e.g;
  const inZ = new Uint8Array(g.n);
  for (const v of Z) inZ[v] = 1;
  const X = new Array<bigint>(g.n).fill(0n);
  const stakes: [number, number, bigint][] = [];
  for (const j of A) {
    let held = 0n;
    const vs = g.nbr[j]!;
    vs.forEach((v, k) => {
      if (!inZ[v]) return;
      stakes.push([j, v, e.alloc[j]![k]!]);
      X[v] = X[v]! + e.alloc[j]![k]!;
      held += e.alloc[j]![k]!;
    });
    let demand = e.need[j]! - held;
    if (demand <= 0n) continue;
    const order = vs.map((v, k) => [v, k] as const).filter(([v]) => !inZ[v]);
    order.sort((a, b) => (e.alloc[j]![b[1]]! > e.alloc[j]![a[1]]! ? 1 : -1));
    for (const [v, k] of order) {
      if (demand <= 0n) break;
      const x = e.alloc[j]![k]! < demand ? e.alloc[j]![k]! : demand;
      stakes.push([j, v, x]);
      X[v] = X[v]! + x;
      demand -= x;
    }
  }
  let cost = 0n;
  for (let v = 0; v < g.n; v++) cost += X[v]! < e.stake[v]! ? X[v]! : e.stake[v]!;
  const profit = A.reduce((a, j) => a + e.profit[j]!, 0n);
  const u = (x: bigint) => Rational.of(x, e.unit);
  return {
    services: [...A].sort((a, b) => a - b),
    capped: [...Z].sort((a, b) => a - b),
    stakes: stakes.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([j, v, x]) => [j, v, u(x)]),
    profit: u(profit),
    cost: u(cost),
    net: u(profit - cost),
  };
}

function enumerateZ(g: IntGraph, visit: (inZ: Uint8Array, zCost: bigint) => void, stake: bigint[]): void {
  if (g.n > 24) throw new RangeError(`elastic brute force is limited to 24 validators (got ${g.n})`);
  const inZ = new Uint8Array(g.n);
  let zCost = 0n;
  visit(inZ, zCost);
  for (let k = 1; k < 2 ** g.n; k++) {
    const v = 31 - Math.clz32(k & -k);
    zCost += inZ[v] ? -stake[v]! : stake[v]!;
    inZ[v] = inZ[v] ? 0 : 1;
    visit(inZ, zCost);
  }
}

export interface ElasticResult {
  /** the maximum attack profit P (may be ≤ 0: then the network is secure) */
  maxProfit: Rational | null;
  attack: ElasticAttack | null;
  secure: boolean;
  /** γ* = min cost(A)/π_A − 1 (null when no service has π > 0) */
  slack: Rational | null;
  /** the attack attaining γ* */
  slackAttack: ElasticAttack | null;
  exact: boolean;
  method: "brute" | "milp";
}

/** Max attack profit, security and γ* in the elastic model. */
export async function analyzeElastic(
  graph: RestakingGraph,
  budget: SearchBudget,
  active?: Uint8Array,
): Promise<ElasticResult> {
  const g = toIntGraph(graph);
  const e = egraph(g);
  const method = budget.method === "brute" || (budget.method === "auto" && g.n <= 16) ? "brute" : "milp";
  if (method === "brute") {
    let best: { p: bigint; A: number[]; Z: number[] } | null = null;
    let bestR: { num: bigint; den: bigint; A: number[]; Z: number[] } | null = null;
    enumerateZ(
      g,
      (inZ, zCost) => {
        const d = demands(e, inZ);
        const A = bestAForZ(e, d, active);
        if (A.length === 0) return;
        const p = A.reduce((a, j) => a + e.profit[j]! - d[j]!, 0n) - zCost;
        const Z = () => [...inZ.keys()].filter((v) => inZ[v]);
        if (best === null || p > best.p) best = { p, A, Z: Z() };
        const rr = ratioAForZ(e, d, zCost, active);
        if (rr !== null && (bestR === null || rr.num * bestR.den < bestR.num * rr.den)) {
          bestR = { ...rr, Z: Z() };
        }
      },
      e.stake,
    );
    return finish(e, best, bestR, true, "brute");
  }
  return milpElastic(e, budget, active);
}

function finish(
  e: EGraph,
  best: { p: bigint; A: number[]; Z: number[] } | null,
  bestR: { num: bigint; den: bigint; A: number[]; Z: number[] } | null,
  exact: boolean,
  method: "brute" | "milp",
): ElasticResult {
  // The explicit attack never costs more than the reduction's formula, and at the optimum the two coincide, so
  // the reported figures are those of a concrete, exactly evaluated attack.
  const attack = best === null ? null : explicitAttack(e, best.A, best.Z);
  const slackAttack = bestR === null ? null : explicitAttack(e, bestR.A, bestR.Z);
  const maxProfit = attack === null ? null : attack.net;
  return {
    maxProfit,
    attack,
    secure: maxProfit === null || maxProfit.sign() <= 0,
    slack: slackAttack === null ? null : slackAttack.cost.div(slackAttack.profit).sub(Rational.ONE),
    slackAttack,
    exact,
    method,
  };
}

/**
 * MILP: binaries a_j (attacked), z_i (loses its whole stake); continuous u_j ∈ [0, 1], the uncovered demand as a
 * fraction of W_j:  θ_j a_j − Σ_i (w_ij/W_j) z_i − u_j ≤ 0,  Σ a_j ≥ 1;
 * maximise λ Σ π_j a_j − Σ σ_i z_i − Σ W_j u_j. λ = 1 gives the max profit; Dinkelbach over λ gives γ*.
 * Every candidate's Z is re-evaluated exactly with the best A for that Z.
 */
async function milpElastic(e: EGraph, budget: SearchBudget, active?: Uint8Array): Promise<ElasticResult> {
  const g = e.g;
  const svc: number[] = [];
  for (let j = 0; j < g.m; j++) if (g.profit[j]! > 0n && (active === undefined || active[j])) svc.push(j);
  if (svc.length === 0) return finish(e, null, null, true, "milp");
  const total = Number(g.total) > 0 ? g.total * (e.unit / g.scale) : 1n;
  const nrm = (x: bigint) => Rational.of(x, total).toNumber();
  const m = svc.length;
  const build = (lambda: number) => {
    const b = new ProblemBuilder(m + g.n + m);
    svc.forEach((j, k) => {
      b.cost[k] = lambda * nrm(e.profit[j]!);
      b.cost[m + g.n + k] = -nrm((e.need[j]! * g.thrDen[j]!) / g.thrNum[j]!);
      b.integer[m + g.n + k] = 0;
    });
    for (let v = 0; v < g.n; v++) b.cost[m + v] = -nrm(e.stake[v]!);
    svc.forEach((j, k) => {
      const W = g.nAlloc[j]!;
      if (W === 0n) return;
      const theta = Rational.of(g.thrNum[j]!, g.thrDen[j]!).toNumber();
      b.row(
        [k, ...g.nbr[j]!.map((v) => m + v), m + g.n + k],
        [theta, ...g.alloc[j]!.map((w) => -Rational.of(w, W).toNumber()), -1],
        Number.NEGATIVE_INFINITY,
        0,
      );
    });
    b.row(
      svc.map((_, k) => k),
      svc.map(() => 1),
      1,
      Number.POSITIVE_INFINITY,
    );
    return b.build();
  };
  const zOf = (x: Float64Array) => chosen(x, m, g.n);
  const evalZ = (Z: number[]) => {
    const inZ = new Uint8Array(g.n);
    for (const v of Z) inZ[v] = 1;
    const zCost = Z.reduce((a, v) => a + e.stake[v]!, 0n);
    const d = demands(e, inZ);
    const A = bestAForZ(e, d, active);
    return { p: A.reduce((a, j) => a + e.profit[j]! - d[j]!, 0n) - zCost, A, Z, d, zCost };
  };
  let best: { p: bigint; A: number[]; Z: number[] } = evalZ([]);
  const res = await solveMilp(build(1), {
    timeLimitMs: Math.max(1, budget.deadline - performance.now()),
    onIncumbent: (x) => {
      const c = evalZ(zOf(x));
      if (c.p > best.p) best = c;
      return false;
    },
  });
  if (res.x !== null) {
    const c = evalZ(zOf(res.x));
    if (c.p > best.p) best = c;
  }
  const tol = 1e-9;
  let exact = res.status === "optimal" && res.bound <= nrm(best.p) + tol;
  // γ* by Dinkelbach
  const ratioFor = (Z: number[]) => {
    const c = evalZ(Z);
    const rr = ratioAForZ(e, c.d, c.zCost, active);
    return rr === null ? null : { ...rr, Z };
  };
  let bestR = ratioFor(best.Z) ?? ratioFor([])!;
  for (let it = 0; it < 60 && bestR !== null; it++) {
    const lam = Rational.of(bestR.num, bestR.den);
    if (lam.isZero()) break;
    let improved = false;
    const r = await solveMilp(build(lam.toNumber()), {
      timeLimitMs: Math.max(1, budget.deadline - performance.now()),
      onIncumbent: (x) => {
        const c = ratioFor(zOf(x));
        if (c !== null && c.num * bestR!.den < bestR!.num * c.den) {
          bestR = c;
          improved = true;
        }
        return false;
      },
    });
    if (r.x !== null) {
      const c = ratioFor(zOf(r.x));
      if (c !== null && c.num * bestR.den < bestR.num * c.den) {
        bestR = c;
        improved = true;
      }
    }
    if (!improved) {
      if (!(r.status === "optimal" && r.bound <= tol)) exact = false;
      break;
    }
  }
  return finish(e, best, bestR, exact, "milp");
}

/* ------------------------------------------------------------------ Byzantine services and robustness */

/**
 * The network left when the services in `byzantine` act maliciously and slash everything allocated to them:
 * σ'_i = max(0, σ_i − Σ_{j∈𝔅} w_ij) and w'_ij = min(w_ij, σ'_i) — the remaining stake stretches over the remaining
 * allocations. Validators with nothing left disappear; the Byzantine services are removed.
 */
export function stretch(graph: RestakingGraph, byzantine: ReadonlySet<number>): RestakingGraph {
  const lost = graph.validators.map(() => Rational.ZERO);
  graph.services.forEach((s, j) => {
    if (!byzantine.has(j)) return;
    s.validators.forEach((v, k) => {
      lost[v] = lost[v]!.add(s.allocations?.[k] ?? graph.validators[v]!.stake);
    });
  });
  const left = graph.validators.map((v, i) => Rational.max(Rational.ZERO, v.stake.sub(lost[i]!)));
  const map = new Int32Array(graph.validators.length).fill(-1);
  const validators: RestakingGraph["validators"] = [];
  graph.validators.forEach((v, i) => {
    if (left[i]!.sign() <= 0) return;
    map[i] = validators.length;
    validators.push({ id: v.id, stake: left[i]! });
  });
  const services = graph.services
    .map((s, j) => ({ s, j }))
    .filter(({ j }) => !byzantine.has(j))
    .map(({ s }) => {
      const keep = s.validators.map((v, k) => [v, k] as const).filter(([v]) => map[v]! >= 0);
      return {
        id: s.id,
        profit: s.profit,
        threshold: s.threshold,
        validators: keep.map(([v]) => map[v]!),
        allocations: keep.map(([v, k]) => Rational.min(s.allocations?.[k] ?? graph.validators[v]!.stake, left[v]!)),
      };
    });
  return { validators, services };
}

export interface Robustness {
  /** ρ: the smallest prize-per-threshold share of Byzantine services that leaves the rest insecure; null when none */
  rho: Rational | null;
  /** the Byzantine set attaining ρ (service indices) */
  byzantine: number[] | null;
  /** the attack on the rest that proves it insecure */
  attack: ElasticAttack | null;
  /** Byzantine sets examined, in increasing weight order */
  checked: number;
  /** every set up to the reported one (or every set at all) was examined */
  complete: boolean;
  /** when incomplete: a proven lower bound on ρ (the weight share of the next unexamined set) */
  lower: Rational | null;
}

/**
 * Robustness of an elastic network against Byzantine services (Bar-Zur–Eyal): ρ = min over Byzantine sets 𝔅 that
 * leave the remaining network insecure of Σ_{j∈𝔅} π_j/θ_j ÷ Σ_j π_j/θ_j. Insecurity is not monotone in 𝔅, so the
 * sets are examined in increasing weight (a best-first enumeration); the first insecure one gives ρ exactly.
 * `maxSets` bounds the work; when it runs out, `lower` is the share of the next unexamined set.
 */
export async function robustness(graph: RestakingGraph, budget: SearchBudget, maxSets = 4096): Promise<Robustness> {
  const m = graph.services.length;
  const weight = graph.services.map((s) => s.profit.div(s.threshold));
  const total = Rational.sum(weight);
  if (total.isZero()) return { rho: null, byzantine: null, attack: null, checked: 0, complete: true, lower: null };
  const order = [...weight.keys()].sort((a, b) => weight[a]!.cmp(weight[b]!) || a - b);
  // best-first enumeration of subsets of `order` by total weight: state = (sum, indices into order)
  type Node = { w: Rational; idx: number[] };
  const heap: Node[] = [{ w: Rational.ZERO, idx: [] }];
  const push = (n: Node) => {
    heap.push(n);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]!.w.le(heap[i]!.w)) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): Node => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let s = i;
        if (l < heap.length && heap[l]!.w.lt(heap[s]!.w)) s = l;
        if (r < heap.length && heap[r]!.w.lt(heap[s]!.w)) s = r;
        if (s === i) break;
        [heap[s], heap[i]] = [heap[i]!, heap[s]!];
        i = s;
      }
    }
    return top;
  };
  let checked = 0;
  while (heap.length > 0) {
    if (checked >= maxSets || performance.now() > budget.deadline) {
      return { rho: null, byzantine: null, attack: null, checked, complete: false, lower: heap[0]!.w.div(total) };
    }
    const node = pop();
    const last = node.idx.length === 0 ? -1 : node.idx[node.idx.length - 1]!;
    if (last + 1 < m) {
      const nx = order[last + 1]!;
      push({ w: node.w.add(weight[nx]!), idx: [...node.idx, last + 1] });
      if (node.idx.length > 0) {
        const prev = order[last]!;
        push({ w: node.w.sub(weight[prev]!).add(weight[nx]!), idx: [...node.idx.slice(0, -1), last + 1] });
      }
    }
    checked++;
    const byz = new Set(node.idx.map((k) => order[k]!));
    const rest = stretch(graph, byz);
    if (rest.services.length === 0) continue;
    const r = await analyzeElastic(rest, budget);
    if (!r.secure && r.attack !== null) {
      // map the attack back to the original indices
      const keptServices = graph.services.map((_, j) => j).filter((j) => !byz.has(j));
      const idOf = new Map(graph.validators.map((v, i) => [v.id, i]));
      const vmap = rest.validators.map((v) => idOf.get(v.id)!);
      const a = r.attack;
      return {
        rho: node.w.div(total),
        byzantine: [...byz].sort((x, y) => x - y),
        attack: {
          ...a,
          services: a.services.map((j) => keptServices[j]!),
          capped: a.capped.map((v) => vmap[v]!),
          stakes: a.stakes.map(([j, v, x]) => [keptServices[j]!, vmap[v]!, x]),
        },
        checked,
        complete: true,
        lower: null,
      };
    }
  }
  return { rho: null, byzantine: null, attack: null, checked, complete: true, lower: null };
}

/* ------------------------------------------------------------------ the sufficient condition */

export interface ElasticCondition {
  holds: boolean;
  /** validators with Σ_j w_ij·π_j/(θ_j W_j) > σ_i */
  violators: number[];
  /** services with π_j > θ_j W_j (insecure on their own) */
  services: number[];
}

/**
 * The elastic analogue of Claim 1 (derived in docs/risk.md): if every validator has Σ_j w_ij·r_j ≤ σ_i and every
 * service r_j ≤ 1, where r_j = π_j/(θ_j W_j), the elastic network is secure. With w = σ it is exactly Claim 1.
 */
export function elasticCondition(graph: RestakingGraph): ElasticCondition {
  const g = toIntGraph(graph);
  const r = g.profit.map((p, j) =>
    p === 0n ? Rational.ZERO : g.nAlloc[j] === 0n ? null : Rational.of(p * g.thrDen[j]!, g.thrNum[j]! * g.nAlloc[j]!),
  );
  const load = g.stake.map(() => Rational.ZERO);
  g.nbr.forEach((vs, j) => {
    const rj = r[j];
    if (rj === null || rj === undefined) return;
    vs.forEach((v, k) => {
      load[v] = load[v]!.add(Rational.of(g.alloc[j]![k]!).mul(rj));
    });
  });
  const violators = load.map((l, v) => (l.gt(Rational.of(g.stake[v]!)) ? v : -1)).filter((v) => v >= 0);
  const services = r.map((x, j) => (x === null || x.gt(Rational.ONE) ? j : -1)).filter((j) => j >= 0);
  return { holds: violators.length === 0 && services.length === 0, violators, services };
}
