import { describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { toPlainJson } from "../../src/core/shared/codec.ts";
import { presetCommand } from "../../src/lrt/presets.ts";
import { createApp } from "../../src/node/app.ts";
import { addr, keys, openLedger, signed, tempDb } from "./ledgerHarness.ts";

const WAD = 10n ** 18n;

describe("API: LRT and market views from the ledger's world", () => {
  it("serves LRT summaries, one LRT in full, markets and positions, with 404 for an unknown LRT", async () => {
    const l = await openLedger(tempDb());
    const app = createApp(l, { rateLimit: false });
    const admin = addr(keys.admin);
    const { type: _type, ...createLrt } = presetCommand(
      "etherfi",
      {
        admin,
        oracle: addr(keys.reporter),
        manager: admin,
        pauser: admin,
        riskOracle: admin,
        treasury: admin,
        nodeOperatorRewards: admin,
      },
      {},
    );
    const send = async (who: (typeof keys)[keyof typeof keys], command: string, params: unknown) => {
      const out = await l.submit(await signed(l, who, command, JSON.parse(toPlainJson(params))));
      if (out.status !== "accepted") throw new Error(`${command}: ${out.code} ${out.message}`);
    };
    await send(keys.admin, "lrt.createLrt", createLrt);
    await send(keys.admin, "mint", { token: NATIVE_ETH, to: addr(keys.staker), amount: 50n * WAD });
    await send(keys.staker, "lrt.deposit", { lrt: createLrt.id, asset: NATIVE_ETH, amount: 10n * WAD });
    await send(keys.admin, "market.listAsset", { asset: "WETH", decimals: 18 });

    const list = (await (await app.request("/api/lrts")).json()) as {
      lrts: { id: string; supply: string; supplyInvariantHolds: boolean }[];
    };
    expect(list.lrts).toHaveLength(1);
    expect(list.lrts[0]).toMatchObject({ id: createLrt.id, supplyInvariantHolds: true });
    expect(BigInt(list.lrts[0]!.supply)).toBeGreaterThan(0n);

    const one = await app.request(`/api/lrts/${createLrt.id}`);
    expect(one.status).toBe(200);
    const body = (await one.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["allocation", "liquidity", "nav", "queue", "summary", "supplyByChain"]);

    expect((await app.request("/api/lrts/no-such-lrt")).status).toBe(404);
    expect((await app.request("/api/lrts/NOT_AN_ID")).status).toBe(400);

    const markets = await app.request("/api/markets");
    expect(markets.status).toBe(200);
    expect(Object.keys((await markets.json()) as object).sort()).toEqual([
      "assets",
      "lending",
      "liquidations",
      "pools",
    ]);
    const pos = await app.request(`/api/markets/positions/${addr(keys.staker)}`);
    expect(pos.status).toBe(200);
    expect((await app.request("/api/markets/positions/0x1234")).status).toBe(400);
    await l.store.close();
  });
});
