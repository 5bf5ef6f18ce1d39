import type { Highs, InitOptions } from "highs";

/**
 * A thin wrapper around HiGHS (compiled to WebAssembly, npm package `highs`; the .wasm ships inside the package, so
 * it works offline after `npm ci`). It is loaded on first use only. HiGHS works in doubles: whatever it returns is
 * a *candidate*, and callers re-verify every candidate exactly (src/risk/coalition.ts) before reporting it.
 *
 * Problems are maximisations over variables with bounds, some integer, and rows lo ≤ a·x ≤ hi.
 */

let loading: Promise<Highs> | null = null;

export function loadSolver(): Promise<Highs> {
  if (loading === null) {
    // The package resolves to its ES module build at run time; its typings describe the CommonJS one, hence the cast.
    loading = import("highs").then((m) => {
      const load = ((m as { default: unknown }).default ?? m) as (o?: InitOptions) => Promise<Highs>;
      return load({ print: () => {}, printErr: () => {} } as InitOptions);
    });
  }
  return loading;
}

export interface MilpProblem {
  numCols: number;
  /** objective coefficients (maximised) */
  cost: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** 1 for integer columns */
  integer: Int32Array;
  /** rows in CSR form */
  starts: number[];
  index: number[];
  value: number[];
  rowLower: number[];
  rowUpper: number[];
}

/** Incremental CSR builder. */
export class ProblemBuilder {
  readonly cost: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly integer: Int32Array;
  private readonly starts: number[] = [0];
  private readonly index: number[] = [];
  private readonly value: number[] = [];
  private readonly rowLower: number[] = [];
  private readonly rowUpper: number[] = [];

  constructor(readonly numCols: number) {
    this.cost = new Float64Array(numCols);
    this.lower = new Float64Array(numCols);
    this.upper = new Float64Array(numCols).fill(1);
    this.integer = new Int32Array(numCols).fill(1);
  }

  /** Adds lo ≤ Σ coef·x[col] ≤ hi; zero coefficients are dropped, duplicate columns are merged. */
  row(cols: readonly number[], coefs: readonly number[], lo: number, hi: number): void {
    const merged = new Map<number, number>();
    cols.forEach((c, k) => {
      merged.set(c, (merged.get(c) ?? 0) + coefs[k]!);
    });
    for (const [c, v] of [...merged].sort((a, b) => a[0] - b[0])) {
      if (v === 0) continue;
      this.index.push(c);
      this.value.push(v);
    }
    this.starts.push(this.index.length);
    this.rowLower.push(lo);
    this.rowUpper.push(hi);
  }

  get numRows(): number {
    return this.rowLower.length;
  }

  build(): MilpProblem {
    return {
      numCols: this.numCols,
      cost: this.cost,
      lower: this.lower,
      upper: this.upper,
      integer: this.integer,
      starts: this.starts,
      index: this.index,
      value: this.value,
      rowLower: this.rowLower,
      rowUpper: this.rowUpper,
    };
  }
}

export type MilpStatus = "optimal" | "infeasible" | "time-limit" | "stopped" | "failed";

export interface MilpResult {
  status: MilpStatus;
  /** the incumbent (null when none was found) */
  x: Float64Array | null;
  /** objective of the incumbent (−∞ when none) */
  objective: number;
  /** proven upper bound on the optimum (the MIP dual bound; +∞ when unknown) */
  bound: number;
  nodes: number;
  ms: number;
}

export interface MilpOptions {
  timeLimitMs: number;
  /** relative gap at which HiGHS may stop (default 0: prove optimality) */
  relGap?: number;
  /** absolute gap (default 1e-9 of the objective scale) */
  absGap?: number;
  /**
   * Called with each improving incumbent; return true to stop the search (e.g. once a candidate has been verified
   * exactly and nothing better is needed).
   */
  onIncumbent?: (x: Float64Array, objective: number) => boolean;
  /** a starting solution to seed the search */
  start?: Float64Array;
  /** further HiGHS options */
  settings?: Record<string, string | number | boolean>;
  /**
   * Stop once the proven upper bound (the dual bound) is ≤ this value: for a yes/no question ("does anything beat
   * T?") a bound below T settles it without proving the optimum.
   */
  boundTarget?: number;
}

