import { describe, expect, it } from "vitest";
import type { ProtocolError } from "../../src/core/shared/errors.ts";
import { executeLrt, type LrtCommand } from "../../src/lrt/commands.ts";
import { getLrt } from "../../src/lrt/context.ts";
import { buildDemoWorld, demoRoles, role } from "../../src/lrt/demo.ts";
import { lrtStateHash } from "../../src/lrt/snapshot.ts";
import { PAUSE } from "../../src/lrt/state.ts";
import { E, NATIVE_ETH, reverts } from "./harness.ts";

/**
 * Bad input of every class, against the demo world (all five LRTs, LSTs, routes, queued requests): each gets its
 * typed ProtocolError and leaves the world hash (core state hash + LRT tables) exactly as it was — including when
 * the command fails after it has already run core commands.
 */

const d = buildDemoWorld();
const { chain: c, users, lsts, verifier } = d;
const [u0, u1, , u3] = users as [`0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`];
const R = {
  etherfi: demoRoles("etherfi"),
  renzo: demoRoles("renzo"),
  kelp: demoRoles("kelp"),
  puffer: demoRoles("puffer"),
  swell: demoRoles("swell"),
};
const stranger = role("stranger");

type Case = [name: string, caller: `0x${string}`, command: LrtCommand, code: string];

