import type { StepPolicy } from "./brute.ts";
import { type CascadeResult, simulateCascade } from "./cascade.ts";
import { type Coalition, claim1, ratioOf } from "./coalition.ts";
import { type Method, maxGain, minRatio, pickMethod, relaxedRatioBound, type SearchBudget, worstLoss } from "./dr.ts";
import { analyzeElastic, type ElasticAttack, elasticCondition, robustness } from "./elastic.ts";
import { hasAllocations, type IntGraph, type RestakingGraph, splitUnique, toIntGraph } from "./graph.ts";
import { Rational } from "./rational.ts";

/**
 * `restake risk security`: one report per graph and model.
 *
 * Models:
 *  - "dr": Durvasula–Roughgarden pooled restaking — each validator's whole stake counts toward every service it
 *    serves, validators are indivisible (allocations, if any, are ignored);
 *  - "elastic": Bar-Zur–Eyal — allocations may sum past the stake, a validator's loss is capped at its stake, and
 *    attack stake is divisible;
 *  - "unique": EigenLayer unique stake — each allocation is slashable by its own operator set only, so each service
 *    is isolated (D&R on the graph split per allocation).
 *
 * For dr and unique: Claim 1 (exact, O(|E|)); exact security (is there (A, B) with π_A > σ_B?); the coalition
 * minimising σ_B/π_A, which gives the maximal slack γ* = min σ_B/π_A − 1; Corollary 2 for a given γ; with ψ, the
 * worst-case loss R_ψ with its shock and attack, and a step cascade whose union must equal it. For elastic: the
 * maximum attack profit, security, γ*, the elastic sufficient condition and robustness against Byzantine services.
 */

export type RiskModel = "dr" | "elastic" | "unique";

export interface SecurityOptions {
  model?: RiskModel;
  psi?: Rational | null;
  gamma?: Rational | null;
  method?: Method;
  /** total wall-clock budget; the numeric solver stops there and bounds are reported (default 60 s) */
  timeLimitMs?: number;
  cascadePolicy?: StepPolicy;
  /** elastic: search Byzantine sets for ρ (default true) */
  robustness?: boolean;
  maxByzantineSets?: number;
}

export interface AttackJson {
  services: string[];
  validators: string[];
  /** π_A */
  profit: string;
  /** σ_B */
  cost: string;
  /** π_A − σ_B: positive ⇔ the attack is valid (profitable) */
  net: string;
  /** σ_B / π_A (null when π_A = 0) */
  ratio: string | null;
}

export interface CascadeJson {
  policy: StepPolicy;
  steps: { services: string[]; validators: string[]; profit: string; cost: string }[];
  union: { services: string[]; validators: string[]; profit: string; cost: string };
  /** σ(D ∪ ⋃B_t)/σ_V */
  value: string;
  unionValid: boolean;
  /** the cascade's total loss equals the one-shot R_ψ (always true for max-loss when both are exact) */
  matchesOneShot: boolean;
}

export interface LossJson {
  psi: string;
  /** R_ψ = σ(D ∪ B)/σ_V */
  value: string;
  shock: string[];
  attack: AttackJson | null;
  exact: boolean;
  /** when not exact: the solver's proven upper bound on R_ψ (a decimal, numeric) */
  upperBound: string | null;
  /** Theorem 1: R_ψ < (1 + 1/γ)ψ for the proven slack γ > 0 (null when γ* ≤ 0 or unknown) */
  theorem1Bound: string | null;
  cascade: CascadeJson | null;
}

export interface ElasticJson {
  maxProfit: string | null;
  attack: ElasticAttackJson | null;
  secure: boolean;
  slack: string | null;
  exact: boolean;
  condition: { holds: boolean; violators: string[]; services: string[] };
  robustness: {
    rho: string | null;
    byzantine: string[] | null;
    attack: ElasticAttackJson | null;
    checked: number;
    complete: boolean;
    lower: string | null;
  } | null;
}

export interface ElasticAttackJson {
  services: string[];
  capped: string[];
  stakes: { service: string; validator: string; amount: string }[];
  profit: string;
  cost: string;
  net: string;
}

