import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Address } from "../../core/eigenlayer/state.ts";
import { isProtocolError } from "../../core/shared/errors.ts";
import { supplyByChain } from "../../lrt/bridge.ts";
import * as lrtViews from "../../lrt/views.ts";
import * as marketViews from "../../markets/views.ts";
import type { Ledger } from "../ledger.ts";
import { lrtRates } from "../world.ts";
import { errors, json } from "./openapi.ts";
import { sendError, sendJson } from "./respond.ts";
import { AddressIn } from "./schemas.ts";

/**
 * Views of the layers above the core, read from the ledger's world:
 *   GET /api/lrts                      every LRT: rate, NAV, supply, queue, pauses, the supply invariant
 *   GET /api/lrts/{id}                 one LRT in full: NAV, queue, liquidity buffer, supply by chain, look-through
 *   GET /api/markets                   assets (ids, decimals), pools with prices, lending reserves and markets,
 *                                      liquidations
 *   GET /api/markets/positions/{address}  an account's lending positions: HF, liquidation price, leverage
 * Amounts are decimal strings (wei or the asset's base units); rates and prices are WAD-scaled.
 */

const Any = z.record(z.string(), z.unknown()).openapi("LayerView", { description: "A view of an LRT or a market" });

const IdPath = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "expected an LRT id")
    .openapi({ param: { name: "id", in: "path" } }),
});
const AddressPath = z.strictObject({ address: AddressIn.openapi({ param: { name: "address", in: "path" } }) });

function param<T>(c: Context): T {
  return (c.req as unknown as { valid(target: string): T }).valid("param");
}

export function registerLayerRoutes(app: OpenAPIHono, { ledger }: { ledger: Ledger }): void {
  const w = () => ({ eigen: ledger.world.eigen, lrt: ledger.world.lrt });
  const marketCtx = () => ({ timestamp: ledger.time.timestamp, rates: lrtRates(ledger.world) });

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/lrts",
      tags: ["lrt"],
      summary: "Every liquid restaking token: rate, NAV, supply, queue, pauses and the bridged-supply invariant",
      responses: { 200: json(z.object({ lrts: z.array(Any) }), "LRT summaries"), ...errors() },
    }),
    ((c: Context) => sendJson(c, { lrts: lrtViews.listLrts(w()).map((id) => lrtViews.summary(w(), id)) })) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/lrts/{id}",
      tags: ["lrt"],
      summary: "One LRT: NAV, withdrawal queue, liquidity buffer, supply by chain and look-through allocation",
      request: { params: IdPath },
      responses: { 200: json(Any, "The LRT"), ...errors(400, 404) },
    }),
    ((c: Context) => {
      const { id } = param<{ id: string }>(c);
      if (!ledger.world.lrt.lrts.has(id)) return sendError(c, 404, "NotFound", `no LRT ${id}`);
      return sendJson(c, {
        summary: lrtViews.summary(w(), id),
        nav: lrtViews.nav(w(), id),
        queue: lrtViews.queue(w(), id),
        liquidity: lrtViews.liquidity(w(), id),
        supplyByChain: supplyByChain(w(), id),
        allocation: lrtViews.allocation(w(), id),
      });
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/markets",
      tags: ["markets"],
      summary: "DEX pools with spot prices, lending reserves and isolated markets, liquidations and bad debt",
      responses: { 200: json(Any, "The markets"), ...errors() },
    }),
    ((c: Context) => {
      const s = ledger.world.markets;
      return sendJson(c, {
        assets: [...s.assets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        pools: marketViews.poolViews(s, ledger.time.timestamp),
        lending: marketViews.marketsView(s, marketCtx()),
        liquidations: marketViews.liquidationHistory(s),
      });
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/markets/positions/{address}",
      tags: ["markets"],
      summary: "An account's lending positions: health factor, liquidation prices, leverage",
      request: { params: AddressPath },
      responses: { 200: json(Any, "The positions"), ...errors(400) },
    }),
    ((c: Context) => {
      const { address } = param<{ address: Address }>(c);
      try {
        return sendJson(c, marketViews.positionView(ledger.world.markets, marketCtx(), address));
      } catch (e) {
        // an oracle that cannot price right now (stale, frozen pool) is the market's state, not a server bug
        if (isProtocolError(e)) return sendError(c, 422, e.code, e.message);
        throw e;
      }
    }) as never,
  );
}