const cases: Case[] = [
  // zero amounts
  ["deposit 0", u0, { type: "deposit", lrt: "eeth", asset: NATIVE_ETH, amount: 0n }, "ZeroAmount"],
  ["request 0", u0, { type: "requestWithdrawal", lrt: "rseth", amount: 0n }, "ZeroAmount"],
  ["instant redeem 0", u0, { type: "instantRedeem", lrt: "pufeth", amount: 0n }, "ZeroAmount"],
  [
    "bridge 0",
    u0,
    { type: "bridgeOut", lrt: "eeth", fromChain: "ethereum", toChain: "arbitrum", to: u0, amount: 0n },
    "ZeroAmount",
  ],
  ["LST submit 0", u0, { type: "lstSubmit", lst: "steth", amount: 0n }, "ZeroAmount"],
  ["restake 0", R.kelp.manager, { type: "restake", lrt: "rseth", asset: lsts.steth!, amount: 0n }, "ZeroAmount"],
  // unsupported assets
  ["rETH into eETH", u0, { type: "deposit", lrt: "eeth", asset: lsts.reth!, amount: E(1) }, "UnsupportedAsset"],
  ["stETH into rswETH", u0, { type: "deposit", lrt: "rsweth", asset: lsts.steth!, amount: E(1) }, "UnsupportedAsset"],
  ["unknown token", u0, { type: "deposit", lrt: "rseth", asset: role("junk"), amount: E(1) }, "UnsupportedAsset"],
  [
    "eETH paid in stETH",
    u0,
    { type: "requestWithdrawal", lrt: "eeth", amount: E(1), asset: lsts.steth! },
    "UnsupportedAsset",
  ],
  [
    "restake ETH",
    R.kelp.manager,
    { type: "restake", lrt: "rseth", asset: NATIVE_ETH, amount: E(1) },
    "UnsupportedAsset",
  ],
  // caps and minimums
  [
    "below Kelp's minimum",
    u0,
    { type: "deposit", lrt: "rseth", asset: NATIVE_ETH, amount: 10n ** 13n },
    "BelowMinimumDeposit",
  ],
  [
    "below Puffer's minimum withdrawal",
    u0,
    { type: "requestWithdrawal", lrt: "pufeth", amount: 10n ** 15n },
    "BelowMinimumWithdrawal",
  ],
  // claims before the delay, or not finalized
  ["Renzo claim in cooldown", u1, { type: "claimWithdrawal", lrt: "ezeth", id: 1n }, "ClaimTooEarly"],
  ["ether.fi claim not finalized", u1, { type: "claimWithdrawal", lrt: "eeth", id: 1n }, "RequestNotFinalized"],
  ["Kelp claim not unlocked", u1, { type: "claimWithdrawal", lrt: "rseth", id: 1n }, "RequestNotFinalized"],
  ["someone else's request", u0, { type: "claimWithdrawal", lrt: "eeth", id: 1n }, "NotRequestOwner"],
  ["no such request", u1, { type: "claimWithdrawal", lrt: "eeth", id: 99n }, "UnknownRequest"],
  // balances
  ["more eETH than held", u1, { type: "requestWithdrawal", lrt: "eeth", amount: E(1_000) }, "InsufficientLrtBalance"],
  [
    "more ETH than held",
    u1,
    { type: "deposit", lrt: "eeth", asset: NATIVE_ETH, amount: E(1_000_000) },
    "ERC20InsufficientBalance",
  ],
  [
    "bridge more than held",
    u1,
    { type: "bridgeOut", lrt: "rseth", fromChain: "ethereum", toChain: "unichain", to: u1, amount: E(1_000) },
    "InsufficientLrtBalance",
  ],
  // roles
  ["report by a stranger", stranger, { type: "report", lrt: "eeth" }, "OnlyLrtOracle"],
  [
    "restake by a stranger",
    stranger,
    { type: "restake", lrt: "rseth", asset: lsts.steth!, amount: 1n },
    "OnlyLrtManager",
  ],
  ["params by a stranger", stranger, { type: "setParams", lrt: "eeth", params: { feeBps: 0n } }, "OnlyLrtAdmin"],
  ["pause by a stranger", stranger, { type: "pause", lrt: "eeth", flags: PAUSE.deposits }, "OnlyLrtPauser"],
  [
    "risk oracle by a stranger",
    stranger,
    { type: "riskOracleUpdate", lrt: "ezeth", pausedFlags: 1n, cooldownSeconds: 0n },
    "OnlyRiskOracle",
  ],
  [
    "LST report by a stranger",
    stranger,
    { type: "lstReport", lst: "steth", rewardsWei: 1n, penaltiesWei: 0n },
    "OnlyLstOracle",
  ],
  [
    "LRT deployed by a stranger",
    stranger,
    {
      type: "createLst",
      id: "x",
      symbol: "X",
      kind: "rebasing",
      feeBps: 0n,
      withdrawalDelaySeconds: 0n,
      oracle: stranger,
      admin: stranger,
    },
    "OnlyCoreAdmin",
  ],
  [
    "bridge delivery by a stranger",
    stranger,
    { type: "bridgeIn", lrt: "eeth", fromChain: "arbitrum", toChain: "ethereum", nonce: 5n, to: stranger, amount: 1n },
    "OnlyBridgeVerifier",
  ],
  // unknown things and bad parameters
  ["no such LRT", u0, { type: "deposit", lrt: "nope", asset: NATIVE_ETH, amount: 1n }, "UnknownLrt"],
  ["no such LST", u0, { type: "lstSubmit", lst: "nope", amount: 1n }, "UnknownLst"],
  [
    "no such route",
    u0,
    { type: "bridgeOut", lrt: "pufeth", fromChain: "ethereum", toChain: "base", to: u0, amount: 1n },
    "UnknownRoute",
  ],
  [
    "L2 to L2",
    u0,
    { type: "bridgeOut", lrt: "eeth", fromChain: "arbitrum", toChain: "base", to: u0, amount: 1n },
    "UnknownRoute",
  ],
  [
    "no such delegator",
    R.etherfi.manager,
    { type: "stakeNative", lrt: "eeth", delegator: 7n, validators: 1n },
    "UnknownDelegator",
  ],
  [
    "fee over 20 %",
    R.etherfi.admin,
    { type: "setParams", lrt: "eeth", params: { feeBps: 2_001n } },
    "InvalidLrtParams",
  ],
  [
    "exit fee over 250 bps",
    R.puffer.admin,
    { type: "setParams", lrt: "pufeth", params: { exitFeeBps: 251n } },
    "InvalidLrtParams",
  ],
  [
    "Kelp delay over 10 days",
    R.kelp.admin,
    { type: "setParams", lrt: "rseth", params: { withdrawalDelayBlocks: 72_001n } },
    "InvalidLrtParams",
  ],
  [
    "unknown parameter",
    R.kelp.admin,
    { type: "setParams", lrt: "rseth", params: { nope: 1n } as never },
    "InvalidLrtParams",
  ],
  ["instant rsETH", u0, { type: "instantRedeem", lrt: "rseth", amount: E(1) }, "InstantRedeemUnsupported"],
  [
    "Kelp risk oracle",
    R.kelp.riskOracle,
    { type: "riskOracleUpdate", lrt: "rseth", pausedFlags: 0n, cooldownSeconds: 0n },
    "UnsupportedForProtocol",
  ],
  [
    "ether.fi finalizes in reports",
    R.etherfi.oracle,
    { type: "finalizeWithdrawals", lrt: "eeth" },
    "FinalizationNotAvailable",
  ],
  ["report too soon", R.swell.oracle, { type: "report", lrt: "rsweth" }, "ReportTooSoon"],
  ["unknown command", u0, { type: "mintForFree", lrt: "eeth" } as never, "UnknownCommand"],
  [
    "amount over uint256",
    u0,
    { type: "deposit", lrt: "eeth", asset: NATIVE_ETH, amount: 2n ** 256n },
    "InputOutOfRange",
  ],
  ["negative amount", u0, { type: "deposit", lrt: "eeth", asset: NATIVE_ETH, amount: -1n }, "InputOutOfRange"],
  [
    "mixed-case address",
    u0,
    { type: "transfer", lrt: "eeth", to: u1.toUpperCase().replace("0X", "0x") as `0x${string}`, amount: 1n },
    "InvalidAddress",
  ],
  // failing after core commands already ran: everything, core included, is rolled back
  [
    "slippage after the mint",
    u0,
    { type: "deposit", lrt: "rseth", asset: NATIVE_ETH, amount: E(1), minOut: E(2) },
    "SlippageExceeded",
  ],
  [
    "Renzo slippage after routing to the core",
    u3,
    { type: "deposit", lrt: "ezeth", asset: lsts.steth!, amount: E(1), minOut: E(5) },
    "SlippageExceeded",
  ],
];

