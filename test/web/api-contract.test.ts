import { describe, expect, expectTypeOf, it } from "vitest";
import { createApp } from "../../src/node/app.ts";
import { ledgerOptions, nodeConfig } from "../../src/node/config.ts";
import { DEMO_STAKERS, demoStrategy, demoToken, seedDemo, stakerKey } from "../../src/node/demo.ts";
import type * as L from "../../src/node/http/lrtPages.ts";
import type * as M from "../../src/node/http/marketHealth.ts";
import type * as S from "../../src/node/http/schemas.ts";
import type * as R from "../../src/node/http/securitySummary.ts";
import { accountOf, devKey } from "../../src/node/keys.ts";
import { Ledger } from "../../src/node/ledger.ts";
import { signTx } from "../../src/node/tx.ts";
import { openStore } from "../../src/store/index.ts";
import type * as W from "../../web/src/api/types.ts";
import { AssetBook } from "../../web/src/lib/assets.ts";
import { lookThrough } from "../../web/src/lib/metrics.ts";

/**
 * The dashboard reads the node only through its HTTP API. This pins the two together:
 * - at compile time (npm run typecheck), every response type the node sends is assignable to what the dashboard
 *   expects, so a schema change that would break a page fails the build;
 * - at run time, on the seeded demo network with yield donated to a strategy (so its shares are not worth one token),
 *   the dashboard's share → asset conversion equals the engine's, and stakers' look-through parts never add up to
 *   more than their operator's exposure.
 */

describe("API contract", () => {
  it("the node's responses have the shapes the dashboard reads", () => {
    expectTypeOf<S.Out<typeof S.StrategiesOut>>().toExtend<W.Strategies>();
    expectTypeOf<S.Out<typeof S.NeutralOut>>().toExtend<W.Neutral>();
    expectTypeOf<S.Out<typeof S.OperatorsOut>>().toExtend<W.Operators>();
    expectTypeOf<S.Out<typeof S.OperatorOut>>().toExtend<W.Operator>();
    expectTypeOf<S.Out<typeof S.AvsListOut>>().toExtend<W.AvsList>();
    expectTypeOf<S.Out<typeof S.AvsOut>>().toExtend<W.Avs>();
    expectTypeOf<S.Out<typeof S.OperatorSetOut>>().toExtend<W.OperatorSet>();
    expectTypeOf<S.Out<typeof S.SlashesOut>>().toExtend<W.Slashes>();
    expectTypeOf<S.Out<typeof S.WithdrawalsOut>>().toExtend<W.Withdrawals>();
    expectTypeOf<S.Out<typeof S.StakerOut>>().toExtend<W.Staker>();
    expectTypeOf<S.Out<typeof S.ClockOut>>().toExtend<W.Clock>();
    expectTypeOf<S.Out<typeof S.ParamsOut>>().toExtend<W.NodeParams>();
    expectTypeOf<S.Out<typeof S.EventsOut>>().toExtend<W.EventsPage>();
    expectTypeOf<S.Out<typeof S.ErrorBody>>().toExtend<W.ApiErrorBody>();
    // the LRT, Markets and security-summary views
    expectTypeOf<S.Out<typeof L.LrtHistoryOut>>().toExtend<W.LrtHistory>();
    expectTypeOf<S.Out<typeof L.LrtFeesOut>>().toExtend<W.LrtFees>();
    expectTypeOf<S.Out<typeof L.LrtRequestsOut>>().toExtend<W.LrtRequests>();
    expectTypeOf<S.Out<typeof L.LrtHoldingsOut>>().toExtend<W.LrtHoldings>();
    expectTypeOf<S.Out<typeof M.MarketHealthOut>>().toExtend<W.MarketHealth>();
    expectTypeOf<S.Out<typeof R.SecuritySummaryOut>>().toExtend<W.SecuritySummary>();
  });

  it("on the demo network, conversions are the engine's and look-through parts stay within their operator's exposure", async () => {
    const store = await openStore({ db: ":memory:" });
    try {
      const ledger = await Ledger.open(
        ledgerOptions(
          nodeConfig({ demo: true, manualClock: true }, () => 0),
          store,
        ),
      );
      await seedDemo(ledger);
      const app = createApp(ledger, { rateLimit: false, logError: () => {} });
      const get = async <T>(path: string): Promise<T> => {
        const res = await app.request(`/api${path}`);
        expect(res.status, path).toBe(200);
        return (await res.json()) as T;
      };
      // yield: tokens sent straight to the stETH strategy make each share worth more than one token
      const admin = devKey("admin");
      const donation = await signTx(accountOf(admin), ledger.domain, {
        nonce: ledger.nonceOf(admin.address),
        deadline: ledger.time.timestamp + 86_400n,
        command: "mint",
        params: { token: demoToken("stETH"), to: demoStrategy("stETH"), amount: "123456789012345678901" },
      });
      expect((await ledger.submit(donation)).status).toBe("accepted");

      const strategies = await get<W.Strategies>("/strategies");
      const neutral = await get<W.Neutral>("/neutral");
      const book = new AssetBook(strategies);
      const stETH = strategies.strategies.find((s) => s.address === demoStrategy("stETH"))!;
      expect(BigInt(stETH.balance)).toBeGreaterThan(BigInt(stETH.totalShares));

      for (const o of neutral.operators)
        for (const d of o.delegated)
          expect(book.sharesToAsset(d.collateral, BigInt(d.shares))).toBe(BigInt(d.assetAmount));
      for (const e of neutral.exposures)
        expect(book.sharesToAsset(e.collateral, BigInt(e.shares))).toBe(BigInt(e.assetAmount));

      const parts = new Map<string, bigint>();
      let rows = 0;
      for (let i = 1; i <= DEMO_STAKERS; i++) {
        const staker = await get<W.Staker>(`/stakers/${devKey(stakerKey(i)).address}`);
        for (const r of lookThrough(staker, neutral, book).rows) {
          if (r.layer !== "delegated") continue;
          const key = `${r.operator}|${r.serviceSet}|${r.strategy}`;
          parts.set(key, (parts.get(key) ?? 0n) + r.amount);
          rows++;
        }
      }
      expect(rows).toBeGreaterThan(20);
      for (const e of neutral.exposures) {
        const sum = parts.get(`${e.operator}|${e.serviceSet}|${e.collateral}`) ?? 0n;
        expect(sum).toBeLessThanOrEqual(BigInt(e.assetAmount));
      }
    } finally {
      await store.close();
    }
  });
});
