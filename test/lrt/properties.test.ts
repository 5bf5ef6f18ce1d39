import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { sharesToAsset } from "../../src/core/eigenlayer/neutral.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { balanceOf } from "../../src/core/eigenlayer/tokens.ts";
import * as cviews from "../../src/core/eigenlayer/views.ts";
import { isProtocolError } from "../../src/core/shared/errors.ts";
import { WAD } from "../../src/core/shared/math.ts";
import { supplyByChain } from "../../src/lrt/bridge.ts";
import type { LrtCommand } from "../../src/lrt/commands.ts";
import { getLrt, lstByToken, tokenBalance } from "../../src/lrt/context.ts";
import { buildDemoWorld, type DemoWorld, demoRoles, role } from "../../src/lrt/demo.ts";
import * as etherfi from "../../src/lrt/etherfi.ts";
import { lstRate } from "../../src/lrt/lst.ts";
import { PRESET_ORDER, PRESETS } from "../../src/lrt/presets.ts";
import { requestsOf } from "../../src/lrt/queue.ts";
import { lrtStateHash } from "../../src/lrt/snapshot.ts";
import type { LrtRecord, World } from "../../src/lrt/state.ts";
import * as views from "../../src/lrt/views.ts";

/**
 * Properties of the LRT layer over random operation sequences on the demo world (all five presets, LSTs,
 * operators, bridges), checked after every step:
 *   - NAV = assets − liabilities, with the assets recomputed here from the core's own views and balances;
 *   - every min() payout (finalization, unlock, batch, claim) pays exactly the smaller side, never more than either;
 *   - ether.fi's rate never falls on a deposit, a withdrawal request, an instant redemption, a wrap or a transfer;
 *   - the bridged-supply invariant holds under every honest sequence, and breaks by exactly the forged amount;
 *   - a rejected command changes nothing (world hash).
 */

const IDS = PRESET_ORDER.map((k) => PRESETS[k].id);
const OPS = [
  "deposit",
  "depositLst",
  "request",
  "claim",
  "instant",
  "report",
  "finalize",
  "restake",
  "slash",
  "lstReport",
  "advance",
  "wrap",
  "unwrap",
  "transfer",
  "bridgeOut",
  "deliver",
] as const;