describe("LRT bad input: typed errors, nothing changed", () => {
  for (const [name, caller, command, code] of cases) {
    it(`${name} → ${code}`, () => {
      reverts(c, caller, command, code);
    });
  }

  it("a stale oracle: Renzo refuses to price with a feed older than 86 460 s", () => {
    const saved = c.block;
    c.advance(86_460n / 12n + 1n);
    reverts(c, u0, { type: "deposit", lrt: "ezeth", asset: NATIVE_ETH, amount: E(1) }, "OraclePriceExpired");
    reverts(c, u1, { type: "requestWithdrawal", lrt: "ezeth", amount: E(1) }, "OraclePriceExpired");
    c.block = saved;
  });

  it("over-cap deposits, paused deposits, a paused core", () => {
    const saved = c.block;
    c.advance(1n);
    c.lrt(R.kelp.admin, { type: "setParams", lrt: "rseth", params: { depositCap: E(1) } });
    reverts(c, u0, { type: "deposit", lrt: "rseth", asset: NATIVE_ETH, amount: E(1) }, "DepositCapExceeded");
    c.lrt(R.kelp.admin, {
      type: "setParams",
      lrt: "rseth",
      params: { depositCap: 0n, assetCaps: [[lsts.steth!, 1n]] },
    });
    reverts(c, u3, { type: "deposit", lrt: "rseth", asset: lsts.steth!, amount: E(1) }, "AssetCapExceeded");
    c.lrt(R.etherfi.pauser, { type: "pause", lrt: "eeth", flags: PAUSE.deposits | PAUSE.bridge });
    reverts(c, u0, { type: "deposit", lrt: "eeth", asset: NATIVE_ETH, amount: E(1) }, "LrtPaused");
    reverts(
      c,
      u0,
      { type: "bridgeOut", lrt: "eeth", fromChain: "ethereum", toChain: "arbitrum", to: u0, amount: 1n },
      "LrtPaused",
    );
    // the core's StrategyManager paused: restake moves the LST to the delegator, then the deposit fails
    c.core(c.admin, { type: "pause", module: "strategyManager", newPausedStatus: 1n });
    const rec = getLrt(c.w, "rseth");
    c.lrt(u3, { type: "deposit", lrt: "ezeth", asset: NATIVE_ETH, amount: E(1) });
    const held = c.w.eigen.balances.get(`${lsts.steth}|${rec.accounts.pool}`) ?? 0n;
    c.lrt(u3, { type: "lstSubmit", lst: "steth", amount: E(2) });
    c.lrt(R.kelp.admin, { type: "setParams", lrt: "rseth", params: { assetCaps: [] } });
    c.lrt(u3, { type: "deposit", lrt: "rseth", asset: lsts.steth!, amount: E(1) });
    reverts(
      c,
      R.kelp.manager,
      { type: "restake", lrt: "rseth", asset: lsts.steth!, amount: held + E(1) },
      "CurrentlyPaused",
    );
    c.block = saved + 1n;
  });

  it("time never goes backwards, across both layers", () => {
    const before = lrtStateHash(c.w);
    const cmd: LrtCommand = { type: "transfer", lrt: "rseth", to: u1, amount: 1n };
    for (const [ctx, code] of [
      [{ block: 1n, timestamp: c.timestamp, caller: u0 }, "BlockInPast"],
      [{ block: c.block, timestamp: 1n, caller: u0 }, "TimestampInPast"],
      [{ block: c.block, timestamp: c.timestamp, caller: "0xABC" as `0x${string}` }, "InvalidAddress"],
    ] as const) {
      let thrown: unknown;
      try {
        executeLrt(c.w, ctx, cmd);
      } catch (e) {
        thrown = e;
      }
      expect((thrown as ProtocolError).code).toBe(code);
    }
    expect(lrtStateHash(c.w)).toBe(before);
    expect(verifier).toBeDefined();
  });
});
