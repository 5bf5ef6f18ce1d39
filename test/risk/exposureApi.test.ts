import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { toPlainJson } from "../../src/core/shared/codec.ts";
import { demoRoles } from "../../src/lrt/demo.ts";
import { presetCommand } from "../../src/lrt/presets.ts";
import { createApp } from "../../src/node/app.ts";
import { registerRiskExposureRoutes } from "../../src/node/http/riskExposure.ts";
import type { Ledger } from "../../src/node/ledger.ts";
import { lrtChecklist } from "../../src/risk/checklist.ts";
import { exposureStack } from "../../src/risk/exposure.ts";
import { buildRiskDemoWorld, type RiskDemo } from "../../src/risk/exposureWorld.ts";
import { addr, keys, openLedger, seedSmall, signed, TOKEN, tempDb } from "../node/ledgerHarness.ts";

/**
 * GET /api/risk/stack/{account} and GET /api/risk/checklist/{lrt}, in-process with app.request(): on the demo world
 * behind a stub ledger (the handlers against the engine, to the wei), and on a real node whose world was built by
 * signed transactions (the routes registered in routes.ts, reading ledger.world).
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked structurally
type Body = any;

async function get(app: { request(path: string): Response | Promise<Response> }, path: string) {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as Body };
}

const plain = (x: unknown) => JSON.parse(toPlainJson(x));

describe("risk exposure routes on the demo world", () => {
  let demo: RiskDemo;
  let app: OpenAPIHono;
  beforeAll(() => {
    demo = buildRiskDemoWorld();
    app = new OpenAPIHono();
    const ledger = {
      world: demo.world,
      committed: async () => {},
      clock: { mode: "manual", blockTimeSeconds: 12n },
    } as unknown as Pick<Ledger, "world" | "committed" | "clock">;
    registerRiskExposureRoutes(app, { ledger });
  });

  it("GET /api/risk/stack/{account}: the engine's stack, bigints as decimal strings", async () => {
    const lender = demo.accounts.lender!;
    const r = await get(app, `/api/risk/stack/${lender.toUpperCase().replace("0X", "0x")}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(plain(exposureStack(demo.world, lender)));
    expect(typeof r.body.totals.netEth).toBe("string");
    expect(r.body.riskLayers.map((l: Body) => l.layer)).toContain("bridge");
  });

  it("GET /api/risk/checklist/{lrt}: nine items with severities; 404 for an unknown LRT", async () => {
    const r = await get(app, "/api/risk/checklist/eeth");
    expect(r.status).toBe(200);
    expect(r.body).toEqual(plain(lrtChecklist(demo.world, "eeth")));
    expect(r.body.items).toHaveLength(9);
    const none = await get(app, "/api/risk/checklist/nope");
    expect(none.status).toBe(404);
    expect(none.body.code).toBe("UnknownLrt");
  });

  it("takes an asset map in the query", async () => {
    const assets = encodeURIComponent(JSON.stringify({ weETH: { kind: "lrt", lrt: "eeth", chain: "arbitrum" } }));
    const r = await get(app, `/api/risk/stack/${demo.accounts.lender}?assets=${assets}`);
    expect(r.status).toBe(200);
    const aave = r.body.positions.find((p: Body) => p.id === "market:aave");
    expect(aave.children[0].layer).toBe("bridge");
    const bad = await get(
      app,
      `/api/risk/stack/${demo.accounts.lender}?assets=${encodeURIComponent('{"weETH":{"kind":"gold"}}')}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("InvalidRequest");
    const notJson = await get(app, `/api/risk/checklist/eeth?assets=${encodeURIComponent("{")}`);
    expect(notJson.status).toBe(400);
  });

  it("refuses a malformed account", async () => {
    expect((await app.request("/api/risk/stack/0x1234")).status).toBe(400);
  });
});

describe("risk exposure routes on a node", () => {
  let ledger: Ledger;
  let db: string;
  let app: ReturnType<typeof createApp>;
  const ok = async (who: PrivateKeyAccount, command: string, params: Record<string, unknown>) => {
    const out = await ledger.submit(await signed(ledger, who, command, params));
    if (out.status !== "accepted") throw new Error(`${command}: ${out.code} ${out.message}`);
  };

  beforeAll(async () => {
    db = tempDb();
    ledger = await openLedger(db);
    await seedSmall(ledger);
    app = createApp(ledger, { rateLimit: false, logError: () => {} });
  });
  afterAll(async () => {
    await ledger.idle();
    await ledger.store.close();
    rmSync(dirname(db), { recursive: true, force: true });
  });

  it("a core staker delegated to an operator allocated to one set: one slashing event, half of the stake", async () => {
    const r = await get(app, `/api/risk/stack/${addr(keys.staker)}`);
    expect(r.status).toBe(200);
    const restaked = r.body.positions.find((p: Body) => p.id.startsWith("core:"));
    expect(restaked.valueEth).toBeDefined();
    const sets = JSON.stringify(restaked);
    expect(sets).toContain('"layer":"operatorSet"');
    expect(r.body.riskLayers.map((l: Body) => l.layer)).toEqual(["restaking", "operator", "avs"]);
    // the seeded token is a bare core token: no ETH price unless one is given
    expect(r.body.events).toHaveLength(1);
    expect(r.body.events[0].operator).toBe(addr(keys.operator));
    expect(r.body.events[0].lossEth).toBe("0");
    expect(r.body.notes.join()).toMatch(/no ETH price/);
    const prices = encodeURIComponent(JSON.stringify({ [TOKEN]: "1000000000000000000" }));
    const priced = await get(app, `/api/risk/stack/${addr(keys.staker)}?prices=${prices}`);
    // 100 stETH delegated, half of it allocated to the set: the set can take 50
    expect(priced.body.events[0].lossEth).toBe("50000000000000000000");
    expect(priced.body.totals.netEth).toBe("100000000000000000000");
    const badPrice = await get(app, `/api/risk/stack/${addr(keys.staker)}?prices=${encodeURIComponent('{"x":"1"}')}`);
    expect(badPrice.status).toBe(400);
    expect(r.body.exits.map((x: Body) => x.path)).toContain("queue an EigenLayer withdrawal");
    const missing = await get(app, "/api/risk/checklist/ezeth");
    expect(missing.status).toBe(404);
  });

  it("an LRT created and bought through signed transactions shows in both routes", async () => {
    const cmd = presetCommand("renzo", { ...demoRoles("api"), admin: addr(keys.admin), oracle: addr(keys.admin) }, {});
    const { type: _type, ...params } = plain(cmd) as Record<string, unknown>;
    await ok(keys.admin, "lrt.createLrt", { ...params, assets: [NATIVE_ETH] });
    await ok(keys.admin, "mint", { token: NATIVE_ETH, to: addr(keys.staker), amount: "10000000000000000000" });
    await ok(keys.staker, "lrt.deposit", { lrt: "ezeth", asset: NATIVE_ETH, amount: "4000000000000000000" });
    const stack = await get(app, `/api/risk/stack/${addr(keys.staker)}`);
    expect(stack.status).toBe(200);
    const ez = stack.body.positions.find((p: Body) => p.id === "lrt:ezeth:ezETH@ethereum");
    expect(ez).toMatchObject({ layer: "lrt", amount: "4000000000000000000", valueEth: "4000000000000000000" });
    expect(stack.body).toEqual(plain(exposureStack(ledger.world, addr(keys.staker), { secondsPerBlock: 12n })));
    const cl = await get(app, "/api/risk/checklist/ezeth");
    expect(cl.status).toBe(200);
    expect(cl.body.items.map((i: Body) => i.key)).toEqual([
      "restaked",
      "avs",
      "slashing",
      "operators",
      "deployment",
      "redemption",
      "yield",
      "leverage",
      "audit",
    ]);
    expect(cl.body.nav).toBe("4000000000000000000");
  });

  it("is documented in the OpenAPI document", async () => {
    const r = await get(app, "/openapi.json");
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining(["/api/risk/stack/{account}", "/api/risk/checklist/{lrt}"]),
    );
  });
});