const step = fc.record({
  op: fc.constantFrom(...OPS),
  lrt: fc.integer({ min: 0, max: IDS.length - 1 }),
  user: fc.integer({ min: 0, max: 3 }),
  /** an amount in 1/1000 ETH */
  milli: fc.integer({ min: 1, max: 40_000 }),
  /** a fraction in bps */
  bps: fc.integer({ min: 1, max: 10_000 }),
  flag: fc.boolean(),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const price = (w: World, asset: Address): bigint => (asset === NATIVE_ETH ? WAD : lstRate(lstByToken(w, asset)!));
const val = (amount: bigint, p: bigint) => (amount * p) / WAD;

/** The LRT's assets, restated from the core: balances, withdrawable and queued shares, ETH on its way to validators. */
function assetsFromCore(w: World, rec: LrtRecord, block: bigint): bigint {
  const s = w.eigen;
  const assets = rec.assets.includes(NATIVE_ETH) ? rec.assets : [NATIVE_ETH, ...rec.assets];
  let total = 0n;
  for (const account of [rec.accounts.pool, rec.accounts.queue]) {
    for (const a of assets) total += val(balanceOf(s, a, account), price(w, a));
  }
  for (const d of rec.delegators) {
    for (const st of cviews.stakerStrategies(s, d.address)) {
      const asset = st === "0xbeac0eeeeeeeeeeeeeeeeeeeeeeeeeeeeeebeac0" ? NATIVE_ETH : s.strategies.get(st)!.token;
      total += val(sharesToAsset(s, st, cviews.withdrawableShares(s, d.address, st)), price(w, asset));
    }
    for (const q of cviews.queuedWithdrawals(s, block, d.address)) {
      q.withdrawal.strategies.forEach((st, i) => {
        const asset = s.strategies.get(st)?.token ?? NATIVE_ETH;
        total += val(sharesToAsset(s, st, q.shares[i]!), price(w, asset));
      });
    }
    for (const a of assets) total += val(balanceOf(s, a, d.address), price(w, a));
    let validators = 0n;
    for (const k of s.validators.keys()) if (k.startsWith(`${d.address}|`)) validators++;
    const pending = d.nativeStaked - 32n * WAD * validators;
    if (pending > 0n) total += pending;
  }
  return total;
}

interface Ctx {
  d: DemoWorld;
  forged: Map<string, bigint>;
}

/** Turns a random step into a command (possibly an invalid one: those must fail cleanly). */
function command(x: Ctx, st: Step): { caller: Address; cmd: LrtCommand } | { core: () => void } | null {
  const { chain: c, users, lsts, operators, avs, verifier } = x.d;
  const id = IDS[st.lrt]!;
  const rec = getLrt(c.w, id);
  const roles = demoRoles(rec.protocol);
  const user = users[st.user]!;
  const amount = (BigInt(st.milli) * WAD) / 1_000n;
  const bal = tokenBalance(c.w, id, rec.symbol, user);
  switch (st.op) {
    case "deposit":
      return { caller: user, cmd: { type: "deposit", lrt: id, asset: NATIVE_ETH, amount } };
    case "depositLst": {
      const asset = rec.assets.find((a) => a !== NATIVE_ETH) ?? lsts.steth!;
      return { caller: user, cmd: { type: "deposit", lrt: id, asset, amount: amount / 10n } };
    }
    case "request": {
      const shares = (bal * BigInt(st.bps)) / 10_000n;
      const units = rec.protocol === "etherfi" ? etherfi.amountForShare(rec, shares) : shares;
      const asset = rec.protocol === "kelp" && st.flag ? lsts.steth! : NATIVE_ETH;
      return { caller: user, cmd: { type: "requestWithdrawal", lrt: id, amount: units, asset } };
    }
    case "claim": {
      // the first claimable-looking request of any LRT, starting from the chosen one
      for (const k of [...IDS.slice(st.lrt), ...IDS.slice(0, st.lrt)]) {
        const kind = getLrt(c.w, k).protocol;
        const req = requestsOf(c.w, k).find(
          (r) => r.status === "finalized" || (kind === "renzo" && r.status === "pending"),
        );
        if (req) return { caller: req.owner, cmd: { type: "claimWithdrawal", lrt: k, id: req.id } };
      }
      return null;
    }
    case "instant": {
      const shares = (bal * BigInt(st.bps)) / 40_000n;
      const units = rec.protocol === "etherfi" ? etherfi.amountForShare(rec, shares) : shares;
      return { caller: user, cmd: { type: "instantRedeem", lrt: id, amount: units } };
    }
    case "report":
      return { caller: rec.protocol === "kelp" ? user : roles.oracle, cmd: { type: "report", lrt: id } };
    case "finalize":
      return { caller: roles.manager, cmd: { type: "finalizeWithdrawals", lrt: id } };
    case "restake": {
      const asset = rec.assets.find((a) => a !== NATIVE_ETH);
      if (!asset) return null;
      const held = balanceOf(c.w.eigen, asset, rec.accounts.pool);
      return {
        caller: roles.manager,
        cmd: { type: "restake", lrt: id, asset, amount: (held * BigInt(st.bps)) / 10_000n },
      };
    }
    case "slash": {
      const operator = operators[st.user % operators.length]!;
      const strategies = [...(c.w.eigen.operatorSets.get(`${avs}/1`)?.strategies ?? [])];
      return {
        core: () =>
          c.core(avs, {
            type: "slashOperator",
            avs,
            operator,
            operatorSetId: 1n,
            strategies,
            wadsToSlash: strategies.map(() => BigInt(st.bps) * 10n ** 12n), // ≤ 1 %
          }),
      };
    }
    case "lstReport": {
      const lst = ["steth", "reth", "cbeth"][st.user % 3]!;
      const delta = amount / 100n;
      return {
        caller: role("lst-oracle"),
        cmd: { type: "lstReport", lst, rewardsWei: st.flag ? delta : 0n, penaltiesWei: st.flag ? 0n : delta / 4n },
      };
    }
    case "advance":
      c.advance(BigInt(st.milli) * (st.flag ? 3n : 1n));
      return null;
    case "wrap":
      return { caller: user, cmd: { type: "wrap", lrt: "eeth", amount: amount / 10n } };
    case "unwrap":
      return { caller: user, cmd: { type: "unwrap", lrt: "eeth", amount: amount / 20n } };
    case "transfer":
      return { caller: user, cmd: { type: "transfer", lrt: id, to: users[(st.user + 1) % 4]!, amount: amount / 10n } };
    case "bridgeOut": {
      const route = [...c.w.lrt.routes.values()].find((r) => r.lrt === id);
      if (!route) return null;
      const out = st.flag;
      return {
        caller: user,
        cmd: {
          type: "bridgeOut",
          lrt: id,
          fromChain: out ? "ethereum" : route.chain,
          toChain: out ? route.chain : "ethereum",
          to: user,
          amount: amount / 10n,
        },
      };
    }
    case "deliver": {
      const m = [...c.w.lrt.messages.values()].find((mm) => mm.sent && !mm.delivered);
      return m
        ? {
            caller: verifier,
            cmd: {
              type: "bridgeIn",
              lrt: m.lrt,
              fromChain: m.fromChain,
              toChain: m.toChain,
              nonce: m.nonce,
              to: m.to,
              amount: m.amount,
            },
          }
        : null;
    }
  }
}

const RATE_KEEPING = new Set([
  "deposit",
  "requestWithdrawal",
  "instantRedeem",
  "wrap",
  "unwrap",
  "transfer",
  "bridgeOut",
  "bridgeIn",
]);

function checkAfter(x: Ctx, events: { event: string; args: Record<string, unknown> }[]): void {
  const w = x.d.chain.w;
  const block = x.d.chain.block;
  for (const id of IDS) {
    const rec = getLrt(w, id);
    const nav = views.nav(w, id);
    const assets = assetsFromCore(w, rec, block);
    const liabilities = requestsOf(w, id)
      .filter((r) => r.status === "finalized")
      .reduce((a, r) => a + val(r.payout!, price(w, r.asset)), 0n);
    expect(nav.totalAssets, `${id} assets`).toBe(assets);
    expect(nav.totalLiabilities, `${id} liabilities`).toBe(liabilities);
    expect(nav.nav, `${id} NAV`).toBe(assets - liabilities);
    expect(nav.nav >= 0n).toBe(true);
    expect(supplyByChain(w, id).unbacked, `${id} bridged supply`).toBe(x.forged.get(id) ?? 0n);
  }
  const min = (a: bigint, b: bigint) => (a < b ? a : b);
  for (const e of events) {
    const a = e.args;
    switch (e.event) {
      case "WithdrawalUnlocked":
      case "ClaimValued": {
        const expected = a.expected ?? a.amountAtRequest;
        const current = a.current ?? a.amountAtClaim;
        expect(a.payout).toBe(min(expected as bigint, current as bigint));
        break;
      }
      case "WithdrawalFinalized": {
        const req = requestsOf(w, a.lrt as string).find((r) => r.id === a.id)!;
        expect(a.payout).toBe(min(req.amountAtRequest, (req.shares * (a.frozenRate as bigint)) / WAD));
        break;
      }
      case "WithdrawalProcessed": {
        const req = requestsOf(w, a.lrt as string).find((r) => r.id === a.id)!;
        expect((a.finalRate as bigint) <= req.rateAtRequest).toBe(true);
        expect(a.payout).toBe((req.shares * (a.finalRate as bigint)) / WAD);
        expect((a.payout as bigint) <= req.amountAtRequest).toBe(true);
        break;
      }
      case "BatchFinalized":
        expect((a.paid as bigint) <= (a.transfer as bigint)).toBe(true);
        expect((a.transfer as bigint) <= (a.expected as bigint)).toBe(true);
        break;
      case "WithdrawalClaimed":
        expect((a.payout as bigint) <= (a.amountAtRequest as bigint)).toBe(true);
        break;
      case "LstWithdrawalClaimed":
        break;
    }
  }
}

function runSequence(steps: Step[], forgeAt: number | null, forgeMilli: number): void {
  const x: Ctx = { d: buildDemoWorld(), forged: new Map() };
  const c = x.d.chain;
  checkAfter(x, []);
  steps.forEach((st, i) => {
    c.advance(1n);
    if (forgeAt === i) {
      // a verifier-attested message no bridgeOut sent: Kelp's lock-and-mint adapter releases on the L1
      const route = c.w.lrt.routes.get("rseth|unichain")!;
      const locked = tokenBalance(c.w, "rseth", "rsETH", route.escrow);
      const amount = (locked * BigInt(forgeMilli)) / 40_000n + 1n;
      if (amount <= locked) {
        c.lrt(x.d.verifier, {
          type: "bridgeIn",
          lrt: "rseth",
          fromChain: "unichain",
          toChain: "ethereum",
          nonce: 1_000_000n + BigInt(i),
          to: role("attacker"),
          amount,
        });
        x.forged.set("rseth", (x.forged.get("rseth") ?? 0n) + amount);
      }
    }
    const made = command(x, st);
    if (made === null) {
      checkAfter(x, []);
      return;
    }
    if ("core" in made) {
      const before = lrtStateHash(c.w);
      try {
        made.core();
      } catch (e) {
        if (!isProtocolError(e)) throw e;
        expect(lrtStateHash(c.w)).toBe(before);
      }
      checkAfter(x, []);
      return;
    }
    const before = lrtStateHash(c.w);
    const eeth0 = getLrt(c.w, "eeth");
    try {
      const r = c.lrt(made.caller, made.cmd);
      const eeth1 = getLrt(c.w, "eeth");
      if (RATE_KEEPING.has(made.cmd.type) && "lrt" in made.cmd && made.cmd.lrt === "eeth") {
        // P1·S0 ≥ P0·S1
        expect(etherfi.pooledEther(eeth1) * eeth0.supply >= etherfi.pooledEther(eeth0) * eeth1.supply).toBe(true);
      }
      checkAfter(x, r.events);
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      expect(lrtStateHash(c.w), `${made.cmd.type} failed (${e.code}) but changed the world`).toBe(before);
      checkAfter(x, []);
    }
  });
}

describe("LRT properties over random sequences", () => {
  it("honest sequences: NAV = assets − liabilities, min() payouts, ether.fi's rate, bridged supply", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 60 }), (steps) => {
        runSequence(steps, null, 0);
      }),
      { numRuns: 40, seed: 20261121 },
    );
  });

  it("the bridged-supply invariant breaks exactly when, and by exactly what, an unbacked mint happens", () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 5, maxLength: 40 }),
        fc.nat({ max: 39 }),
        fc.integer({ min: 1, max: 40_000 }),
        (steps, at, milli) => {
          runSequence(steps, at % steps.length, milli);
        },
      ),
      { numRuns: 30, seed: 4182026 },
    );
  });
});
