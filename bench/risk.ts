import { bruteLoss, bruteSecurity } from "../src/risk/brute.ts";
import { claim1, ratioOf } from "../src/risk/coalition.ts";
import { maxGain, minRatio, relaxedRatioBound, type SearchBudget, worstLoss } from "../src/risk/dr.ts";
import { type IntGraph, type RestakingGraph, toIntGraph } from "../src/risk/graph.ts";
import { loadSolver } from "../src/risk/milp.ts";
import { Rational } from "../src/risk/rational.ts";
import { type Figures, load1, median, now, progress, round } from "./lib.ts";

/**
 * The risk engine on a mainnet-scale restaking graph, next to brute force measured in the same run.
 *
 * Graphs (seeded, deterministic): n operators with Pareto(1.16) stakes (1 ETH minimum, 1.5M cap, to the wei: a few
 * operators hold most of the stake); m AVSs of Zipf-like popularity (weight 1/(j+1)^0.8); each operator serves 1–15
 * of them, drawn by popularity; thresholds ⅓, ½ or ⅔; each AVS's profit from corruption π_s = α_s σ_N(s)/r with r
 * log-uniform — every AVS on its own is r× overcollateralised, the pooled overlap is what can make it unsafe:
 *  - "mainnet": r ∈ [4, 40]. Claim 1 fails for a quarter of the operators, yet the graph is secure: the exact check
 *    must prove it (no coalition with π_A > σ_B among 2^2050 choices).
 *  - "stressed": r ∈ [1.5, 6]: insecure; the check must find and verify an attack.
 *
 * Figures:
 *  - mainnet_*: Claim 1, the exact security check (Claim 1, then the MILP in stages, stopping at a verified attack;
 *    cold = the first solve in the process, then the median of two warm repeats),
 *    R_ψ at ψ = 1 % within a 10 s budget (exact, or the verified lower bound and the proven upper bound), and γ*
 *    within 10 s (the best coalition's ratio and the relaxation's proven lower bound);
 *  - stressed_*: the same check and R_ψ on the insecure graph;
 *  - brute_*: the largest graph (m = 50, the same generator) that brute force decides within 10 s — n grows until
 *    the next size is predicted (×2 per validator for security, ×3 for R_ψ) to pass 10 s — and the engine (MILP
 *    forced) on that very graph. Both must agree exactly.
 */

export const name = "risk";
export const description =
  "exact security check and R_ψ on a 2,000-operator × 50-AVS graph, vs brute force on the largest graph it decides in 10 s";

const BRUTE_LIMIT_MS = 10_000;
const GOAL_MS = 10_000;

/** xorshift32: the graphs must not depend on Math.random. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function mainnetGraph(seed: number, n: number, m: number, rLo: number, rHi: number): RestakingGraph {
  const rnd = rng(seed);
  const WEI = 10n ** 18n;
  const stakes = Array.from({ length: n }, () => {
    const eth = Math.min(1.5e6, (1 - rnd()) ** (-1 / 1.16));
    return BigInt(Math.floor(eth * 1e6)) * (WEI / 1_000_000n) + BigInt(Math.floor(rnd() * 1e6));
  });
  const pop = Array.from({ length: m }, (_, j) => 1 / (j + 1) ** 0.8);
  const popSum = pop.reduce((a, b) => a + b, 0);
  const nbr: number[][] = Array.from({ length: m }, () => []);
  for (let v = 0; v < n; v++) {
    const deg = Math.min(m, 1 + Math.floor(rnd() * 15));
    const chosen = new Set<number>();
    while (chosen.size < deg) {
      let x = rnd() * popSum;
      let j = 0;
      while (j < m - 1 && x > pop[j]!) {
        x -= pop[j]!;
        j++;
      }
      chosen.add(j);
    }
    for (const j of chosen) nbr[j]!.push(v);
  }
  const TH = [Rational.of(1, 3), Rational.of(1, 2), Rational.of(2, 3)];
  return {
    validators: stakes.map((w, i) => ({ id: `op${i}`, stake: Rational.of(w) })),
    services: nbr.map((vs, j) => {
      vs.sort((a, b) => a - b);
      const alpha = TH[Math.floor(rnd() * 3)]!;
      const sn = vs.reduce((a, v) => a + stakes[v]!, 0n);
      const ratio = rLo * (rHi / rLo) ** rnd();
      const profit = (alpha.n * sn * 1000n) / (alpha.d * BigInt(Math.round(ratio * 1000)));
      return { id: `avs${j}`, profit: Rational.of(profit), threshold: alpha, validators: vs };
    }),
  };
}

const ms = (t0: number) => round((now() - t0) / 1e6, 4);
const budget = (limitMs: number): SearchBudget => ({ method: "milp", deadline: performance.now() + limitMs });
const frac = (x: Rational, digits = 6) => Number(x.toNumber().toPrecision(digits));

/** The exact security check as `restake risk security` runs it: Claim 1, then the staged MILP. */
async function securityCheck(g: IntGraph, limitMs: number) {
  const t0 = now();
  const c = claim1(g);
  const claimMs = ms(t0);
  if (c.holds) return { secure: true as boolean | null, certificate: "claim1", ms: ms(t0), claimMs, violators: 0 };
  const r = await maxGain(g, Rational.ONE, budget(limitMs), { stopAtPositive: true });
  const secure = r.gain !== null && r.gain.sign() > 0 ? false : r.optimal ? true : null;
  return {
    secure,
    certificate: secure === false ? "attack" : secure ? "milp" : "undecided",
    ms: ms(t0),
    claimMs,
    violators: c.violators.length,
  };
}

