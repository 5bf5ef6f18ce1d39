import { describe, expect, it } from "vitest";
import * as dm from "../../src/core/eigenlayer/delegationManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../src/core/eigenlayer/params.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { type ConfigInput, ledgerOptions, nodeConfig } from "../../src/node/config.ts";
import {
  DEMO_AVSS,
  DEMO_OPERATORS,
  DEMO_STAKERS,
  DEMO_TOKENS,
  demoStrategy,
  demoToken,
  seedDemo,
  stakerKey,
} from "../../src/node/demo.ts";
import { devKey } from "../../src/node/keys.ts";
import { Ledger } from "../../src/node/ledger.ts";
import { openStore } from "../../src/store/index.ts";
import type { LogEntry } from "../../src/store/types.ts";

async function seeded(input: ConfigInput) {
  const store = await openStore({ db: ":memory:" });
  const config = nodeConfig({ demo: true, ...input }, () => 0);
  const ledger = await Ledger.open(ledgerOptions(config, store));
  const summary = await seedDemo(ledger);
  const log: LogEntry[] = await store.read(1, 100_000);
  return { store, config, ledger, summary, log };
}

const events = (log: LogEntry[], name: string) =>
  log.flatMap((e) =>
    (e.events as { event: string; args: Record<string, unknown> }[]).filter((ev) => ev.event === name),
  );

