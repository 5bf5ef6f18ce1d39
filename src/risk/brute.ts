import { type Coalition, coalitionOf } from "./coalition.ts";
import type { IntGraph } from "./graph.ts";

/**
 * Exact brute force over the Durvasula–Roughgarden model: the reference every faster method is tested against.
 * Deliberately plain: it enumerates every validator set B (2^n; with a shock, every disjoint pair (D, B), 3^n),
 * takes A = all services B covers (the best A for that B), and keeps the best by exact bigint comparison.
 */

export const BRUTE_MAX_VALIDATORS = 26;

function guard(n: number, max = BRUTE_MAX_VALIDATORS): void {
  if (n > max) throw new RangeError(`brute force is limited to ${max} validators (got ${n})`);
}

/**
 * Enumerates every B ⊆ V ∖ removed in Gray-code order, keeping per-service covered stake incrementally, and calls
 * `visit(profit, cost)` with π of the covered services in `active` (all by default) that have π > 0, and σ_B.
 * `visit` returns true when it wants the current B (then `snapshot()` copies it).
 */
function enumerate(
  g: IntGraph,
  removed: Uint8Array | undefined,
  active: Uint8Array | undefined,
  visit: (profit: bigint, cost: bigint, covered: number, snapshot: () => number[]) => void,
): void {
  const free: number[] = [];
  for (let v = 0; v < g.n; v++) if (!removed?.[v]) free.push(v);
  guard(free.length);
  // need[s] = p_s · σ(N(s) ∖ removed); s is covered when q_s · inside[s] ≥ need[s]
  const need = new Array<bigint>(g.m);
  const inside = new Array<bigint>(g.m).fill(0n);
  const counts = new Array<boolean>(g.m);
  const cov = new Uint8Array(g.m);
  let profit = 0n;
  let covered = 0;
  for (let s = 0; s < g.m; s++) {
    let rest = 0n;
    for (const v of g.nbr[s]!) if (!removed?.[v]) rest += g.stake[v]!;
    need[s] = g.thrNum[s]! * rest;
    counts[s] = g.profit[s]! > 0n && (active === undefined || active[s] === 1);
    if (need[s] === 0n) {
      cov[s] = 1;
      if (counts[s]) {
        profit += g.profit[s]!;
        covered++;
      }
    }
  }
  const inB = new Uint8Array(g.n);
  let cost = 0n;
  const snapshot = () => free.filter((v) => inB[v]);
  visit(profit, cost, covered, snapshot);
  const total = 2 ** free.length;
  for (let k = 1; k < total; k++) {
    // the bit that flips between Gray codes k−1 and k is the lowest set bit of k
    const bit = 31 - Math.clz32(k & -k);
    const v = free[bit]!;
    const sign = inB[v] ? -1n : 1n;
    inB[v] = inB[v] ? 0 : 1;
    const w = g.stake[v]!;
    cost += sign * w;
    for (const s of g.svcOf[v]!) {
      inside[s] = inside[s]! + sign * w;
      const now = g.thrDen[s]! * inside[s]! >= need[s]! ? 1 : 0;
      if (now !== cov[s]) {
        cov[s] = now;
        if (counts[s]) {
          profit += now ? g.profit[s]! : -g.profit[s]!;
          covered += now ? 1 : -1;
        }
      }
    }
    visit(profit, cost, covered, snapshot);
  }
}

export interface BruteSecurity {
  /** the coalition maximising π_A − σ_B (null when no service has π > 0) */
  maxGain: Coalition | null;
  /** the coalition minimising σ_B/π_A, which defines γ* = σ_B/π_A − 1 (null when no service has π > 0) */
  minRatio: Coalition | null;
}

/** Exact security and γ*: over every B, A = cov(B). Insecure iff maxGain has π_A > σ_B. */
export function bruteSecurity(g: IntGraph, removed?: Uint8Array, active?: Uint8Array): BruteSecurity {
  let bestGain: { gain: bigint; c: number[] } | null = null;
  let bestRatio: { p: bigint; c: bigint; vs: number[] } | null = null;
  enumerate(g, removed, active, (profit, cost, covered, snapshot) => {
    if (covered === 0) return;
    const gain = profit - cost;
    if (bestGain === null || gain > bestGain.gain) bestGain = { gain, c: snapshot() };
    // cost/profit < best.c/best.p
    if (bestRatio === null || cost * bestRatio.p < bestRatio.c * profit) {
      bestRatio = { p: profit, c: cost, vs: snapshot() };
    }
  });
  const g1 = bestGain as { gain: bigint; c: number[] } | null;
  const r1 = bestRatio as { p: bigint; c: bigint; vs: number[] } | null;
  return {
    maxGain: g1 === null ? null : coalitionOf(g, g1.c, removed, active),
    minRatio: r1 === null ? null : coalitionOf(g, r1.vs, removed, active),
  };
}

