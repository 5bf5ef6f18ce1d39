import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Address } from "../../core/eigenlayer/state.ts";
import { lrtChecklist } from "../../risk/checklist.ts";
import { exposureStack } from "../../risk/exposure.ts";
import type { AssetMap } from "../../risk/exposureWorld.ts";
import type { Ledger } from "../ledger.ts";
import { errors, json } from "./openapi.ts";
import { sendError, sendJson } from "./respond.ts";
import { ErrorBody } from "./schemas.ts";

/**
 * The exposure engine over HTTP (docs/risk-exposure.md), on the ledger's world (core, LRTs, markets):
 *   GET /api/risk/stack/{account}   the exposure stack of any account: look-through from lending positions, LP shares,
 *                                   L1 and bridged LRT tokens, requests, LSTs and core shares to the operator sets;
 *                                   the loss per slashing event and all at once; risk layers in order; exit paths
 *   GET /api/risk/checklist/{lrt}   the LRT evaluation checklist, with a severity per item
 * Both take `assets`, a JSON object mapping market asset ids to what they are (default: by name), and `prices`, ETH
 * per unit of core tokens that are neither ETH nor an LST. Amounts are decimal strings of wei.
 */

export interface RiskExposureDeps {
  /** the ledger's world, read once a group commit in flight has settled */
  ledger: Pick<Ledger, "world" | "committed" | "clock">;
  /** the asset map of the node's markets (default: by name, see defaultAssetMap) */
  assets?: AssetMap;
}

const MAX_ASSETS_QUERY = 4_096;

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address");

const AssetLinkIn = z.union([
  z.strictObject({ kind: z.literal("eth") }),
  z.strictObject({
    kind: z.literal("lrt"),
    lrt: z.string().min(1).max(64),
    token: z.string().min(1).max(32).optional(),
    chain: z.string().min(1).max(32).optional(),
  }),
  z.strictObject({ kind: z.literal("lst"), lst: z.string().min(1).max(64) }),
  z.strictObject({
    kind: z.literal("strategy"),
    strategy: address.transform((a) => a.toLowerCase() as Address),
    staker: address.transform((a) => a.toLowerCase() as Address),
  }),
  z.strictObject({ kind: z.literal("none") }),
]);
const AssetMapIn = z.record(z.string().min(1).max(64), AssetLinkIn);

const PricesIn = z.record(
  address.transform((a) => a.toLowerCase()),
  z
    .string()
    .regex(/^\d{1,40}$/, "expected ETH per unit in wei (a decimal string)")
    .transform((v) => BigInt(v)),
);

const AssetsQuery = z.strictObject({
  prices: z
    .string()
    .max(MAX_ASSETS_QUERY)
    .optional()
    .openapi({
      param: { name: "prices", in: "query" },
      description:
        "JSON object: core token address → ETH per whole unit in wei, for tokens that are neither ETH nor an LST " +
        "(unpriced tokens count 0 ETH)",
      example: '{"0x00000000000000000000000000000000000000a1":"1000000000000000000"}',
    }),
  assets: z
    .string()
    .max(MAX_ASSETS_QUERY)
    .optional()
    .openapi({
      param: { name: "assets", in: "query" },
      description:
        'JSON object: market asset id → {"kind":"eth"} | {"kind":"lrt","lrt":"eeth","token":"weETH","chain":"arbitrum"} | ' +
        '{"kind":"lst","lst":"steth"} | {"kind":"strategy","strategy":"0x…","staker":"0x…"} | {"kind":"none"}; ' +
        "merged over the default mapping by name",
      example: '{"weETH":{"kind":"lrt","lrt":"eeth","token":"weETH"}}',
    }),
});

const AccountParam = z.object({
  account: address.openapi({ param: { name: "account", in: "path" }, example: `0x${"ab".repeat(20)}` }),
});
const LrtParam = z.object({
  lrt: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "expected an LRT id")
    .openapi({ param: { name: "lrt", in: "path" }, example: "eeth" }),
});

const ReportOut = z.record(z.string(), z.unknown());
const ok = (description: string) => json(ReportOut, description);
const err = (description: string) => json(ErrorBody, description);