describe("seedDemo", () => {
  it("builds a realistic network through signed, logged transactions (manual clock)", async () => {
    const { ledger, summary, log, store, config } = await seeded({ manualClock: true });
    const s = ledger.state;
    expect(summary.seeded).toBe(true);
    expect(log.length).toBe(summary.transactions);
    expect(log.length).toBe(ledger.seq);

    // tokens and strategies, one of them with 6 decimals
    for (const t of DEMO_TOKENS) {
      expect(s.tokens.get(demoToken(t.symbol))?.decimals).toBe(t.decimals);
      expect(s.strategies.get(demoStrategy(t.symbol))?.totalShares).toBeGreaterThan(0n);
    }
    // operators, AVSs (of the guides' kinds), operator sets with their own slasher
    expect(s.operators.size).toBe(DEMO_OPERATORS.length);
    expect(s.operators.size).toBeGreaterThan(5);
    expect(s.avss.size).toBeGreaterThanOrEqual(5);
    expect(new Set(DEMO_AVSS.map((a) => a.kind))).toEqual(
      new Set(["data availability", "oracle", "bridge", "sequencer", "ZK verification", "keeper network"]),
    );
    for (const a of DEMO_AVSS) {
      for (const set of a.sets) {
        const rec = s.operatorSets.get(`${devKey(a.key).address}/${set.id}`);
        expect(rec?.slasher.slasher).toBe(devKey(`${a.key}-slasher`).address);
        expect(rec?.members.length).toBeGreaterThan(0);
      }
    }
    // stakers: deposits of tens to thousands of ETH; most delegated
    const delegated = Array.from({ length: DEMO_STAKERS }, (_, i) => devKey(stakerKey(i + 1)).address).filter((a) =>
      dm.isDelegated(s, a),
    );
    expect(delegated.length).toBeGreaterThan(30);
    const depositTxs = log.filter((e) => (e.tx as { command: string }).command === "depositIntoStrategy");
    expect(depositTxs.length).toBeGreaterThan(DEMO_STAKERS);
    for (const e of depositTxs) {
      const { strategy, amount } = (e.tx as { params: { strategy: Address; amount: string } }).params;
      if (strategy === demoStrategy("USDC")) continue;
      expect(BigInt(amount)).toBeGreaterThanOrEqual(10n ** 19n); // ≥ 10 ETH
      expect(BigInt(amount)).toBeLessThanOrEqual(4000n * 10n ** 18n);
    }
    // native restaking: pods with verified validators and restaked beacon-chain ETH
    expect(s.pods.size).toBe(summary.pods);
    expect([...s.validators.values()].filter((v) => v.status === "ACTIVE").length).toBeGreaterThanOrEqual(summary.pods);
    expect(events(log, "CheckpointFinalized").length).toBe(1);

    // heavy-tailed operator stake: the largest operator holds far more than the smallest
    const ethStrategies = [...s.strategies.keys()]
      .filter((a) => a !== demoStrategy("USDC"))
      .concat(BEACON_CHAIN_ETH_STRATEGY);
    const stake = DEMO_OPERATORS.map((o) =>
      ethStrategies.reduce((n, st) => n + dm.operatorShares(s, devKey(o.key).address, st as Address), 0n),
    );
    const sorted = [...stake].sort((a, b) => (a < b ? 1 : -1));
    expect(stake[0]).toBe(sorted[0]);
    expect(sorted[0]! > 5n * sorted[sorted.length - 1]!).toBe(true);
    expect(sorted[0]! > 1000n * 10n ** 18n).toBe(true);

    // history: allocations, a slash, queued and completed withdrawals, a redelegation, a cleared slash
    expect(events(log, "AllocationUpdated").length).toBeGreaterThan(20);
    expect(events(log, "OperatorSlashed").length).toBe(1);
    expect(summary.slashes).toBe(1);
    expect(s.withdrawals.size).toBe(summary.queuedWithdrawals);
    expect(summary.queuedWithdrawals).toBeGreaterThanOrEqual(3);
    expect(summary.completedWithdrawals).toBe(1);
    expect(events(log, "SlashingWithdrawalCompleted").length).toBe(1);
    expect(events(log, "BurnOrRedistributableSharesDecreased").length).toBeGreaterThan(0);
    expect(ledger.time.block).toBeGreaterThan(config.delays.minWithdrawalDelayBlocks);

    // the log replays to the same state
    const full = await Ledger.replayAll(ledgerOptions(config, store));
    expect(full.hash()).toBe(ledger.hash());
    await store.close();
  });

  it("is deterministic and idempotent", async () => {
    const a = await seeded({ manualClock: true });
    const b = await seeded({ manualClock: true });
    expect(a.ledger.hash()).toBe(b.ledger.hash());
    const again = await seedDemo(a.ledger);
    expect(again.seeded).toBe(false);
    expect(a.ledger.seq).toBe(a.log.length);
    await a.store.close();
    await b.store.close();
  });

  it("seeds on a real-time clock too (no clock advances; withdrawals stay queued)", async () => {
    const { ledger, summary, log, store } = await seeded({});
    expect(summary.seeded).toBe(true);
    expect(summary.completedWithdrawals).toBe(0);
    expect(summary.queuedWithdrawals).toBeGreaterThanOrEqual(3);
    expect(log.some((e) => (e.tx as { command: string }).command === "advanceClock")).toBe(false);
    expect(events(log, "OperatorSlashed").length).toBe(1);
    // the layers: with no time passing, only the reports that need none ran (Renzo's feeds, Kelp's price)
    const reports = log
      .map((e) => e.tx as { command: string; params: { lrt?: string } })
      .filter((t) => t.command === "lrt.report")
      .map((t) => t.params.lrt);
    expect(new Set(reports)).toEqual(new Set(["ezeth", "rseth"]));
    expect(summary.layers).toMatchObject({ lrts: 5, liquidations: 1, borrowers: 8 });
    expect(ledger.world.markets.liquidations.get("all")).toHaveLength(1);
    expect(ledger.seq).toBe(log.length);
    await store.close();
  });

  it("refuses to seed when the node's admin is not the dev admin", async () => {
    const store = await openStore({ db: ":memory:" });
    const config = nodeConfig({ demo: true, manualClock: true, admin: `0x${"12".repeat(20)}` });
    const ledger = await Ledger.open(ledgerOptions(config, store));
    await expect(seedDemo(ledger)).rejects.toThrow(/dev keys/);
    expect(ledger.seq).toBe(0);
    await store.close();
  });
});
