import { describe, expect, it } from "vitest";
import { InvariantViolation } from "../../src/core/shared/errors.ts";
import { assertBackedSupply, supplyByChain } from "../../src/lrt/bridge.ts";
import { role } from "../../src/lrt/demo.ts";
import * as views from "../../src/lrt/views.ts";
import { E, eventsNamed, NATIVE_ETH, reverts, type Setup, setup, tokensOf } from "./harness.ts";

/**
 * Bridged supply: canonical L1 + Σ L2 + in flight = backed, under lock-and-mint and burn-and-mint, checked at every
 * step; and the April 2026 rsETH incident: a verifier-attested message with no burn on the L2 releases tokens on the
 * L1, the invariant flags it and the unbacked amount is exactly the forged amount.
 */

const verifier = role("dvn");
const attacker = role("attacker");

function withRoute(kind: "kelp" | "renzo" | "etherfi", chain: string, mechanism: "lockAndMint" | "burnAndMint"): Setup {
  const s = setup(kind);
  s.c.lrt(s.users[0]!, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(1_000) });
  s.c.lrt(s.roles.admin, { type: "addBridgeRoute", lrt: s.id, chain, mechanism, verifier });
  return s;
}

const holds = (s: Setup) => expect(assertBackedSupply(s.c.w, s.id).unbacked).toBe(0n);

describe("bridged supply: honest sequences", () => {
  for (const mechanism of ["lockAndMint", "burnAndMint"] as const) {
    it(`${mechanism}: out to the L2 and back, the invariant holds at every step`, () => {
      const s = withRoute("kelp", "unichain", mechanism);
      const u0 = s.users[0]!;
      const u1 = s.users[1]!;
      holds(s);
      s.c.lrt(u0, { type: "bridgeOut", lrt: s.id, fromChain: "ethereum", toChain: "unichain", to: u1, amount: E(300) });
      let v = supplyByChain(s.c.w, s.id);
      expect([v.inFlight, v.canonicalL1, v.l2Total]).toEqual([E(300), E(700), 0n]);
      holds(s);
      s.c.advance(3n);
      s.c.lrt(verifier, {
        type: "bridgeIn",
        lrt: s.id,
        fromChain: "ethereum",
        toChain: "unichain",
        nonce: 1n,
        to: u1,
        amount: E(300),
      });
      v = supplyByChain(s.c.w, s.id);
      expect([v.inFlight, v.canonicalL1, v.l2Total]).toEqual([0n, E(700), E(300)]);
      if (mechanism === "lockAndMint") expect(v.chains[0]!.lockedInAdapter).toBe(E(300));
      holds(s);
      s.c.lrt(u1, { type: "transfer", lrt: s.id, to: u0, amount: E(100), chain: "unichain" });
      s.c.lrt(u0, { type: "bridgeOut", lrt: s.id, fromChain: "unichain", toChain: "ethereum", to: u0, amount: E(100) });
      holds(s);
      s.c.lrt(verifier, {
        type: "bridgeIn",
        lrt: s.id,
        fromChain: "unichain",
        toChain: "ethereum",
        nonce: 1n,
        to: u0,
        amount: E(100),
      });
      holds(s);
      expect(tokensOf(s, u0)).toBe(E(800));
      expect(tokensOf(s, u1, undefined, "unichain")).toBe(E(200));
    });
  }

  it("weETH: the backed supply is the eETH shares its wrapper holds", () => {
    const s = withRoute("etherfi", "arbitrum", "lockAndMint");
    const u0 = s.users[0]!;
    s.c.lrt(u0, { type: "wrap", lrt: s.id, amount: E(400) });
    s.c.lrt(u0, { type: "bridgeOut", lrt: s.id, fromChain: "ethereum", toChain: "arbitrum", to: u0, amount: E(250) });
    s.c.lrt(verifier, {
      type: "bridgeIn",
      lrt: s.id,
      fromChain: "ethereum",
      toChain: "arbitrum",
      nonce: 1n,
      to: u0,
      amount: E(250),
    });
    const v = assertBackedSupply(s.c.w, s.id);
    expect([v.token, v.backed, v.l2Total, v.canonicalL1]).toEqual(["weETH", E(400), E(250), E(150)]);
  });
});

