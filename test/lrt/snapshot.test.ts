import { describe, expect, it } from "vitest";
import { deserializeState, serializeState } from "../../src/core/eigenlayer/snapshot.ts";
import { executeLrt } from "../../src/lrt/commands.ts";
import { buildDemoWorld } from "../../src/lrt/demo.ts";
import { deserializeLrtState, lrtStateHash, lrtTablesHash, serializeLrtState } from "../../src/lrt/snapshot.ts";
import type { World } from "../../src/lrt/state.ts";
import { E, NATIVE_ETH } from "./harness.ts";

/** The world hash covers both layers canonically, and a snapshot restores a world that evolves identically. */

describe("LRT snapshots and the world hash", () => {
  it("round-trips exactly, and the restored world evolves identically", () => {
    const d = buildDemoWorld();
    const w = d.chain.w;
    const eigen = deserializeState(serializeState(w.eigen));
    const copy: World = { eigen, lrt: deserializeLrtState(serializeLrtState(w.lrt), eigen) };
    expect(lrtStateHash(copy)).toBe(lrtStateHash(w));
    const ctx = { ...d.chain.ctx(d.users[0]!), block: d.chain.block + 1n, timestamp: d.chain.timestamp + 12n };
    const cmd = { type: "deposit", lrt: "rseth", asset: NATIVE_ETH, amount: E(3) } as const;
    executeLrt(w, ctx, cmd);
    executeLrt(copy, ctx, cmd);
    expect(lrtStateHash(copy)).toBe(lrtStateHash(w));
  });

  it("depends on content, not on the order keys were written", () => {
    const a = buildDemoWorld().chain.w;
    const b = buildDemoWorld().chain.w;
    const entries = [...b.lrt.balances.map.entries()].reverse();
    b.lrt.balances.map.clear();
    for (const [k, v] of entries) b.lrt.balances.map.set(k, v);
    expect(lrtTablesHash(b.lrt)).toBe(lrtTablesHash(a.lrt));
    b.lrt.balances.map.set("rseth|rsETH|ethereum|0x0000000000000000000000000000000000000001", 1n);
    expect(lrtStateHash(b)).not.toBe(lrtStateHash(a));
  });
});
