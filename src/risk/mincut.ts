import type { IntGraph } from "./graph.ts";
import type { Rational } from "./rational.ts";

/**
 * The α ≡ 1 case exactly, by one minimum s–t cut. With α_s = 1 a coalition must hold all of N(s) for every s ∈ A,
 * so the cheapest B for A is N(A) and max_A [λπ_A − σ_N(A)] is a maximum-weight closure (project selection):
 * source → s with capacity λπ_s, s → v with capacity ∞, v → sink with capacity σ_v. The services left on the
 * source side of a minimum cut form an optimal A. Capacities are bigints (λ = p/q scales profits by p and stakes
 * by q), so the answer is exact. Dinic's algorithm, O(V²E) worst case.
 */

class FlowNetwork {
  readonly head: Int32Array;
  private to: number[] = [];
  private cap: bigint[] = [];
  private next: number[] = [];

  constructor(readonly size: number) {
    this.head = new Int32Array(size).fill(-1);
  }

  addEdge(u: number, v: number, c: bigint): void {
    this.to.push(v, u);
    this.cap.push(c, 0n);
    this.next.push(this.head[u]!, this.head[v]!);
    this.head[u] = this.to.length - 2;
    this.head[v] = this.to.length - 1;
  }

  maxflow(s: number, t: number): bigint {
    let flow = 0n;
    const level = new Int32Array(this.size);
    const iter = new Int32Array(this.size);
    const queue = new Int32Array(this.size);
    for (;;) {
      level.fill(-1);
      level[s] = 0;
      let qh = 0;
      let qt = 0;
      queue[qt++] = s;
      while (qh < qt) {
        const u = queue[qh++]!;
        for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
          const v = this.to[e]!;
          if (this.cap[e]! > 0n && level[v]! < 0) {
            level[v] = level[u]! + 1;
            queue[qt++] = v;
          }
        }
      }
      if (level[t]! < 0) return flow;
      iter.set(this.head);
      for (;;) {
        const f = this.augment(s, t, -1n, level, iter);
        if (f === 0n) break;
        flow += f;
      }
    }
  }

  /** One blocking-flow path (iterative DFS); `limit` −1 means unbounded. */
  private augment(s: number, t: number, limit: bigint, level: Int32Array, iter: Int32Array): bigint {
    const pathEdges: number[] = [];
    let u = s;
    for (;;) {
      if (u === t) {
        let f = limit;
        for (const e of pathEdges) if (f < 0n || this.cap[e]! < f) f = this.cap[e]!;
        for (const e of pathEdges) {
          this.cap[e] = this.cap[e]! - f;
          this.cap[e ^ 1] = this.cap[e ^ 1]! + f;
        }
        return f;
      }
      let advanced = false;
      for (let e = iter[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.cap[e]! > 0n && level[v] === level[u]! + 1) {
          iter[u] = e;
          pathEdges.push(e);
          u = v;
          advanced = true;
          break;
        }
      }
      if (!advanced) {
        iter[u] = -1;
        level[u] = -1; // dead end: prune
        if (pathEdges.length === 0) return 0n;
        const e = pathEdges.pop()!;
        u = this.to[e ^ 1]!;
        iter[u] = this.next[iter[u]!]!;
      }
    }
  }

  /** Nodes reachable from s in the residual network (the source side of a minimum cut). */
  reachable(s: number): Uint8Array {
    const seen = new Uint8Array(this.size);
    const stack = [s];
    seen[s] = 1;
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.cap[e]! > 0n && !seen[v]) {
          seen[v] = 1;
          stack.push(v);
        }
      }
    }
    return seen;
  }
}

export function allThresholdsOne(g: IntGraph): boolean {
  return g.thrNum.every((p, s) => p === g.thrDen[s]);
}

/**
 * max over A ⊆ active (π > 0) of λπ_A − σ(N(A) ∖ removed), for α ≡ 1, exactly. Returns the optimal A and its B =
 * N(A) ∖ removed (both ascending; A may be empty when no A has positive gain).
 */
export function maxClosure(
  g: IntGraph,
  lambda: Rational,
  removed?: Uint8Array,
  active?: Uint8Array,
): { services: number[]; validators: number[] } {
  if (lambda.sign() <= 0) return { services: [], validators: [] };
  const S = 0;
  const T = 1;
  const net = new FlowNetwork(2 + g.m + g.n);
  let big = 1n;
  for (let s = 0; s < g.m; s++) big += lambda.n * g.profit[s]!;
  for (let s = 0; s < g.m; s++) {
    if (g.profit[s] === 0n || (active !== undefined && !active[s])) continue;
    net.addEdge(S, 2 + s, lambda.n * g.profit[s]!);
    for (const v of g.nbr[s]!) if (!removed?.[v]) net.addEdge(2 + s, 2 + g.m + v, big);
  }
  for (let v = 0; v < g.n; v++) if (!removed?.[v]) net.addEdge(2 + g.m + v, T, lambda.d * g.stake[v]!);
  net.maxflow(S, T);
  const side = net.reachable(S);
  const services: number[] = [];
  const validators: number[] = [];
  for (let s = 0; s < g.m; s++) if (side[2 + s]) services.push(s);
  for (let v = 0; v < g.n; v++) if (side[2 + g.m + v]) validators.push(v);
  return { services, validators };
}
