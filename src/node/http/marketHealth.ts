import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as aave from "../../markets/aave.ts";
import { unit, WAD } from "../../markets/math.ts";
import * as morpho from "../../markets/morpho.ts";
import { price } from "../../markets/oracles.ts";
import type { MarketState } from "../../markets/state.ts";
import type { Address, MarketContext } from "../../markets/types.ts";
import type { Ledger } from "../ledger.ts";
import { lrtRates } from "../world.ts";
import { errors, json } from "./openapi.ts";
import { sendJson } from "./respond.ts";
import { AddressOut, Amount } from "./schemas.ts";

/**
 *   GET /api/markets/health   every borrowing position (Aave-style pool and Morpho markets) with its health factor,
 *                             collateral and debt in the base currency, and the distribution of health factors in
 *                             fixed bands, weighted by count and by debt
 * Health factors are WAD (1e18 = 1: liquidatable below it); base-currency values have 8 decimals (the oracles' unit).
 */

/** Band edges, WAD: [0, 1), [1, 1.05), [1.05, 1.1), [1.1, 1.25), [1.25, 1.5), [1.5, 2), [2, ∞). */
export const HF_BANDS: { label: string; from: bigint; to: bigint | null }[] = [
  { label: "< 1", from: 0n, to: WAD },
  { label: "1–1.05", from: WAD, to: (WAD * 105n) / 100n },
  { label: "1.05–1.1", from: (WAD * 105n) / 100n, to: (WAD * 110n) / 100n },
  { label: "1.1–1.25", from: (WAD * 110n) / 100n, to: (WAD * 125n) / 100n },
  { label: "1.25–1.5", from: (WAD * 125n) / 100n, to: (WAD * 150n) / 100n },
  { label: "1.5–2", from: (WAD * 150n) / 100n, to: 2n * WAD },
  { label: "≥ 2", from: 2n * WAD, to: null },
];

const Position = z.object({
  account: AddressOut,
  venue: z.enum(["aave", "morpho"]),
  /** "aave" or the Morpho market */
  market: z.string(),
  collateral: z.array(z.string()),
  debt: z.array(z.string()),
  healthFactor: Amount,
  collateralBase: Amount,
  debtBase: Amount,
  liquidatable: z.boolean(),
});

export const MarketHealthOut = z
  .object({
    timestamp: Amount,
    positions: z.array(Position),
    bands: z.array(
      z.object({ label: z.string(), from: Amount, to: Amount.nullable(), count: z.number().int(), debtBase: Amount }),
    ),
    liquidatable: z.number().int(),
    totalDebtBase: Amount,
  })
  .openapi("MarketHealth");

type Ctx = Pick<MarketContext, "timestamp" | "rates">;
type PositionRow = z.input<typeof Position>;

/** Every position with debt, lowest health factor first. */
export function borrowingPositions(s: MarketState, ctx: Ctx): PositionRow[] {
  const out: (PositionRow & { hf: bigint })[] = [];
  for (const u of [...s.aaveUsers.keys()].sort()) {
    const d = aave.userAccountData(s, ctx, u);
    if (d.totalDebtBase === 0n) continue;
    const user = aave.userOf(s, u);
    out.push({
      account: u,
      venue: "aave",
      market: "aave",
      collateral: [...user.collateral],
      debt: [...user.borrowing],
      healthFactor: d.healthFactor.toString(),
      collateralBase: d.totalCollateralBase.toString(),
      debtBase: d.totalDebtBase.toString(),
      liquidatable: d.healthFactor < WAD,
      hf: d.healthFactor,
    });
  }
  for (const key of [...s.morphoPositions.keys()].sort()) {
    const [id, u] = key.split("|") as [string, Address];
    const m = morpho.marketOf(s, id);
    const p = morpho.positionOf(s, id, u);
    if (p.borrowShares === 0n) continue;
    const hf = morpho.healthFactor(m, p, morpho.oraclePrice(s, ctx, m));
    const dl = s.assets.get(m.loanToken)?.decimals ?? 18;
    const dc = s.assets.get(m.collateralToken)?.decimals ?? 18;
    const borrowed = morpho.borrowedAssets(m, p);
    out.push({
      account: u,
      venue: "morpho",
      market: id,
      collateral: [m.collateralToken],
      debt: [m.loanToken],
      healthFactor: hf.toString(),
      collateralBase: ((p.collateral * price(s, ctx, m.collateralOracle)) / unit(dc)).toString(),
      debtBase: ((borrowed * price(s, ctx, m.loanOracle)) / unit(dl)).toString(),
      liquidatable: hf < WAD,
      hf,
    });
  }
  out.sort((a, b) => (a.hf < b.hf ? -1 : a.hf > b.hf ? 1 : a.account < b.account ? -1 : 1));
  return out.map(({ hf: _hf, ...row }) => row);
}

export function healthBands(positions: PositionRow[]) {
  return HF_BANDS.map((b) => {
    const inside = positions.filter((p) => {
      const hf = BigInt(p.healthFactor);
      return hf >= b.from && (b.to === null || hf < b.to);
    });
    return {
      label: b.label,
      from: b.from.toString(),
      to: b.to === null ? null : b.to.toString(),
      count: inside.length,
      debtBase: inside.reduce((a, p) => a + BigInt(p.debtBase), 0n).toString(),
    };
  });
}

export function registerMarketHealthRoutes(app: OpenAPIHono, { ledger }: { ledger: Ledger }): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/markets/health",
      tags: ["markets"],
      summary: "Every borrowing position's health factor, and their distribution in bands (count and debt)",
      responses: { 200: json(MarketHealthOut, "Health factors"), ...errors() },
    }),
    ((c: Context) => {
      const ctx = { timestamp: ledger.time.timestamp, rates: lrtRates(ledger.world) };
      const positions = borrowingPositions(ledger.world.markets, ctx);
      return sendJson(c, {
        timestamp: ctx.timestamp,
        positions,
        bands: healthBands(positions),
        liquidatable: positions.filter((p) => p.liquidatable).length,
        totalDebtBase: positions.reduce((a, p) => a + BigInt(p.debtBase), 0n),
      });
    }) as never,
  );
}
