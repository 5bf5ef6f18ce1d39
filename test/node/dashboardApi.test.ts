import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { WAD } from "../../src/core/shared/math.ts";
import { supplyByChain } from "../../src/lrt/bridge.ts";
import { requestsOf } from "../../src/lrt/queue.ts";
import * as lrtViews from "../../src/lrt/views.ts";
import * as mviews from "../../src/markets/views.ts";
import { createApp } from "../../src/node/app.ts";
import { ledgerOptions, nodeConfig } from "../../src/node/config.ts";
import { seedDemo, stakerKey } from "../../src/node/demo.ts";
import { DEMO_CLOSE_CALL, DEMO_LIQUIDATED, DEMO_LRTS, feeAccount } from "../../src/node/demoLayers.ts";
import { LrtHistory } from "../../src/node/http/lrtHistory.ts";
import { LrtFeesOut, LrtHistoryOut, LrtHoldingsOut, LrtRequestsOut } from "../../src/node/http/lrtPages.ts";
import { MarketHealthOut } from "../../src/node/http/marketHealth.ts";
import { RISK_PARAMS_META } from "../../src/node/http/riskParams.ts";
import { SecuritySummaryOut } from "../../src/node/http/securitySummary.ts";
import { accountOf, devKey } from "../../src/node/keys.ts";
import { Ledger } from "../../src/node/ledger.ts";
import { signTx } from "../../src/node/tx.ts";
import { lrtRates } from "../../src/node/world.ts";
import { openStore } from "../../src/store/index.ts";
import type { EventStore } from "../../src/store/types.ts";

