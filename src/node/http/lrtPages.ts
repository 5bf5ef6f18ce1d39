import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { NATIVE_ETH } from "../../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import { balanceOf as coreBalance } from "../../core/eigenlayer/tokens.ts";
import { WAD } from "../../core/shared/math.ts";
import { supplyByChain } from "../../lrt/bridge.ts";
import { getLrt } from "../../lrt/context.ts";
import { requestsOf } from "../../lrt/queue.ts";
import { L1, type LrtRecord, type World as LrtWorld } from "../../lrt/state.ts";
import * as lrtViews from "../../lrt/views.ts";
import * as aave from "../../markets/aave.ts";
import { balanceOf as marketBalance } from "../../markets/ledger.ts";
import { defaultAssetMap } from "../../risk/exposureWorld.ts";
import type { Ledger } from "../ledger.ts";
import { LrtHistory, lrtMarket } from "./lrtHistory.ts";
import { errors, json } from "./openapi.ts";
import { sendError, sendJson } from "./respond.ts";
import { AddressIn, AddressOut, Amount } from "./schemas.ts";

/**
 * What the LRT page reads beyond `/api/lrts/{id}` (layers.ts), and what a position holds of each LRT:
 *   GET /api/lrts/{id}/history        rate, NAV per token and DEX price over time (the depeg chart; lrtHistory.ts)
 *   GET /api/lrts/{id}/fees           the fee schedule and what the fee recipients hold
 *   GET /api/lrts/{id}/requests       the redemption queue, request by request, with what each would pay now
 *   GET /api/lrts/holdings/{address}  every LRT an address holds: tokens per chain, requests, market positions
 * An unknown LRT is a 404 with the code UnknownLrt. Amounts are decimal strings (wei or token units); rates and
 * prices are WAD.
 */

const LrtIdPath = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "expected an LRT id")
    .openapi({ param: { name: "id", in: "path" }, example: "eeth" }),
});
const AddressPath = z.strictObject({ address: AddressIn.openapi({ param: { name: "address", in: "path" } }) });

const Sample = z.object({
  seq: z.number().int(),
  block: Amount,
  timestamp: Amount,
  rate: Amount,
  navPerToken: Amount,
  dexPrice: Amount.nullable(),
  /** (dexPrice − rate)/rate in basis points (negative: trading below the rate) */
  depegBps: z.number().nullable(),
});

export const LrtHistoryOut = z
  .object({
    lrt: z.string(),
    symbol: z.string(),
    market: z.object({ asset: z.string(), pool: z.string(), quote: z.string() }).nullable(),
    capacity: z.number().int(),
    dropped: z.number().int(),
    /** the first log position the series covers (1: the whole log) */
    from: z.number().int(),
    samples: z.array(Sample),
  })
  .openapi("LrtHistory");

const Fee = z.object({
  key: z.string(),
  label: z.string(),
  bps: Amount,
  description: z.string(),
});
const Holding = z.object({
  token: z.string(),
  chain: z.string(),
  amount: Amount,
  valueEth: Amount,
});
const Recipient = z.object({
  role: z.string(),
  address: AddressOut,
  holdings: z.array(Holding),
  totalEth: Amount,
});

export const LrtFeesOut = z
  .object({
    lrt: z.string(),
    protocol: z.string(),
    symbol: z.string(),
    rate: Amount,
    fees: z.array(Fee),
    recipients: z.array(Recipient),
    /** Σ recipients' holdings, ETH wei: the fees earned so far that are still held */
    collectedEth: Amount,
  })
  .openapi("LrtFees");

const Request = z.object({
  id: Amount,
  owner: AddressOut,
  asset: z.string(),
  assetSymbol: z.string(),
  shares: Amount,
  amountAtRequest: Amount,
  /** fixed once finalized; before that, what the protocol's min() rule would pay now */
  payout: Amount,
  payoutFixed: z.boolean(),
  status: z.enum(["pending", "finalized", "claimed", "invalid"]),
  requestedBlock: Amount,
  requestedAt: Amount,
  finalizedAt: Amount.nullable(),
  /** when the owner may claim, if the protocol fixes it: a timestamp (Renzo) or a block (Kelp), else null */
  claimableAt: Amount.nullable(),
  claimableAtBlock: Amount.nullable(),
});