export interface SecurityReport {
  model: RiskModel;
  validators: number;
  services: number;
  totalStake: string;
  /** null only when the time limit ran out before security was decided */
  secure: boolean | null;
  /** γ* (null: unbounded — no service has a profit) */
  slack: string | null;
  slackExact: boolean;
  /** when not exact, a proven lower bound on γ* (null if none) */
  slackLower: string | null;
  worstAttack: AttackJson | null;
  claim1: { holds: boolean; violators: string[]; maxLoad: string | null; maxGamma: string | null; unstaked: string[] };
  corollary2?: { gamma: string; holds: boolean; violators: string[] };
  loss?: LossJson | null;
  elastic?: ElasticJson;
  /** how `secure` was established: claim1, exhaustive, mincut, milp, attack (a verified profitable attack) */
  certificate: string;
  method: string;
  timeMs: number;
  notes: string[];
}

const str = (x: Rational | null | undefined): string | null => (x === null || x === undefined ? null : x.toString());

function attackJson(c: Coalition | null, ig: IntGraph, vid: (i: number) => string, sid: (j: number) => string) {
  if (c === null) return null;
  const u = (x: bigint) => Rational.of(x, ig.scale);
  return {
    services: c.services.map(sid),
    validators: c.validators.map(vid),
    profit: u(c.profit).toString(),
    cost: u(c.cost).toString(),
    net: u(c.profit - c.cost).toString(),
    ratio: str(ratioOf(c)),
  } satisfies AttackJson;
}

function elasticAttackJson(a: ElasticAttack | null, g: RestakingGraph): ElasticAttackJson | null {
  if (a === null) return null;
  return {
    services: a.services.map((j) => g.services[j]!.id),
    capped: a.capped.map((v) => g.validators[v]!.id),
    stakes: a.stakes.map(([j, v, x]) => ({
      service: g.services[j]!.id,
      validator: g.validators[v]!.id,
      amount: x.toString(),
    })),
    profit: a.profit.toString(),
    cost: a.cost.toString(),
    net: a.net.toString(),
  };
}