export type StepPolicy = "max-loss" | "max-profit";

/**
 * The best valid attack (π_A > σ_B, A ≠ ∅) on G↓removed with A ⊆ active: the largest σ_B ("max-loss", ties to the
 * larger profit margin) or the largest π_A − σ_B ("max-profit", ties to the larger σ_B). Null when none exists.
 */
export function bruteBestAttack(
  g: IntGraph,
  policy: StepPolicy,
  removed?: Uint8Array,
  active?: Uint8Array,
): Coalition | null {
  let best: { loss: bigint; gain: bigint; vs: number[] } | null = null;
  enumerate(g, removed, active, (profit, cost, covered, snapshot) => {
    if (covered === 0 || profit <= cost) return;
    const gain = profit - cost;
    const b = best as { loss: bigint; gain: bigint; vs: number[] } | null;
    const better =
      b === null ||
      (policy === "max-loss"
        ? cost > b.loss || (cost === b.loss && gain > b.gain)
        : gain > b.gain || (gain === b.gain && cost > b.loss));
    if (better) best = { loss: cost, gain, vs: snapshot() };
  });
  const b = best as { loss: bigint; gain: bigint; vs: number[] } | null;
  return b === null ? null : coalitionOf(g, b.vs, removed, active);
}

export interface BruteLoss {
  /** σ(D ∪ B) in scaled units; R_ψ = loss / σ_V */
  loss: bigint;
  shock: number[];
  /** the valid attack on G↓D that follows the shock (null when the shock alone is the worst case) */
  attack: Coalition | null;
}

/**
 * Worst-case loss R_ψ by enumeration of every shock D with σ_D ≤ ψ·σ_V (ψ = psiNum/psiDen) and every B ⊆ V ∖ D:
 * by Corollary 1 the best cascade after D is a single valid attack, so R_ψ = max σ(D ∪ B)/σ_V over valid (A, B) on
 * G↓D, or σ_D/σ_V when no attack is possible. 3^n work.
 */
export function bruteLoss(g: IntGraph, psiNum: bigint, psiDen: bigint): BruteLoss {
  guard(g.n, 18);
  let best: BruteLoss = { loss: 0n, shock: [], attack: null };
  let bestKey: { loss: bigint; gain: bigint; shock: number[]; vs: number[] | null } = {
    loss: 0n,
    gain: -1n,
    shock: [],
    vs: null,
  };
  const removed = new Uint8Array(g.n);
  const budget = psiNum * g.total; // σ_D · psiDen ≤ budget
  const recurse = (i: number, shockStake: bigint) => {
    if (i === g.n) {
      const shock: number[] = [];
      for (let v = 0; v < g.n; v++) if (removed[v]) shock.push(v);
      // the shock alone
      if (shockStake > bestKey.loss) bestKey = { loss: shockStake, gain: -1n, shock, vs: null };
      enumerate(g, removed, undefined, (profit, cost, covered, snapshot) => {
        if (covered === 0 || profit <= cost) return;
        const loss = shockStake + cost;
        const gain = profit - cost;
        if (loss > bestKey.loss || (loss === bestKey.loss && bestKey.vs !== null && gain > bestKey.gain)) {
          bestKey = { loss, gain, shock, vs: snapshot() };
        }
      });
      return;
    }
    recurse(i + 1, shockStake);
    const next = shockStake + g.stake[i]!;
    if (next * psiDen <= budget) {
      removed[i] = 1;
      recurse(i + 1, next);
      removed[i] = 0;
    }
  };
  recurse(0, 0n);
  const rem = new Uint8Array(g.n);
  for (const v of bestKey.shock) rem[v] = 1;
  best = {
    loss: bestKey.loss,
    shock: bestKey.shock,
    attack: bestKey.vs === null ? null : coalitionOf(g, bestKey.vs, rem),
  };
  return best;
}