async function lossWithin(g: IntGraph, psi: Rational, limitMs: number, gammaLow: number | null) {
  const t0 = now();
  const r = await worstLoss(g, psi, budget(limitMs));
  const value = Rational.of(r.loss, g.total);
  const theorem1 = gammaLow !== null && gammaLow > 0 ? (1 + 1 / gammaLow) * psi.toNumber() : null;
  const upper = r.exact ? value.toNumber() : Math.min(r.upper ?? 1, theorem1 ?? 1);
  return { ms: ms(t0), value: frac(value), exact: r.exact, upper: Number(upper.toPrecision(6)), noAttack: r.noAttack };
}

export async function run(): Promise<Figures> {
  const f: Figures = { load_1m_start: load1() };
  let t0 = now();
  await loadSolver();
  f.solver_load_ms = ms(t0);
  const psi = Rational.of(1, 100);

  /* ---------------------------------------------------------------- mainnet scale */
  const main = mainnetGraph(1, 2000, 50, 4, 40);
  t0 = now();
  const g = toIntGraph(main);
  f.mainnet_build_ms = ms(t0);
  f.mainnet_edges = g.nbr.reduce((a, x) => a + x.length, 0);
  const top = [...g.stake].sort((a, b) => (b > a ? 1 : -1));
  f.mainnet_top10_share = frac(
    Rational.of(
      top.slice(0, 10).reduce((a, b) => a + b, 0n),
      g.total,
    ),
    3,
  );
  progress("mainnet: the exact security check (cold: the process's first solve, as a CLI run sees it)");
  const sec = await securityCheck(g, 120_000);
  f.mainnet_claim1_ms = sec.claimMs;
  f.mainnet_claim1_violators = sec.violators;
  f.mainnet_secure = String(sec.secure);
  f.mainnet_certificate = sec.certificate;
  f.mainnet_security_cold_ms = sec.ms;
  progress("mainnet: the exact security check, warm (2 repeats)");
  const warm: number[] = [];
  for (let i = 0; i < 2; i++) {
    const again = await securityCheck(g, 120_000);
    if (again.secure !== sec.secure) throw new Error("the security check is not deterministic");
    warm.push(again.ms);
  }
  f.mainnet_security_ms = median(warm);
  progress("mainnet: γ* within 10 s");
  t0 = now();
  const mr = await minRatio(g, budget(GOAL_MS / 2), null);
  // proven secure ⇒ min ratio ≥ 1: the relaxation's bisection starts there
  const from = sec.secure === true ? Rational.ONE : null;
  const rb = mr.ratio === null ? null : await relaxedRatioBound(g, budget(GOAL_MS / 2), mr.ratio, from);
  f.mainnet_slack_ms = ms(t0);
  f.mainnet_slack_exact = String(mr.exact);
  f.mainnet_slack_upper = mr.ratio === null ? "∞" : frac(mr.ratio.sub(Rational.ONE));
  // proven secure ⇒ γ* ≥ 0, whatever the relaxation adds
  const floor = sec.secure === true ? 0 : null;
  const gammaLow =
    mr.exact && mr.ratio ? mr.ratio.sub(Rational.ONE).toNumber() : rb === null ? floor : Math.max(rb - 1, floor ?? -1);
  f.mainnet_slack_lower = gammaLow === null ? "none" : round(gammaLow, 6);
  progress("mainnet: R_ψ (ψ = 1 %) within 10 s");
  const l10 = await lossWithin(g, psi, GOAL_MS, gammaLow);
  f.mainnet_loss_ms = l10.ms;
  f.mainnet_loss_exact = String(l10.exact);
  f.mainnet_loss_value = l10.value;
  f.mainnet_loss_upper = l10.upper;
  progress("mainnet: R_ψ (ψ = 1 %) within 60 s");
  const l60 = await lossWithin(g, psi, 60_000, gammaLow);
  f.mainnet_loss60_ms = l60.ms;
  f.mainnet_loss60_exact = String(l60.exact);
  f.mainnet_loss60_no_attack = String(l60.noAttack);
  f.mainnet_loss60_value = l60.value;
  f.mainnet_loss60_upper = l60.upper;

  /* ---------------------------------------------------------------- stressed (insecure) */
  progress("stressed: the exact security check and R_ψ");
  const gs = toIntGraph(mainnetGraph(2, 2000, 50, 1.5, 6));
  const ss = await securityCheck(gs, 60_000);
  f.stressed_secure = String(ss.secure);
  f.stressed_security_ms = ss.ms;
  const ls = await lossWithin(gs, psi, GOAL_MS, null);
  f.stressed_loss_ms = ls.ms;
  f.stressed_loss_exact = String(ls.exact);
  f.stressed_loss_value = ls.value;

  /* ---------------------------------------------------------------- brute force: the largest graph it decides in 10 s */
  progress("brute force: security (2^n coalitions)");
  let last: { n: number; ms: number; g: IntGraph } | null = null;
  for (let n = 12; n <= 26; n++) {
    const gb = toIntGraph(mainnetGraph(100 + n, n, 50, 4, 40));
    const t = now();
    bruteSecurity(gb);
    const took = ms(t);
    progress(`  n = ${n}: ${took} ms`);
    if (took > BRUTE_LIMIT_MS) break;
    last = { n, ms: took, g: gb };
    if (took * 2 > BRUTE_LIMIT_MS) break;
  }
  if (last !== null) {
    const b = bruteSecurity(last.g);
    f.brute_security_n = last.n;
    f.brute_security_ms = last.ms;
    t0 = now();
    const s = await securityCheck(last.g, 60_000);
    const r = await minRatio(last.g, budget(60_000), null);
    f.engine_security_ms_same_graph = ms(t0);
    const bruteSecure = b.maxGain === null || b.maxGain.profit <= b.maxGain.cost;
    const bruteRatio = b.minRatio === null ? null : ratioOf(b.minRatio);
    const agree =
      s.secure === bruteSecure && r.exact && (bruteRatio === null ? r.ratio === null : r.ratio?.eq(bruteRatio));
    if (!agree) throw new Error(`engine and brute force disagree at n = ${last.n}`);
    f.brute_security_agree = "verdict and γ* exact";
    f.brute_security_slack = bruteRatio === null ? "∞" : frac(bruteRatio.sub(Rational.ONE));
  }
  progress("brute force: R_ψ (3^n shock/attack pairs)");
  let lastL: { n: number; ms: number; g: IntGraph } | null = null;
  for (let n = 8; n <= 18; n++) {
    const gb = toIntGraph(mainnetGraph(200 + n, n, 50, 4, 40));
    const t = now();
    bruteLoss(gb, psi.n * 10n, psi.d); // ψ = 10 %: room for several shocked validators
    const took = ms(t);
    progress(`  n = ${n}: ${took} ms`);
    if (took > BRUTE_LIMIT_MS) break;
    lastL = { n, ms: took, g: gb };
    if (took * 3 > BRUTE_LIMIT_MS) break;
  }
  if (lastL !== null) {
    const psi10 = Rational.of(1, 10);
    const b = bruteLoss(lastL.g, psi10.n, psi10.d);
    f.brute_loss_n = lastL.n;
    f.brute_loss_ms = lastL.ms;
    t0 = now();
    const r = await worstLoss(lastL.g, psi10, budget(60_000));
    f.engine_loss_ms_same_graph = ms(t0);
    if (!(r.exact && r.loss === b.loss)) throw new Error(`engine and brute force disagree on R_ψ at n = ${lastL.n}`);
    f.brute_loss_agree = "R_0.1 exact";
    f.brute_loss_value = frac(Rational.of(b.loss, lastL.g.total));
  }
  f.load_1m_end = load1();
  return f;
}