/**
 * The dashboard's API (src/node/http/lrtPages.ts, marketHealth.ts, securitySummary.ts) in-process with app.request(),
 * on the demo network seeded with a manual clock (six days of history). Expected figures are recomputed here from
 * the engine's own views, never from the handlers' code.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked structurally
type Body = any;

let store: EventStore;
let ledger: Ledger;
let app: ReturnType<typeof createApp>;
const config = nodeConfig({ demo: true, manualClock: true }, () => 0);

async function get(path: string, a = app) {
  const res = await a.request(path);
  return { status: res.status, body: (await res.json()) as Body };
}

const addr = (name: string) => devKey(name).address;
const lw = () => ({ eigen: ledger.world.eigen, lrt: ledger.world.lrt });

async function submit(name: string, command: string, params: Record<string, unknown>): Promise<void> {
  const key = devKey(name);
  const tx = await signTx(accountOf(key), ledger.domain, {
    nonce: ledger.nonceOf(key.address),
    deadline: ledger.time.timestamp + 3600n,
    command,
    params,
  });
  const outcome = await ledger.submit(tx);
  expect(outcome.status, outcome.status === "rejected" ? `${outcome.code}: ${outcome.message}` : "").toBe("accepted");
}

beforeAll(async () => {
  store = await openStore({ db: ":memory:" });
  ledger = await Ledger.open(ledgerOptions(config, store));
  await seedDemo(ledger);
  app = createApp(ledger, { rateLimit: false });
}, 120_000);

afterAll(async () => {
  await store.close();
});

describe("the demo's layers", () => {
  it("five LRTs restaking natively with the demo operators, bridged supply that is backed, one liquidation", () => {
    const w = lrtViews.listLrts(lw());
    expect(w).toEqual(["eeth", "ezeth", "pufeth", "rseth", "rsweth"]);
    for (const l of DEMO_LRTS) {
      const a = lrtViews.allocation(lw(), PRESET_ID[l.kind]!);
      // each delegator is delegated to its demo operator, and holds natively restaked ETH that sets can slash
      expect(a.delegators.map((d) => d.delegatedTo)).toEqual(l.delegators.map(([op]) => addr(op)));
      expect(a.operatorSets.length).toBeGreaterThan(0);
    }
    for (const id of ["eeth", "ezeth", "rseth"]) {
      const s = supplyByChain(lw(), id);
      expect(s.holds).toBe(true);
      expect(s.l2Total).toBeGreaterThan(0n);
    }
    expect(supplyByChain(lw(), "eeth").inFlight).toBe(30n * WAD);
    const m = ledger.world.markets;
    expect(mviews.liquidationHistory(m)).toHaveLength(1);
    expect(mviews.liquidationHistory(m)[0]!.borrower).toBe(addr(stakerKey(DEMO_LIQUIDATED)));
    const ctx = { timestamp: ledger.time.timestamp, rates: lrtRates(ledger.world) };
    const close = mviews.positionView(m, ctx, addr(stakerKey(DEMO_CLOSE_CALL))).morpho[0]!;
    expect(close.healthFactor > WAD && close.healthFactor < (WAD * 105n) / 100n).toBe(true);
  });
});

const PRESET_ID: Record<string, string> = {
  etherfi: "eeth",
  renzo: "ezeth",
  kelp: "rseth",
  puffer: "pufeth",
  swell: "rsweth",
};

describe("GET /api/lrts/{id}/history", () => {
  it("ends at the LRT's current rate and pool price, spans the demo's days and shows the ezETH sale", async () => {
    const r = await get("/api/lrts/ezeth/history");
    expect(r.status).toBe(200);
    LrtHistoryOut.parse(r.body);
    const samples = r.body.samples as Body[];
    expect(samples.length).toBeGreaterThan(10);
    const last = samples[samples.length - 1];
    expect(last.rate).toBe(lrtViews.rate(lw(), "ezeth").toString());
    const pool = mviews.poolView(ledger.world.markets, "ezETH-WETH", ledger.time.timestamp)!;
    expect(last.dexPrice).toBe(pool.prices[0]!.price.toString());
    expect(r.body.market).toEqual({ asset: "ezETH", pool: "ezETH-WETH", quote: "WETH" });
    // six days of chain time; seq strictly increases
    const span = BigInt(last.timestamp) - BigInt(samples[0].timestamp);
    expect(span).toBeGreaterThanOrEqual(5n * 86_400n);
    for (let i = 1; i < samples.length; i++) expect(samples[i].seq).toBeGreaterThan(samples[i - 1].seq);
    // the sale: more than 3% below the rate at the bottom
    const worst = Math.min(...samples.filter((s) => s.depegBps !== null).map((s) => s.depegBps as number));
    expect(worst).toBeLessThan(-300);
    for (const s of samples.filter((x) => x.dexPrice !== null)) {
      const bps = Number(((BigInt(s.dexPrice) - BigInt(s.rate)) * 1_000_000n) / BigInt(s.rate)) / 100;
      expect(s.depegBps).toBe(bps);
    }
  });

  it("samples each committed round live, and a restarted node rebuilds the same values from the log", async () => {
    const before = (await get("/api/lrts/weeth-none/history")).status;
    expect(before).toBe(404);
    await submit("market-maker", "market.swap", {
      pool: "weETH-WETH",
      assetIn: "WETH",
      assetOut: "weETH",
      amountIn: (5n * WAD).toString(),
      minAmountOut: "0",
    });
    const live = (await get("/api/lrts/eeth/history")).body.samples as Body[];
    const last = live[live.length - 1];
    expect(last.seq).toBe(ledger.seq);
    const pool = mviews.poolView(ledger.world.markets, "weETH-WETH", ledger.time.timestamp)!;
    expect(last.dexPrice).toBe(pool.prices[0]!.price.toString());

    // a second node on the same log: its series, rebuilt by replay, has the live values at every live point
    const again = await Ledger.open(ledgerOptions(config, store));
    const rebuilt = (await get("/api/lrts/eeth/history", createApp(again, { rateLimit: false }))).body
      .samples as Body[];
    expect(rebuilt.length).toBeGreaterThanOrEqual(live.length);
    for (const s of live) {
      const at = rebuilt.filter((x) => x.seq <= s.seq).pop();
      expect({ rate: at?.rate, dex: at?.dexPrice, nav: at?.navPerToken }).toEqual({
        rate: s.rate,
        dex: s.dexPrice,
        nav: s.navPerToken,
      });
    }
  });

  it("keeps at most `capacity` points (the newest), and starts at the node's state when the log is too long", async () => {
    const full = await new LrtHistory(ledger).of("ezeth");
    const small = await new LrtHistory(ledger, { capacity: 4 }).of("ezeth");
    expect(small.samples).toEqual(full.samples.slice(-4));
    expect(small.dropped).toBe(full.samples.length - 4);
    const short = await new LrtHistory(ledger, { maxRebuildEntries: 10 }).of("ezeth");
    expect(short.from).toBe(ledger.seq);
    expect(short.samples).toHaveLength(1);
    expect(short.samples[0]!.rate).toBe(lrtViews.rate(lw(), "ezeth"));
  });

  it("unknown LRTs are 404 UnknownLrt; malformed ids are 400", async () => {
    for (const path of ["/api/lrts/nope/history", "/api/lrts/nope/fees", "/api/lrts/nope/requests"]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body.code).toBe("UnknownLrt");
    }
    const bad = await get("/api/lrts/Not_An_Id/history");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("InvalidRequest");
  });
});

describe("GET /api/lrts/{id}/fees and /requests", () => {
  it("fees: the preset's schedule and what the treasury holds, valued at the rate", async () => {
    const r = await get("/api/lrts/rseth/fees");
    expect(r.status).toBe(200);
    LrtFeesOut.parse(r.body);
    const rec = ledger.world.lrt.lrts.get("rseth")!;
    expect(r.body.fees).toEqual([expect.objectContaining({ key: "rewards", bps: rec.params.feeBps.toString() })]);
    const treasury = feeAccount("rseth", "treasury");
    expect(r.body.recipients[0].address).toBe(treasury);
    // Kelp mints its fee as rsETH to the treasury on each price rise
    const held = lrtViews.balanceOf_(lw(), "rseth", treasury);
    expect(held).toBeGreaterThan(0n);
    expect(r.body.collectedEth).toBe(((held * lrtViews.rate(lw(), "rseth")) / WAD).toString());

    // Renzo's fee is ETH paid to its fee address
    const ez = await get("/api/lrts/ezeth/fees");
    const eth = ez.body.recipients[0].holdings.find((h: Body) => h.token === "ETH");
    expect(eth.amount).toBe(
      ledger.world.eigen.balances.get(`${NATIVE_ETH}|${feeAccount("ezeth", "treasury")}`)?.toString(),
    );
    // Swell pays node operators too
    expect((await get("/api/lrts/rsweth/fees")).body.recipients.map((x: Body) => x.role)).toEqual([
      "treasury",
      "node operators",
    ]);
  });

  it("requests: every request with its status; totals agree with the queue view", async () => {
    for (const id of ["eeth", "ezeth", "rseth", "pufeth", "rsweth"]) {
      const r = await get(`/api/lrts/${id}/requests`);
      expect(r.status).toBe(200);
      LrtRequestsOut.parse(r.body);
      const all = requestsOf(lw(), id);
      expect(r.body.requests).toHaveLength(all.length);
      const q = lrtViews.queue(lw(), id);
      expect(r.body.totals.pending).toBe(q.pending);
      expect(r.body.totals.finalized).toBe(q.finalized);
      const owedNow = q.pendingPayoutNow.reduce((a, [, v]) => a + v, 0n);
      expect(r.body.totals.pendingPayout).toBe(owedNow.toString());
    }
    // the demo's eETH history: one request claimed, one finalized by a report (manual clock)
    const e = await get("/api/lrts/eeth/requests");
    expect(e.body.requests.map((x: Body) => x.status).sort()).toEqual(["claimed", "finalized"]);
    // Kelp: claimable a fixed number of blocks after the request
    const k = await get("/api/lrts/rseth/requests");
    const req = k.body.requests[0];
    expect(BigInt(req.claimableAtBlock) - BigInt(req.requestedBlock)).toBe(
      ledger.world.lrt.lrts.get("rseth")!.params.withdrawalDelayBlocks,
    );
  });
});

describe("GET /api/lrts/holdings/{address}", () => {
  it("lists the LRTs an address holds on every chain and in markets; nothing for an empty address", async () => {
    const s3 = addr(stakerKey(3));
    const r = await get(`/api/lrts/holdings/${s3.toUpperCase().replace("0X", "0x")}`);
    expect(r.status).toBe(200);
    LrtHoldingsOut.parse(r.body);
    expect(r.body.lrts.map((x: Body) => x.lrt)).toEqual(["eeth", "rseth"]);
    const eeth = r.body.lrts[0];
    expect(eeth.tokens).toContainEqual({
      token: "weETH",
      chain: "arbitrum",
      amount: lrtViews.balanceOf_(lw(), "eeth", s3, "weETH", "arbitrum").toString(),
    });
    expect(eeth.market).toContainEqual({ asset: "weETH", where: "aave", amount: expect.any(String) });
    // a Morpho borrower holds ezETH only as collateral in the market
    const b = await get(`/api/lrts/holdings/${addr(stakerKey(DEMO_CLOSE_CALL))}`);
    expect(b.body.lrts.find((x: Body) => x.lrt === "ezeth").market).toContainEqual({
      asset: "ezETH",
      where: "morpho:ezETH-WETH-86",
      amount: (80n * WAD).toString(),
    });
    expect((await get(`/api/lrts/holdings/0x${"00".repeat(19)}01`)).body.lrts).toEqual([]);
    expect((await get("/api/lrts/holdings/0x1234")).status).toBe(400);
  });
});

describe("GET /api/markets/health", () => {
  it("every borrower's health factor as the position view gives it, in bands that add up", async () => {
    const r = await get("/api/markets/health");
    expect(r.status).toBe(200);
    MarketHealthOut.parse(r.body);
    const positions = r.body.positions as Body[];
    const ctx = { timestamp: ledger.time.timestamp, rates: lrtRates(ledger.world) };
    const m = ledger.world.markets;
    let borrowing = 0;
    for (const a of mviews.accounts(m)) {
      const v = mviews.positionView(m, ctx, a);
      if (v.aave !== null && v.aave.totalDebtBase > 0n) {
        borrowing++;
        const row = positions.find((p) => p.account === a && p.venue === "aave");
        expect(row?.healthFactor).toBe(v.aave.healthFactor.toString());
        expect(row?.debtBase).toBe(v.aave.totalDebtBase.toString());
      }
      for (const mp of v.morpho.filter((x) => x.borrowed > 0n)) {
        borrowing++;
        const row = positions.find((p) => p.account === a && p.market === mp.market);
        expect(row?.healthFactor).toBe(mp.healthFactor.toString());
      }
    }
    expect(positions).toHaveLength(borrowing);
    expect(borrowing).toBe(8);
    const hfs = positions.map((p) => BigInt(p.healthFactor));
    expect([...hfs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(hfs);
    const bands = r.body.bands as Body[];
    expect(bands.reduce((a, b) => a + b.count, 0)).toBe(positions.length);
    expect(bands.reduce((a, b) => a + BigInt(b.debtBase), 0n).toString()).toBe(r.body.totalDebtBase);
    expect(bands.find((b) => b.label === "1–1.05").count).toBeGreaterThanOrEqual(1);
    expect(r.body.liquidatable).toBe(0);
  });
});

describe("GET /api/risk/summary", () => {
  it("agrees with GET /api/risk/security on the stored params, and is recomputed only when the head moves", async () => {
    const s = await get("/api/risk/summary");
    expect(s.status).toBe(200);
    SecuritySummaryOut.parse(s.body);
    const full = await get("/api/risk/security");
    expect(s.body.configured).toBe(true);
    expect(s.body.services).toBe(8);
    expect(full.body.services).toBe(8);
    expect(s.body.secure).toBe(full.body.secure);
    expect(s.body.slack).toBe(full.body.slack);
    expect(s.body.claim1.holds).toBe(full.body.claim1.holds);
    expect(s.body.seq).toBe(ledger.seq);
    const again = await get("/api/risk/summary");
    expect(again.body.timeMs).toBe(s.body.timeMs);
    await submit("admin", "advanceClock", { blocks: "1" });
    const moved = await get("/api/risk/summary");
    expect(moved.body.seq).toBe(ledger.seq);
    expect(moved.body.seq).toBe(s.body.seq + 1);
  });

  it("without stored parameters nothing is analysed, and the summary says so", async () => {
    const bare = await openStore({ db: ":memory:" });
    const l = await Ledger.open(
      ledgerOptions(
        nodeConfig({ demo: true, manualClock: true }, () => 0),
        bare,
      ),
    );
    const r = await get("/api/risk/summary", createApp(l, { rateLimit: false }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ configured: false, services: 0, worstAttack: null });
    expect(await bare.getMeta(RISK_PARAMS_META)).toBeNull();
    expect(await store.getMeta(RISK_PARAMS_META)).not.toBeNull();
    await bare.close();
  });
});
