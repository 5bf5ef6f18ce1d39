import { eigenNeutralView } from "../../core/eigenlayer/neutral.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import { livePrice } from "../../lrt/valuation.ts";
import { graphFromNeutral, type RiskParams } from "../../risk/neutral.ts";
import { Rational } from "../../risk/rational.ts";
import { analyzeSecurity } from "../../risk/security.ts";
import type { SimNetwork } from "../network/types.ts";
import type { SecuritySummary } from "./types.ts";

/**
 * Graph security of the network now (src/risk): γ* and Claim 1 under the unique-stake model, over the operator sets'
 * allocated stake valued in ETH. The profit from corrupting an AVS is not on chain; the run assumes each AVS's
 * profit is `profitShare` of the stake allocated to it at the start and its threshold ½, so "before" and "after"
 * compare the same services against the stake that is left. Big networks get a time budget; past it the risk
 * engine reports proven bounds and says so in `method`.
 */
export interface SecurityOptions {
  profitShare: number;
  threshold: Rational;
  timeLimitMs: number;
  /** fixed profits per AVS (from the "before" run), so "after" uses the same ones */
  profits?: Map<string, Rational>;
}

export async function securityNow(
  net: SimNetwork,
  opts: SecurityOptions,
): Promise<{ summary: SecuritySummary; profits: Map<string, Rational> }> {
  const s = net.chain.world.eigen;
  const view = eigenNeutralView(s, net.chain.block);
  const lw = { eigen: s, lrt: net.chain.world.lrt };
  const prices = new Map<string, Rational>();
  for (const e of view.exposures) {
    const key = e.asset.toLowerCase();
    if (!prices.has(key)) prices.set(key, Rational.of(livePrice(lw, e.asset as Address), 10n ** 18n));
  }
  let profits = opts.profits;
  if (profits === undefined) {
    profits = new Map();
    const share = Rational.fromNumber(opts.profitShare);
    const stake = new Map<string, Rational>();
    for (const e of view.exposures) {
      const v = Rational.of(e.assetAmount).mul(prices.get(e.asset.toLowerCase()) ?? Rational.ONE);
      stake.set(e.service.toLowerCase(), (stake.get(e.service.toLowerCase()) ?? Rational.ZERO).add(v));
    }
    for (const [svc, v] of stake) profits.set(svc, v.mul(share));
  }
  const params: RiskParams = { services: new Map(), prices };
  for (const [svc, p] of profits) params.services.set(svc, { profit: p, threshold: opts.threshold });
  const { graph } = graphFromNeutral(view, params);
  // an AVS that still has a profit but no stake left is not in the graph at all: nothing secures it, so the network
  // is insecure whatever the graph says (an attack costs nothing)
  const staked = new Set(view.exposures.filter((e) => e.assetAmount > 0n).map((e) => e.service.toLowerCase()));
  const bare = [...profits.entries()].filter(([svc, p]) => p.sign() > 0 && !staked.has(svc)).map(([svc]) => svc);
  if (bare.length > 0) {
    return {
      summary: {
        gammaStar: "-1",
        secure: false,
        claim1: false,
        method: `${bare.length} AVS(s) with a profit and no stake left`,
      },
      profits,
    };
  }
  if (graph.services.length === 0 || graph.validators.length === 0) {
    return { summary: { gammaStar: null, secure: null, claim1: null, method: "no allocated stake" }, profits };
  }
  const r = await analyzeSecurity(graph, { model: "unique", timeLimitMs: opts.timeLimitMs, robustness: false });
  const gamma = r.slack === null ? null : (Rational.parse(r.slack)?.toDecimal(6) ?? r.slack);
  return {
    summary: {
      gammaStar: gamma,
      secure: r.secure,
      claim1: r.claim1.holds,
      method: `${r.method}${r.slackExact ? "" : " (γ* is a bound)"}`,
    },
    profits,
  };
}
