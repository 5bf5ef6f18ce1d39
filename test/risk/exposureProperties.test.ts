import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { getLrt, lstByToken } from "../../src/lrt/context.ts";
import { lstRate } from "../../src/lrt/lst.ts";
import * as lrtViews from "../../src/lrt/views.ts";
import { type ExposureNode, type ExposureStack, exposureStack } from "../../src/risk/exposure.ts";
import { slashEvents } from "../../src/risk/exposureCore.ts";
import {
  type Built,
  buildWorld,
  coreHolderValue,
  measureAfter,
  protocolHolderValue,
  worldSpec,
} from "./exposureHarness.ts";

/**
 * "The exposure stack of an LRT holder equals the sum of its parts", on random small worlds (one or two LRTs of any
 * protocol over one to three operators in up to three operator sets, with LST and native restaking, queued core
 * withdrawals, wrapped and bridged supply, withdrawal requests, Puffer bonds, and a direct restaker):
 *   - every node of the stack is the exact sum of its children, and the positions sum to the totals;
 *   - the LRT positions are worth what the protocols' own functions say the holder's tokens are worth;
 *   - for every possible slashing event, and for all of them at once, the loss the stack predicts for the holder's
 *     tokens and core shares is exactly (to the wei) the loss measured in the engine after applying the slash through
 *     the core's `execute` (the slasher as caller), letting each LRT's accounting recognise it as its protocol would
 *     (ether.fi: report after report), and reading the holder's value with the protocol's functions — then rolling
 *     the world back through the journal;
 *   - withdrawal requests lose exactly what the stack says, except ether.fi's, whose early finalization can only
 *     make the loss smaller.
 */

function checkSums(n: ExposureNode): void {
  if (n.children.length === 0) return;
  const sum = n.children.reduce((a, c) => a + c.valueEth, 0n);
  expect(sum, `children of ${n.id}`).toBe(n.valueEth);
  for (const c of n.children) checkSums(c);
}

const isToken = (id: string) => id.startsWith("lrt:");
const isCore = (id: string) => id.startsWith("core:");

/** The holder's withdrawal requests that are not claimed yet, valued as the LRT's queue view pays them (ETH). */
function requestsValue(b: Built, holder: Address, etherfi: boolean): bigint {
  const w = b.c.w;
  let v = 0n;
  for (const r of w.lrt.requests.values()) {
    if (r.owner !== holder || (r.status !== "pending" && r.status !== "finalized")) continue;
    const rec = getLrt(w, r.lrt);
    if ((rec.protocol === "etherfi") !== etherfi) continue;
    const payout = lrtViews.payoutNow(w, rec, r, b.c.block, b.c.timestamp);
    const l = lstByToken(w, r.asset);
    v += l === undefined ? payout : (payout * lstRate(l)) / 10n ** 18n;
  }
  return v;
}

interface Measured {
  token: bigint;
  core: bigint;
  requests: bigint;
  etherfiRequests: bigint;
}

function measureAll(b: Built, holders: Address[]): Map<Address, Measured> {
  return new Map(
    holders.map((h) => [
      h,
      {
        token: protocolHolderValue(b.c, h),
        core: coreHolderValue(b.c, h),
        requests: requestsValue(b, h, false),
        etherfiRequests: requestsValue(b, h, true),
      },
    ]),
  );
}

function predicted(stack: ExposureStack, id: string | null, pick: (position: string) => boolean): bigint {
  const by = id === null ? stack.allAtOnce.byPosition : (stack.events.find((e) => e.event === id)?.byPosition ?? []);
  return by.filter((p) => pick(p.position)).reduce((a, p) => a + p.lossEth, 0n);
}