export const LrtRequestsOut = z
  .object({
    lrt: z.string(),
    protocol: z.string(),
    symbol: z.string(),
    /** how requests become claimable, in words */
    process: z.string(),
    totals: z.object({
      pending: z.number().int(),
      finalized: z.number().int(),
      claimed: z.number().int(),
      invalid: z.number().int(),
      /** ETH (or the asset) owed: pending at what they would pay now, finalized at their fixed payout */
      pendingPayout: Amount,
      finalizedOwed: Amount,
    }),
    requests: z.array(Request),
  })
  .openapi("LrtRequests");

const HeldLrt = z.object({
  lrt: z.string(),
  protocol: z.string(),
  symbol: z.string(),
  tokens: z.array(z.object({ token: z.string(), chain: z.string(), amount: Amount })),
  pendingRequests: z.number().int(),
  market: z.array(z.object({ asset: z.string(), where: z.string(), amount: Amount })),
});

export const LrtHoldingsOut = z.object({ address: AddressOut, lrts: z.array(HeldLrt) }).openapi("LrtHoldings");

function param<T>(c: Context): T {
  return (c.req as unknown as { valid(target: string): T }).valid("param");
}

const MAX_REQUESTS = 500;

function feeSchedule(rec: LrtRecord): z.input<typeof Fee>[] {
  const p = rec.params;
  const f = (key: string, label: string, bps: bigint, description: string) => ({
    key,
    label,
    bps: bps.toString(),
    description,
  });
  switch (rec.protocol) {
    case "etherfi":
      return [
        f("rewards", "Protocol fee", p.feeBps, "share of each recognised rebase gain, minted as eETH to the treasury"),
        f("exit", "Instant-redemption exit fee", p.exitFeeBps, "charged on eETH redeemed at once from the pool"),
        f(
          "exitToTreasury",
          "Exit fee to the treasury",
          p.exitFeeSplitToTreasuryBps,
          "share of the exit fee paid to the treasury; the rest is burned (raising the rate)",
        ),
      ];
    case "renzo":
      return [f("rewards", "Reward fee", p.feeBps, "taken in ETH from reward inflows before they raise the TVL")];
    case "kelp":
      return [
        f(
          "rewards",
          "Protocol fee",
          p.feeBps,
          "share of each rsETH price increase, minted as rsETH to the treasury (no high-water mark)",
        ),
      ];
    case "puffer":
      return [
        f("exit", "Exit fee", p.exitFeeBps, "charged on instant redemptions; it stays in the vault (raising the rate)"),
        f("exitToTreasury", "Treasury exit fee", p.treasuryExitFeeBps, "charged on instant redemptions, paid out"),
      ];
    case "swell":
      return [
        f("treasury", "Treasury fee", p.treasuryFeeBps, "share of rewards at each reprice, minted as rswETH"),
        f("nodeOperators", "Node-operator fee", p.nodeOperatorFeeBps, "share of rewards at each reprice, minted"),
      ];
  }
}

/** What `holder` holds of the LRT's tokens on every chain, valued at the rate (eETH balances are ETH amounts). */
function tokenHoldings(w: LrtWorld, rec: LrtRecord, holder: Address): z.input<typeof Holding>[] {
  const rate = lrtViews.rate(w, rec.id);
  const chains = supplyByChain(w, rec.id).chains.map((c) => c.chain);
  const out: z.input<typeof Holding>[] = [];
  for (const token of [rec.symbol, ...(rec.wrappedSymbol === null ? [] : [rec.wrappedSymbol])]) {
    for (const chain of token === rec.symbol && rec.wrappedSymbol !== null ? [L1] : chains) {
      const amount = lrtViews.balanceOf_(w, rec.id, holder, token, chain);
      if (amount === 0n) continue;
      const rebasing = rec.protocol === "etherfi" && token === rec.symbol;
      out.push({
        token,
        chain,
        amount: amount.toString(),
        valueEth: (rebasing ? amount : (amount * rate) / WAD).toString(),
      });
    }
  }
  const eth = coreBalance(w.eigen, NATIVE_ETH, holder);
  if (eth > 0n) out.push({ token: "ETH", chain: L1, amount: eth.toString(), valueEth: eth.toString() });
  return out;
}