export async function analyzeSecurity(graph: RestakingGraph, opts: SecurityOptions = {}): Promise<SecurityReport> {
  const t0 = performance.now();
  const model: RiskModel = opts.model ?? (hasAllocations(graph) ? "elastic" : "dr");
  const limit = opts.timeLimitMs ?? 60_000;
  const method = opts.method ?? "auto";
  const notes: string[] = [];
  const phase = (frac: number): SearchBudget => ({
    method,
    deadline: Math.min(t0 + limit, performance.now() + frac * limit),
  });
  if (model === "elastic") return analyzeElasticReport(graph, opts, t0, limit, notes);
  if (model === "dr" && hasAllocations(graph)) notes.push("dr model: allocations are ignored (whole stake counts)");

  const split = model === "unique" ? splitUnique(graph) : null;
  const g = split?.graph ?? graph;
  const ig = toIntGraph(g);
  const vid = (i: number) => g.validators[i]!.id;
  const sid = (j: number) => g.services[j]!.id;
  const total = Rational.of(ig.total, ig.scale);

  // Claim 1 / Corollary 2 (exact)
  const c1 = claim1(ig);
  const unstakedIds = c1.unstaked.map(sid);
  const claimViolators =
    model === "unique"
      ? [...new Set(c1.violators.map((v) => g.services[ig.svcOf[v]![0]!]!.id))]
      : c1.violators.map(vid);
  const report: SecurityReport = {
    model,
    validators: ig.n,
    services: ig.m,
    totalStake: total.toString(),
    secure: null,
    slack: null,
    slackExact: true,
    slackLower: null,
    worstAttack: null,
    claim1: {
      holds: c1.holds,
      violators: claimViolators,
      maxLoad: c1.maxLoad.toString(),
      maxGamma: str(c1.maxGamma),
      unstaked: unstakedIds,
    },
    certificate: "",
    method: pickMethod(ig, method),
    timeMs: 0,
    notes,
  };
  if (model === "unique") {
    notes.push(
      'unique model: validators are allocations "<validator>@<service>"; Claim 1 is per service (U_s ≥ π_s/α_s)',
    );
  }
  if (opts.gamma !== undefined && opts.gamma !== null) {
    const c2 = claim1(ig, opts.gamma);
    report.corollary2 = {
      gamma: opts.gamma.toString(),
      holds: c2.holds,
      violators:
        model === "unique"
          ? [...new Set(c2.violators.map((v) => g.services[ig.svcOf[v]![0]!]!.id))]
          : c2.violators.map(vid),
    };
  }

  // exact security: Claim 1 settles it when it holds; otherwise one search at λ = 1, stopping at the first
  // verified profitable coalition
  if (c1.holds) {
    report.secure = true;
    report.certificate = "claim1";
  } else {
    const r = await maxGain(ig, Rational.ONE, phase(0.25), { stopAtPositive: true });
    if (r.gain !== null && r.gain.sign() > 0) {
      report.secure = false;
      report.certificate = "attack";
    } else if (r.optimal) {
      report.secure = true;
      report.certificate = r.method === "brute" ? "exhaustive" : r.method;
    } else {
      report.secure = null;
      report.certificate = "undecided";
      notes.push("time limit reached before security was decided");
    }
  }

  // γ* and the worst coalition
  const lower = c1.maxGamma === null ? null : c1.maxGamma.add(Rational.ONE);
  const mr = await minRatio(ig, phase(opts.psi ? 0.3 : 0.7), lower);
  if (mr.ratio !== null) {
    const slack = mr.ratio.sub(Rational.ONE);
    report.slack = slack.toString();
    report.slackExact = mr.exact;
    report.slackLower = mr.exact ? slack.toString() : str(mr.lower?.sub(Rational.ONE));
    if (!mr.exact && mr.method === "milp") {
      // a numeric lower bound from the relaxation (validators fractional), when it beats Corollary 2's
      // a proven-secure graph has min ratio ≥ 1, which is where the bisection can start
      const floor = report.secure === true ? Rational.ONE : null;
      const from = mr.lower === null ? floor : floor === null ? mr.lower : Rational.max(mr.lower, floor);
      const rb = await relaxedRatioBound(ig, phase(0.15), mr.ratio, from);
      if (rb !== null) {
        const low = rb - 1;
        const cur = mr.lower === null ? null : mr.lower.sub(Rational.ONE).toNumber();
        if (cur === null || low > cur) {
          report.slackLower = low.toPrecision(9);
          notes.push("slackLower is numeric: the relaxation's minimum ratio (validators fractional), minus 1");
        }
      }
    }
    // a proven-secure graph has γ* ≥ 0
    if (!mr.exact && report.secure === true && report.certificate !== "undecided") {
      const low = report.slackLower === null ? null : Rational.parse(report.slackLower);
      if (low === null || low.sign() < 0) report.slackLower = "0";
    }
    report.worstAttack = attackJson(mr.best, ig, vid, sid);
    // a verified coalition with σ_B < π_A settles security whatever the first search said
    if (slack.sign() < 0) {
      if (report.secure !== false) report.certificate = "attack";
      report.secure = false;
    } else if (report.secure === null && mr.exact) {
      report.secure = true;
      report.certificate = mr.method === "brute" ? "exhaustive" : mr.method;
    }
  } else if (report.secure === null) {
    report.secure = true;
  }
  if (ig.m === 0 || ig.profit.every((p) => p === 0n)) notes.push("no service has a profit: nothing to attack");

  // R_ψ, with the cascade
  if (opts.psi !== undefined && opts.psi !== null) {
    const psi = opts.psi;
    const lr = await worstLoss(ig, psi, phase(0.8));
    const frac = (x: bigint) => (ig.total === 0n ? Rational.ZERO : Rational.of(x, ig.total));
    const value = frac(lr.loss);
    const gammaProven = report.slackExact ? (report.slack === null ? null : Rational.parse(report.slack)) : null;
    const gammaLow = gammaProven ?? (report.slackLower === null ? null : Rational.parse(report.slackLower));
    const theorem1 = gammaLow !== null && gammaLow.sign() > 0 ? Rational.ONE.add(gammaLow.inv()).mul(psi) : null;
    const upper = lr.upper === null ? null : theorem1 === null ? lr.upper : Math.min(lr.upper, theorem1.toNumber());
    const loss: LossJson = {
      psi: psi.toString(),
      value: value.toString(),
      shock: lr.shock.map(vid),
      attack: attackJson(lr.attack, ig, vid, sid),
      exact: lr.exact,
      upperBound: upper === null ? null : upper.toPrecision(12),
      theorem1Bound: theorem1 === null ? null : theorem1.toString(),
      cascade: null,
    };
    // when no shock within ψ can enable an attack (proven), the cascade after the shock is empty
    const cr = lr.noAttack
      ? emptyCascade(ig, lr.shock, opts.cascadePolicy ?? "max-loss")
      : await simulateCascade(ig, lr.shock, opts.cascadePolicy ?? "max-loss", phase(1));
    const u = (x: bigint) => Rational.of(x, ig.scale).toString();
    loss.cascade = {
      policy: cr.policy,
      steps: cr.steps.map((s) => ({
        services: s.services.map(sid),
        validators: s.validators.map(vid),
        profit: u(s.profit),
        cost: u(s.cost),
      })),
      union: {
        services: cr.union.services.map(sid),
        validators: cr.union.validators.map(vid),
        profit: u(cr.union.profit),
        cost: u(cr.union.cost),
      },
      value: frac(cr.loss).toString(),
      unionValid: cr.unionValid,
      matchesOneShot: cr.loss === lr.loss,
    };
    report.loss = loss;
  }
  report.timeMs = Math.round(performance.now() - t0);
  return report;
}