function valid<T>(c: Context, target: "param" | "query"): T {
  return (c.req as unknown as { valid(target: string): T }).valid(target);
}

/** A JSON query parameter parsed by a schema, or an error message. */
function parseJsonQuery<T>(
  name: string,
  text: string | undefined,
  schema: z.ZodType<T>,
): { ok: true; value: T | undefined } | { ok: false; message: string } {
  if (text === undefined) return { ok: true, value: undefined };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${name} is not JSON: ${(e as Error).message}` };
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, message: `${name}.${issue.path.join(".")}: ${issue.message}` };
  }
  return { ok: true, value: r.data };
}

type Query = { assets?: string; prices?: string };

/** The query's options, or an error message. */
function queryOptions(
  q: Query,
): { ok: true; assets: AssetMap; prices: Record<string, bigint> } | { ok: false; message: string } {
  const assets = parseJsonQuery("assets", q.assets, AssetMapIn);
  if (!assets.ok) return assets;
  const prices = parseJsonQuery("prices", q.prices, PricesIn);
  if (!prices.ok) return prices;
  return { ok: true, assets: (assets.value ?? {}) as AssetMap, prices: prices.value ?? {} };
}

export function registerRiskExposureRoutes(app: OpenAPIHono, deps: RiskExposureDeps): void {
  const { ledger } = deps;
  const options = (q: { assets: AssetMap; prices: Record<string, bigint> }) => ({
    assets: { ...(deps.assets ?? {}), ...q.assets },
    prices: q.prices,
    secondsPerBlock: ledger.clock.blockTimeSeconds,
  });

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/risk/stack/{account}",
      tags: ["risk"],
      summary: "Exposure stack of an account: look-through, loss per slashing event, risk layers, exit paths",
      description:
        "Walks down from what the account holds — lending positions, LP shares, market wallets, LRT tokens on the L1 " +
        "and on L2s, LRT withdrawal requests, LSTs, restaked and queued core shares — through the LRT, the LST or " +
        "native ETH, the strategy and the operator to the operator sets that can slash it. Every node's children sum " +
        "to it exactly (ETH wei). For each operator set slashing each operator by its maximum it gives the account's " +
        "loss, exact in wei once each LRT's own accounting has recognised the slash, and the loss if all of them " +
        "happen at once.",
      request: { params: AccountParam, query: AssetsQuery },
      responses: {
        200: ok("The exposure stack (amounts as decimal strings of wei)"),
        400: err("Bad address, asset map or prices (InvalidRequest)"),
        ...errors(),
      },
    }),
    (async (c: Context) => {
      const { account } = valid<{ account: string }>(c, "param");
      const q = queryOptions(valid<Query>(c, "query"));
      if (!q.ok) return sendError(c, 400, "InvalidRequest", q.message);
      await ledger.committed();
      return sendJson(c, exposureStack(ledger.world, account.toLowerCase() as Address, options(q)));
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/risk/checklist/{lrt}",
      tags: ["risk"],
      summary: "The LRT evaluation checklist, computed from state, with a severity per item",
      description:
        "What is actually restaked; which AVSs can slash it now and by how much; their slashing conditions; the " +
        "operator set; where the token is deployed and its bridges; the redemption queue and its backlog; points " +
        "versus real yield; the leverage built on it in lending markets. Thresholds are in the response " +
        "(`thresholds`) and in docs/risk-exposure.md.",
      request: { params: LrtParam, query: AssetsQuery },
      responses: {
        200: ok("The checklist (amounts as decimal strings of wei)"),
        400: err("Bad LRT id, asset map or prices (InvalidRequest)"),
        404: err("No such LRT (UnknownLrt)"),
        ...errors(),
      },
    }),
    (async (c: Context) => {
      const { lrt } = valid<{ lrt: string }>(c, "param");
      const q = queryOptions(valid<Query>(c, "query"));
      if (!q.ok) return sendError(c, 400, "InvalidRequest", q.message);
      await ledger.committed();
      if (!ledger.world.lrt.lrts.has(lrt)) return sendError(c, 404, "UnknownLrt", `no LRT ${JSON.stringify(lrt)}`);
      return sendJson(c, lrtChecklist(ledger.world, lrt, options(q)));
    }) as never,
  );
}
