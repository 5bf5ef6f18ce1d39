import { describe, expect, it } from "vitest";
import { executeLrt, LRT_COMMAND_TYPES, type LrtCommand } from "../../src/lrt/commands.ts";
import { buildDemoWorld, demoRoles, role } from "../../src/lrt/demo.ts";
import { presetCommand } from "../../src/lrt/presets.ts";
import { lrtStateHash } from "../../src/lrt/snapshot.ts";
import { LRT_COMMAND_NAMES, LRT_WIRE_PREFIX, lrtCommandSchemas, parseLrtCommand } from "../../src/node/wire.ts";
import { E, NATIVE_ETH } from "./harness.ts";

/** Every LRT command has a wire schema ("lrt.<command>", decimal strings), and the wire round trip is exact. */

const toWire = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

const a = role("a");
const b = role("b");
const root = `0x${"ab".repeat(32)}`;

const examples: LrtCommand[] = [
  {
    type: "createLst",
    id: "wsteth",
    symbol: "wstETH",
    kind: "exchangeRate",
    feeBps: 0n,
    withdrawalDelaySeconds: 1n,
    oracle: a,
    admin: a,
  },
  { type: "lstSubmit", lst: "steth", amount: E(1) },
  { type: "lstReport", lst: "steth", rewardsWei: 5n, penaltiesWei: 0n },
  { type: "lstRequestWithdrawal", lst: "reth", amount: 7n },
  { type: "lstClaimWithdrawal", lst: "reth", id: 1n },
  { ...presetCommand("kelp", demoRoles("x"), {}, { id: "rseth2" }) },
  { type: "addDelegator", lrt: "rseth", operator: a, weightBps: 100n },
  { type: "setDelegatorWeight", lrt: "rseth", delegator: 0n, weightBps: 100n },
  { type: "setParams", lrt: "rseth", params: { feeBps: 5n, assetCaps: [[NATIVE_ETH, E(5)]], whitelist: [b] } },
  { type: "pause", lrt: "eeth", flags: 1n },
  { type: "unpause", lrt: "eeth", flags: 1n },
  { type: "riskOracleUpdate", lrt: "ezeth", pausedFlags: 0n, cooldownSeconds: 3n },
  { type: "addBridgeRoute", lrt: "rseth", chain: "base", mechanism: "burnAndMint", verifier: a },
  { type: "deposit", lrt: "rseth", asset: NATIVE_ETH, amount: E(1), minOut: 1n },
  { type: "requestWithdrawal", lrt: "rseth", amount: E(1), asset: NATIVE_ETH },
  { type: "claimWithdrawal", lrt: "rseth", id: 1n },
  { type: "instantRedeem", lrt: "eeth", amount: 9n },
  { type: "transfer", lrt: "eeth", to: b, amount: 1n, token: "weETH", chain: "arbitrum" },
  { type: "wrap", lrt: "eeth", amount: 1n },
  { type: "unwrap", lrt: "eeth", amount: 1n },
  { type: "bridgeOut", lrt: "eeth", fromChain: "ethereum", toChain: "arbitrum", to: b, amount: 1n },
  { type: "bridgeIn", lrt: "eeth", fromChain: "arbitrum", toChain: "ethereum", nonce: 2n, to: b, amount: 1n },
  { type: "report", lrt: "ezeth", prices: [[a, E(1)]] },
  { type: "finalizeWithdrawals", lrt: "rseth", upTo: 3n, minPrice: 1n, maxPrice: E(2) },
  { type: "finalizeWhenStale", lrt: "eeth" },
  { type: "invalidateWithdrawal", lrt: "eeth", id: 1n },
  { type: "restake", lrt: "rseth", asset: a, amount: 1n, delegator: 0n },
  { type: "stakeNative", lrt: "eeth", delegator: 1n, validators: 2n },
  { type: "startCheckpoint", lrt: "eeth", delegator: 1n },
  { type: "stakeLst", lrt: "eeth", lst: "steth", amount: 1n },
  { type: "unstake", lrt: "rseth", delegator: 0n, strategy: a, shares: 1n },
  { type: "completeUnstake", lrt: "rseth", withdrawalRoot: root },
  { type: "depositRewards", lrt: "pufeth", amount: 1n },
  { type: "postBond", lrt: "pufeth", delegator: 0n, validators: 1n, enclave: true },
];

describe("LRT wire schemas", () => {
  it("cover every LRT command, under the lrt. prefix", () => {
    expect(Object.keys(lrtCommandSchemas).sort()).toEqual([...LRT_COMMAND_TYPES].sort());
    expect(LRT_COMMAND_NAMES.every((n) => n.startsWith(LRT_WIRE_PREFIX))).toBe(true);
    expect(new Set(examples.map((c) => c.type))).toEqual(new Set(LRT_COMMAND_TYPES));
  });

  it("round-trip every command exactly (decimal strings in, bigints out)", () => {
    for (const cmd of examples) {
      const { type, ...params } = cmd;
      const r = parseLrtCommand(`${LRT_WIRE_PREFIX}${type}`, toWire(params));
      expect(r.ok ? r.command : r.issues, type).toEqual(cmd);
    }
  });

  it("are strict: unknown fields, bad numbers, bad names and the unprefixed name are refused", () => {
    expect(parseLrtCommand("lrt.deposit", { lrt: "eeth", asset: NATIVE_ETH, amount: "1", extra: 1 }).ok).toBe(false);
    expect(parseLrtCommand("lrt.deposit", { lrt: "eeth", asset: NATIVE_ETH, amount: "-1" }).ok).toBe(false);
    expect(parseLrtCommand("lrt.deposit", { lrt: "EETH", asset: NATIVE_ETH, amount: "1" }).ok).toBe(false);
    expect(parseLrtCommand("deposit", { lrt: "eeth", asset: NATIVE_ETH, amount: "1" }).ok).toBe(false);
    expect(parseLrtCommand("lrt.mintForFree", {}).ok).toBe(false);
  });

  it("a parsed command executes like the original", () => {
    const d = buildDemoWorld();
    const ctx = { ...d.chain.ctx(d.users[0]!), block: d.chain.block + 1n, timestamp: d.chain.timestamp + 12n };
    const r = parseLrtCommand("lrt.deposit", {
      lrt: "rseth",
      asset: NATIVE_ETH.toUpperCase().replace("0X", "0x"),
      amount: "2000000000000000000",
    });
    expect(r.ok).toBe(true);
    const before = lrtStateHash(d.chain.w);
    executeLrt(d.chain.w, ctx, (r as { command: LrtCommand }).command);
    expect(lrtStateHash(d.chain.w)).not.toBe(before);
  });
});