describe("bridged supply: a forged message (rsETH, 18 April 2026)", () => {
  it("a release on the L1 with no burn on the L2 is accepted, flagged, and measured exactly", () => {
    const s = withRoute("kelp", "unichain", "lockAndMint");
    const u0 = s.users[0]!;
    s.c.lrt(u0, { type: "bridgeOut", lrt: s.id, fromChain: "ethereum", toChain: "unichain", to: u0, amount: E(600) });
    s.c.lrt(verifier, {
      type: "bridgeIn",
      lrt: s.id,
      fromChain: "ethereum",
      toChain: "unichain",
      nonce: 1n,
      to: u0,
      amount: E(600),
    });
    holds(s);
    // the 1-of-1 verifier attests a message from Unichain that no bridgeOut sent (≈18 % of supply, as on the day)
    const forged = E(180);
    const r = s.c.lrt(verifier, {
      type: "bridgeIn",
      lrt: s.id,
      fromChain: "unichain",
      toChain: "ethereum",
      nonce: 1n,
      to: attacker,
      amount: forged,
    });
    expect(r.result.sentOnSource).toBe(false);
    expect(eventsNamed(r.events, "SupplyInvariantViolated")[0]).toMatchObject({ unbacked: forged });
    const v = supplyByChain(s.c.w, s.id);
    expect(v.holds).toBe(false);
    expect(v.unbacked).toBe(forged);
    expect(v.l2Total).toBe(E(600)); // the L2 holders still hold 600
    expect(v.chains[0]!.lockedInAdapter).toBe(E(420)); // but only 420 back them
    expect(() => assertBackedSupply(s.c.w, s.id)).toThrow(InvariantViolation);
    expect(views.summary(s.c.w, s.id).unbacked).toBe(forged);
    // the exchange rate the lending markets read is untouched
    expect(views.rate(s.c.w, s.id)).toBe(E(1));
    // a replay of the same nonce, another payload, or another signer are refused
    reverts(
      s.c,
      verifier,
      {
        type: "bridgeIn",
        lrt: s.id,
        fromChain: "unichain",
        toChain: "ethereum",
        nonce: 1n,
        to: attacker,
        amount: forged,
      },
      "BridgeMessageAlreadyDelivered",
    );
    reverts(
      s.c,
      attacker,
      { type: "bridgeIn", lrt: s.id, fromChain: "unichain", toChain: "ethereum", nonce: 2n, to: attacker, amount: 1n },
      "OnlyBridgeVerifier",
    );
    reverts(
      s.c,
      verifier,
      {
        type: "bridgeIn",
        lrt: s.id,
        fromChain: "unichain",
        toChain: "ethereum",
        nonce: 2n,
        to: attacker,
        amount: E(421),
      },
      "BridgeEscrowInsufficient",
    );
  });

  it("a burn-and-mint mint with no burn on the other side is measured the same way", () => {
    const s = withRoute("renzo", "base", "burnAndMint");
    s.c.lrt(verifier, {
      type: "bridgeIn",
      lrt: s.id,
      fromChain: "base",
      toChain: "ethereum",
      nonce: 7n,
      to: attacker,
      amount: E(55),
    });
    expect(supplyByChain(s.c.w, s.id).unbacked).toBe(E(55));
    s.c.lrt(s.users[0]!, {
      type: "bridgeOut",
      lrt: s.id,
      fromChain: "ethereum",
      toChain: "base",
      to: attacker,
      amount: E(5),
    });
    reverts(
      s.c,
      verifier,
      { type: "bridgeIn", lrt: s.id, fromChain: "ethereum", toChain: "base", nonce: 1n, to: attacker, amount: E(6) },
      "BridgeMessageMismatch",
    );
    expect(supplyByChain(s.c.w, s.id).unbacked).toBe(E(55));
  });
});