function checkWorld(b: Built): { events: number; holders: number } {
  const { world, c } = b;
  const events = slashEvents(world.eigen, c.block);
  const stacks = new Map<Address, ExposureStack>();
  for (const holder of [...b.users, b.direct]) {
    const stack = exposureStack(world, holder);
    if (stack.positions.length > 0) stacks.set(holder, stack);
  }
  const holders = [...stacks.keys()];
  const requestOf = (etherfi: boolean) => (position: string) =>
    position.startsWith("request:") && (getLrt(c.w, position.split(":")[1]!).protocol === "etherfi") === etherfi;
  for (const [holder, stack] of stacks) {
    for (const p of stack.positions) checkSums(p);
    expect(stack.totals.netEth).toBe(stack.positions.reduce((a, p) => a + p.valueEth, 0n));
    const tokenNow = stack.positions.filter((p) => isToken(p.id)).reduce((a, p) => a + p.valueEth, 0n);
    expect(tokenNow, "LRT positions at the protocols' rates").toBe(protocolHolderValue(c, holder));
    const coreNow = stack.positions.filter((p) => isCore(p.id)).reduce((a, p) => a + p.valueEth, 0n);
    expect(coreNow, "restaked and queued core shares").toBe(coreHolderValue(c, holder));
  }
  const base = measureAfter(b, [], () => measureAll(b, holders)).value;
  for (const [holder, stack] of stacks) {
    const recognisedNow = stack.positions.filter((p) => isToken(p.id)).reduce((a, p) => a + leafRecognised(p), 0n);
    expect(base.get(holder)!.token, "the recognised value is what the protocols' accounting reaches").toBe(
      recognisedNow,
    );
  }
  const scenarios: [string | null, typeof events][] = events.map((e) => [e.id, [e]]);
  if (events.length > 1) scenarios.push([null, events]);
  for (const [id, evs] of scenarios) {
    const after = measureAfter(b, evs, () => measureAll(b, holders)).value;
    for (const [holder, stack] of stacks) {
      const b0 = base.get(holder)!;
      const a1 = after.get(holder)!;
      const label = `${holder} ${id ?? "all at once"}`;
      if (id === null) expect(stack.allAtOnce.events).toBe(events.length);
      expect(b0.token - a1.token, `${label}: LRT tokens`).toBe(predicted(stack, id, isToken));
      expect(b0.core - a1.core, `${label}: core shares`).toBe(predicted(stack, id, isCore));
      expect(b0.requests - a1.requests, `${label}: requests`).toBe(predicted(stack, id, requestOf(false)));
      const ef = b0.etherfiRequests - a1.etherfiRequests;
      expect(ef >= 0n && ef <= predicted(stack, id, requestOf(true)), `${label}: ether.fi requests`).toBe(true);
    }
  }
  return { events: events.length, holders: holders.length };
}

/** The recognised value of an LRT position (a bridged one carries it on its inner LRT node). */
function leafRecognised(p: ExposureNode): bigint {
  const n = p.layer === "bridge" ? p.children[0]! : p;
  return n.details?.recognisedValueEth as bigint;
}

describe("exposure stack: the sum of its parts, against slashes applied in the engine", () => {
  it("on random small worlds, every event and all at once, to the wei", () => {
    const seen = new Set<string>();
    let worlds = 0;
    fc.assert(
      fc.property(worldSpec, (spec) => {
        const b = buildWorld(spec);
        checkWorld(b);
        worlds++;
        for (const holder of [...b.users, b.direct]) {
          for (const e of exposureStack(b.world, holder).events) {
            for (const p of e.byPosition) if (p.lossEth > 0n) seen.add(p.position.split(":").slice(0, 2).join(":"));
            for (const r of e.recognition) {
              if (r.bondSharesBurned > 0n) seen.add("puffer bonds burned");
              if ((r.reports ?? 0n) > 100n) seen.add("ether.fi over 100 reports");
              if (r.blockedBy !== null) seen.add(`guard ${r.protocol}`);
            }
          }
        }
      }),
      { numRuns: 60, seed: 20_260_501 },
    );
    expect(worlds).toBe(60);
    // the worlds reach every protocol's loss path, bridged supply, requests and direct restaking
    for (const k of [
      "lrt:eeth",
      "lrt:ezeth",
      "lrt:rseth",
      "lrt:pufeth",
      "lrt:rsweth",
      "request:pufeth",
      "request:rseth",
      "puffer bonds burned",
      "ether.fi over 100 reports",
      "guard kelp",
      "guard swell",
    ]) {
      expect(seen, k).toContain(k);
    }
    expect([...seen].some((k) => k.startsWith("core:"))).toBe(true);
  });
});