function processText(rec: LrtRecord): string {
  switch (rec.protocol) {
    case "etherfi":
      return "ether.fi's oracle report finalizes pending requests in order (at one frozen rate, within the pool's liquidity and a daily cap); anyone may finalize once the oracle has been silent for the stale window. A finalized request is claimed at once.";
    case "renzo":
      return "Renzo reserves each request from its withdraw buffer; it is claimable after the cooldown, paying the lesser of the amount at request and at claim.";
    case "kelp":
      return "Kelp's manager unlocks pending requests within a price band; a request is claimable a fixed delay (in blocks) after it was made.";
    case "puffer":
      return "Puffer finalizes requests in full batches; each pays the lesser of the rate at request and at finalization.";
    case "swell":
      return "Swell's manager processes requests in order; each pays the lesser of the rate at request and at processing.";
  }
}

export function registerLrtPageRoutes(app: OpenAPIHono, { ledger }: { ledger: Ledger }): LrtHistory {
  const history = new LrtHistory(ledger);
  const w = (): LrtWorld => ({ eigen: ledger.world.eigen, lrt: ledger.world.lrt });
  const unknown = (c: Context, id: string) => sendError(c, 404, "UnknownLrt", `no LRT ${JSON.stringify(id)}`);

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/lrts/{id}/history",
      tags: ["lrt"],
      summary: "The LRT's rate, NAV per token and DEX price over time (sampled by the node after each round)",
      description:
        "One point per committed round in which a value changed, at most `capacity` points (the oldest are dropped). " +
        "Rebuilt from the log when the node starts.",
      request: { params: LrtIdPath },
      responses: { 200: json(LrtHistoryOut, "The series"), ...errors(400, 404) },
    }),
    (async (c: Context) => {
      const { id } = param<{ id: string }>(c);
      if (!ledger.world.lrt.lrts.has(id)) return unknown(c, id);
      const { samples, dropped, from } = await history.of(id);
      const rec = getLrt(w(), id);
      return sendJson(c, {
        lrt: id,
        symbol: rec.wrappedSymbol ?? rec.symbol,
        market: lrtMarket(ledger.world, id),
        capacity: history.capacity,
        dropped,
        from,
        samples: samples.map((s) => ({
          ...s,
          depegBps:
            s.dexPrice === null || s.rate === 0n ? null : Number(((s.dexPrice - s.rate) * 1_000_000n) / s.rate) / 100,
        })),
      } satisfies Record<string, unknown>);
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/lrts/{id}/fees",
      tags: ["lrt"],
      summary: "The LRT's fees: the schedule and what its fee recipients hold",
      request: { params: LrtIdPath },
      responses: { 200: json(LrtFeesOut, "The fees"), ...errors(400, 404) },
    }),
    ((c: Context) => {
      const { id } = param<{ id: string }>(c);
      if (!ledger.world.lrt.lrts.has(id)) return unknown(c, id);
      const rec = getLrt(w(), id);
      const who: [string, Address][] = [["treasury", rec.roles.treasury]];
      if (rec.protocol === "swell") who.push(["node operators", rec.roles.nodeOperatorRewards]);
      const recipients = who.map(([role, address]) => {
        const holdings = tokenHoldings(w(), rec, address);
        return {
          role,
          address,
          holdings,
          totalEth: holdings.reduce((a, h) => a + BigInt(h.valueEth), 0n).toString(),
        };
      });
      return sendJson(c, {
        lrt: id,
        protocol: rec.protocol,
        symbol: rec.symbol,
        rate: lrtViews.rate(w(), id),
        fees: feeSchedule(rec),
        recipients,
        collectedEth: recipients.reduce((a, r) => a + BigInt(r.totalEth), 0n),
      });
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/lrts/{id}/requests",
      tags: ["lrt"],
      summary: "The LRT's redemption queue: every request (newest 500), what it pays, when it can be claimed",
      request: { params: LrtIdPath },
      responses: { 200: json(LrtRequestsOut, "The queue"), ...errors(400, 404) },
    }),
    ((c: Context) => {
      const { id } = param<{ id: string }>(c);
      if (!ledger.world.lrt.lrts.has(id)) return unknown(c, id);
      const lw = w();
      const rec = getLrt(lw, id);
      const { block, timestamp } = ledger.time;
      const all = requestsOf(lw, id);
      const totals = { pending: 0, finalized: 0, claimed: 0, invalid: 0, pendingPayout: 0n, finalizedOwed: 0n };
      const rows = all.map((r) => {
        const fixed = r.payout !== null;
        const payout = fixed
          ? r.payout!
          : r.status === "pending"
            ? lrtViews.payoutNow(lw, rec, r, block, timestamp)
            : 0n;
        totals[r.status]++;
        if (r.status === "pending") totals.pendingPayout += payout;
        if (r.status === "finalized") totals.finalizedOwed += payout;
        const open = r.status === "pending" || r.status === "finalized";
        return {
          id: r.id,
          owner: r.owner,
          asset: r.asset,
          assetSymbol: lrtViews.assetSymbol(lw, r.asset),
          shares: r.shares,
          amountAtRequest: r.amountAtRequest,
          payout,
          payoutFixed: fixed,
          status: r.status,
          requestedBlock: r.requestedBlock,
          requestedAt: r.requestedAt,
          finalizedAt: r.finalizedAt,
          claimableAt:
            open && rec.protocol === "renzo" && rec.book.kind === "renzo"
              ? r.requestedAt +
                (rec.book.riskCooldownSeconds > rec.params.cooldownSeconds
                  ? rec.book.riskCooldownSeconds
                  : rec.params.cooldownSeconds)
              : null,
          claimableAtBlock:
            open && rec.protocol === "kelp" ? r.requestedBlock + rec.params.withdrawalDelayBlocks : null,
        };
      });
      return sendJson(c, {
        lrt: id,
        protocol: rec.protocol,
        symbol: rec.symbol,
        process: processText(rec),
        totals,
        requests: rows.reverse().slice(0, MAX_REQUESTS),
      });
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/lrts/holdings/{address}",
      tags: ["lrt"],
      summary: "Every LRT an address holds: its tokens per chain, open requests, and market positions in them",
      description:
        "Market assets count as an LRT by name (weETH is ether.fi's, ezETH Renzo's …), as the exposure stack maps them.",
      request: { params: AddressPath },
      responses: { 200: json(LrtHoldingsOut, "The LRTs held"), ...errors(400) },
    }),
    ((c: Context) => {
      const { address } = param<{ address: Address }>(c);
      const lw = w();
      const m = ledger.world.markets;
      const links = defaultAssetMap(ledger.world);
      const marketOf = (lrt: string) => {
        const out: { asset: string; where: string; amount: bigint }[] = [];
        for (const [asset, link] of Object.entries(links)) {
          if (link.kind !== "lrt" || link.lrt !== lrt) continue;
          const wallet = marketBalance(m, asset, address);
          if (wallet > 0n) out.push({ asset, where: "wallet", amount: wallet });
          if (m.reserves.has(asset)) {
            const supplied = aave.aTokenBalance(m, asset, address, ledger.time.timestamp);
            if (supplied > 0n) out.push({ asset, where: "aave", amount: supplied });
          }
          for (const [key, p] of m.morphoPositions.entries()) {
            const [market, who] = key.split("|") as [string, string];
            if (who !== address || p.collateral === 0n || m.morphoMarkets.get(market)?.collateralToken !== asset)
              continue;
            out.push({ asset, where: `morpho:${market}`, amount: p.collateral });
          }
        }
        return out;
      };
      const lrts = lrtViews.listLrts(lw).flatMap((id) => {
        const rec = getLrt(lw, id);
        const tokens = tokenHoldings(lw, rec, address)
          .filter((h) => h.token !== "ETH")
          .map(({ token, chain, amount }) => ({ token, chain, amount }));
        const pendingRequests = requestsOf(lw, id).filter(
          (r) => r.owner === address && (r.status === "pending" || r.status === "finalized"),
        ).length;
        const market = marketOf(id);
        if (tokens.length === 0 && pendingRequests === 0 && market.length === 0) return [];
        return [{ lrt: id, protocol: rec.protocol, symbol: rec.symbol, tokens, pendingRequests, market }];
      });
      return sendJson(c, { address, lrts });
    }) as never,
  );

  return history;
}
