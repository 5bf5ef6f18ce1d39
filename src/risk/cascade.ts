import type { StepPolicy } from "./brute.ts";
import { type Coalition, isCoalition } from "./coalition.ts";
import { bestAttack, type SearchBudget } from "./dr.ts";
import type { IntGraph } from "./graph.ts";

/**
 * Step-by-step cascade after a shock D (Durvasula–Roughgarden §2): at step t the attackers take a valid attack
 * (A_t, B_t) on G↓(D ∪ B_1 ∪ … ∪ B_{t−1}), among services not yet corrupted; B_t is slashed; repeat until no valid
 * attack is left. A service whose neighbours are all gone can be taken by B = ∅ (no extra loss): such a step is
 * recorded once, and since every step corrupts at least one new service the simulation ends after ≤ |S| steps.
 *
 * Policies:
 *  - "max-loss": each step is the valid attack with the largest σ_B. Its first step already attains the one-shot
 *    worst case for D (by Corollary 1 the union of any cascade is one valid attack on G↓D), so the union of the
 *    steps equals the one-shot answer; later steps can only be free collapses.
 *  - "max-profit": myopic attackers take the most profitable attack (largest π_A − σ_B) each step. The union is
 *    still a valid attack on G↓D (Corollary 1), so its loss never exceeds the one-shot answer.
 */

export interface CascadeStep {
  services: number[];
  validators: number[];
  profit: bigint;
  cost: bigint;
}

export interface CascadeResult {
  policy: StepPolicy;
  shock: number[];
  steps: CascadeStep[];
  /** ⋃A_t and ⋃B_t */
  union: { services: number[]; validators: number[]; profit: bigint; cost: bigint };
  /** σ(D ∪ ⋃B_t) in scaled units */
  loss: bigint;
  /** (⋃A, ⋃B) is a valid attack on G↓D (Corollary 1), checked exactly; true when there are no steps */
  unionValid: boolean;
  /** every step was found by an exact method or a proven solve */
  exact: boolean;
}

export async function simulateCascade(
  g: IntGraph,
  shock: readonly number[],
  policy: StepPolicy,
  budget: SearchBudget,
): Promise<CascadeResult> {
  const removed = new Uint8Array(g.n);
  for (const v of shock) removed[v] = 1;
  const shockMask = removed.slice();
  const active = new Uint8Array(g.m);
  for (let s = 0; s < g.m; s++) active[s] = g.profit[s]! > 0n ? 1 : 0;
  const steps: CascadeStep[] = [];
  let exact = true;
  for (let t = 0; t < g.m; t++) {
    const r = await bestAttack(g, policy, budget, removed, active);
    exact &&= r.exact;
    const a: Coalition | null = r.attack;
    if (a === null || a.services.length === 0) break;
    steps.push({ services: a.services, validators: a.validators, profit: a.profit, cost: a.cost });
    for (const s of a.services) active[s] = 0;
    for (const v of a.validators) removed[v] = 1;
  }
  const services = steps.flatMap((s) => s.services).sort((a, b) => a - b);
  const validators = steps.flatMap((s) => s.validators).sort((a, b) => a - b);
  const profit = steps.reduce((a, s) => a + s.profit, 0n);
  const cost = steps.reduce((a, s) => a + s.cost, 0n);
  const shockStake = shock.reduce((a, v) => a + g.stake[v]!, 0n);
  return {
    policy,
    shock: [...shock].sort((a, b) => a - b),
    steps,
    union: { services, validators, profit, cost },
    loss: shockStake + cost,
    unionValid: steps.length === 0 || (isCoalition(g, services, validators, shockMask) && profit > cost),
    exact,
  };
}