/**
 * Settings for the relaxations and the full problems of the risk engine, chosen by measurement on the benchmark's
 * mainnet-scale graphs (BENCHMARKS.md): HiGHS' presolve and reliability (strong) branching cost far more than they
 * save on these 50-row covering problems in the single-threaded WebAssembly build.
 */
export const FAST_SETTINGS = { presolve: "off", mip_pscost_minreliable: 0 } as const;
export const FULL_SETTINGS = { presolve: "off" } as const;

const INF = 1e30;

export async function solveMilp(p: MilpProblem, opts: MilpOptions): Promise<MilpResult> {
  const highs = await loadSolver();
  const t0 = performance.now();
  if (p.numCols === 0) return { status: "optimal", x: new Float64Array(0), objective: 0, bound: 0, nodes: 0, ms: 0 };
  const inf = highs.infinity;
  const fix = (v: number) => (v >= INF ? inf : v <= -INF ? -inf : v);
  const model = highs.createModel({
    numCols: p.numCols,
    numRows: p.rowLower.length,
    sense: highs.constants.objectiveSense.maximize,
    colCost: p.cost,
    colLower: p.lower,
    colUpper: p.upper,
    rowLower: new Float64Array(p.rowLower.map(fix)),
    rowUpper: new Float64Array(p.rowUpper.map(fix)),
    matrix: {
      format: "csr",
      numRows: p.rowLower.length,
      numCols: p.numCols,
      starts: new Int32Array(p.starts),
      indices: new Int32Array(p.index),
      values: new Float64Array(p.value),
    },
    integrality: p.integer,
  });
  try {
    model.options.set({
      output_flag: false,
      time_limit: Math.max(0.01, opts.timeLimitMs / 1000),
      mip_rel_gap: opts.relGap ?? 0,
      mip_abs_gap: opts.absGap ?? 1e-9,
      ...(opts.settings ?? {}),
    });
    if (opts.start !== undefined) model.setSolution({ colValue: opts.start });
    let stop = false;
    let targetBound: number | null = null;
    const cb = highs.constants.callbackType;
    const target = opts.boundTarget;
    const callbacks =
      opts.onIncumbent === undefined && target === undefined
        ? undefined
        : {
            [cb.mipImprovingSolution]: (event: {
              data: { mip_solution?: Float64Array; objective_function_value?: number };
            }) => {
              const sol = event.data.mip_solution;
              if (sol !== undefined && !stop && opts.onIncumbent !== undefined) {
                stop = opts.onIncumbent(sol, event.data.objective_function_value ?? Number.NaN);
              }
            },
            [cb.mipInterrupt]: (event: { interrupt(): void; data: { mip_dual_bound?: number } }) => {
              const bound = event.data.mip_dual_bound;
              if (target !== undefined && bound !== undefined && Number.isFinite(bound) && bound <= target) {
                targetBound = bound;
                stop = true;
              }
              if (stop) event.interrupt();
            },
          };
    model.run(callbacks as never);
    const status = model.getModelStatus();
    const sc = highs.constants.modelStatus;
    const nodes = Number(model.info.get("mip_node_count") ?? 0);
    let x: Float64Array | null = null;
    let objective = Number.NEGATIVE_INFINITY;
    const primal = Number(model.info.get("primal_solution_status") ?? 0);
    if (primal === 2) {
      x = model.getSolution().colValue;
      objective = model.getObjectiveValue();
    }
    const dual = Number(model.info.get("mip_dual_bound"));
    const seen = targetBound as number | null;
    const bound = Number.isFinite(dual)
      ? seen === null
        ? dual
        : Math.min(dual, seen)
      : (seen ?? Number.POSITIVE_INFINITY);
    const ms = performance.now() - t0;
    if (status === sc.optimal) {
      return { status: "optimal", x, objective, bound: Number.isFinite(dual) ? dual : objective, nodes, ms };
    }
    if (status === sc.infeasible) return { status: "infeasible", x: null, objective, bound, nodes, ms };
    if (status === sc.timeLimit) return { status: "time-limit", x, objective, bound, nodes, ms };
    if (status === sc.interrupted) return { status: "stopped", x, objective, bound, nodes, ms };
    return { status: "failed", x, objective, bound, nodes, ms };
  } finally {
    model.dispose();
  }
}

/** Binary columns read back as 0/1 (the solver's integrality tolerance is 1e-6). */
export function chosen(x: Float64Array, from: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (x[from + i]! > 0.5) out.push(i);
  return out;
}
