import { describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import { buildDemoWorld } from "../../src/lrt/demo.ts";
import * as lrtViews from "../../src/lrt/views.ts";
import { createMarketState } from "../../src/markets/state.ts";
import { Ledger } from "../../src/node/ledger.ts";
import { lrtRates, worldHash } from "../../src/node/world.ts";
import { addr, keys, ledgerOptions, openLedger, seedSmall, signed, tempDb } from "./ledgerHarness.ts";

const WAD = 10n ** 18n;

async function send(
  l: Ledger,
  who: (typeof keys)[keyof typeof keys],
  command: string,
  params: Record<string, unknown>,
) {
  return l.submit(await signed(l, who, command, params));
}

describe("the ledger's world: core, LRTs and markets on one journal", () => {
  it("a core-only world hashes exactly like the core", async () => {
    const l = await openLedger(tempDb());
    await seedSmall(l);
    expect(worldHash(l.world)).toBe(stateHash(l.world.eigen));
    await l.store.close();
  });

  it("accepts signed lrt.* and market.* transactions, rejects wrong roles with 403, and replays to the same hash", async () => {
    const db = tempDb();
    const l = await openLedger(db, { snapshotEvery: 3 });
    const ok = async (who: (typeof keys)[keyof typeof keys], command: string, params: Record<string, unknown>) => {
      const out = await send(l, who, command, params);
      if (out.status !== "accepted") throw new Error(`${command}: ${out.code} ${out.message}`);
      return out;
    };
    await ok(keys.admin, "mint", { token: NATIVE_ETH, to: addr(keys.staker), amount: (100n * WAD).toString() });
    await ok(keys.admin, "lrt.createLst", {
      id: "steth",
      symbol: "stETH",
      kind: "rebasing",
      feeBps: "1000",
      withdrawalDelaySeconds: "0",
      oracle: addr(keys.reporter),
      admin: addr(keys.admin),
    });
    await ok(keys.staker, "lrt.lstSubmit", { lst: "steth", amount: (10n * WAD).toString() });
    const before = l.hash();
    const wrongRole = await send(l, keys.staker, "lrt.lstReport", { lst: "steth", rewardsWei: "1", penaltiesWei: "0" });
    expect(wrongRole).toMatchObject({ status: "rejected", httpStatus: 403 });
    expect(l.hash()).toBe(before);
    await ok(keys.reporter, "lrt.lstReport", { lst: "steth", rewardsWei: WAD.toString(), penaltiesWei: "0" });

    await ok(keys.admin, "market.listAsset", { asset: "WETH", decimals: 18 });
    const notAdmin = await send(l, keys.staker, "market.listAsset", { asset: "stETH", decimals: 18 });
    expect(notAdmin).toMatchObject({ status: "rejected", httpStatus: 403 });
    await ok(keys.admin, "market.mint", { asset: "WETH", to: addr(keys.staker), amount: (5n * WAD).toString() });

    const bad = await send(l, keys.admin, "market.mint", {
      asset: "WETH",
      to: addr(keys.staker),
      amount: "1",
      extra: true,
    });
    expect(bad).toMatchObject({ status: "rejected", code: "InvalidParams", httpStatus: 400 });

    expect(worldHash(l.world)).not.toBe(stateHash(l.world.eigen));
    expect(l.world.lrt.lsts.size).toBe(1);
    const hash = l.hash();
    await l.store.close();

    const reopened = await openLedger(db);
    expect(reopened.hash()).toBe(hash);
    expect(reopened.world.markets.balances.get(`WETH|${addr(keys.staker)}`)).toBe(5n * WAD);
    const full = await Ledger.replayAll(ledgerOptions(reopened.store));
    expect(full.hash()).toBe(hash);
    await reopened.store.close();
  });

  it("markets read LRT exchange rates from the LRT layer", () => {
    const demo = buildDemoWorld();
    const w = demo.chain.w;
    const world = { eigen: w.eigen, lrt: w.lrt, markets: createMarketState({}, w.eigen.journal) };
    const ids = lrtViews.listLrts(w);
    expect(ids.length).toBeGreaterThan(0);
    const now = w.eigen.globals.get("timestamp") ?? 0n;
    for (const id of ids) {
      expect(lrtRates(world).exchangeRate(id, now)).toBe(lrtViews.rate(w, id, { timestamp: now }));
    }
    expect(lrtRates(world).exchangeRate("not-an-lrt", now)).toBeUndefined();
  });
});