function emptyCascade(ig: IntGraph, shock: number[], policy: StepPolicy): CascadeResult {
  return {
    policy,
    shock,
    steps: [],
    union: { services: [], validators: [], profit: 0n, cost: 0n },
    loss: shock.reduce((a, v) => a + ig.stake[v]!, 0n),
    unionValid: true,
    exact: true,
  };
}

async function analyzeElasticReport(
  graph: RestakingGraph,
  opts: SecurityOptions,
  t0: number,
  limit: number,
  notes: string[],
): Promise<SecurityReport> {
  const method = opts.method ?? "auto";
  const budget = (frac: number): SearchBudget => ({
    method: method === "mincut" ? "milp" : method,
    deadline: Math.min(t0 + limit, performance.now() + frac * limit),
  });
  const ig = toIntGraph(graph);
  const res = await analyzeElastic(graph, budget(0.6));
  const cond = elasticCondition(graph);
  const rob = opts.robustness === false ? null : await robustness(graph, budget(1), opts.maxByzantineSets);
  const vid = (i: number) => graph.validators[i]!.id;
  const sid = (j: number) => graph.services[j]!.id;
  if (opts.psi) notes.push("elastic model: R_ψ is defined for the dr and unique models only (use --model dr|unique)");
  if (opts.gamma) notes.push("elastic model: Corollary 2 is defined for the dr and unique models only");
  const slackAttack = res.slackAttack;
  const elastic: ElasticJson = {
    maxProfit: str(res.maxProfit),
    attack: elasticAttackJson(res.attack, graph),
    secure: res.secure,
    slack: str(res.slack),
    exact: res.exact,
    condition: { holds: cond.holds, violators: cond.violators.map(vid), services: cond.services.map(sid) },
    robustness:
      rob === null
        ? null
        : {
            rho: str(rob.rho),
            byzantine: rob.byzantine?.map(sid) ?? null,
            attack: elasticAttackJson(rob.attack, graph),
            checked: rob.checked,
            complete: rob.complete,
            lower: str(rob.lower),
          },
  };
  return {
    model: "elastic",
    validators: ig.n,
    services: ig.m,
    totalStake: Rational.of(ig.total, ig.scale).toString(),
    secure: res.secure,
    slack: str(res.slack),
    slackExact: res.exact,
    slackLower: res.exact ? str(res.slack) : null,
    worstAttack:
      slackAttack === null
        ? null
        : {
            services: slackAttack.services.map(sid),
            validators: [...new Set(slackAttack.stakes.map(([, v]) => v))].sort((a, b) => a - b).map(vid),
            profit: slackAttack.profit.toString(),
            cost: slackAttack.cost.toString(),
            net: slackAttack.net.toString(),
            ratio: slackAttack.profit.isZero() ? null : slackAttack.cost.div(slackAttack.profit).toString(),
          },
    claim1: {
      holds: cond.holds,
      violators: cond.violators.map(vid),
      maxLoad: null,
      maxGamma: null,
      unstaked: cond.services.map(sid),
    },
    loss: opts.psi ? null : undefined,
    elastic,
    certificate: cond.holds
      ? "elastic-condition"
      : !res.secure
        ? "attack"
        : res.method === "brute"
          ? "exhaustive"
          : "milp",
    method: res.method,
    timeMs: Math.round(performance.now() - t0),
    notes,
  };
}
