import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addr,
  type Body,
  type Client,
  openTestNode,
  STRATEGY,
  type TestNode,
  TOKEN,
  WAD,
} from "../node/api-helpers.ts";

/**
 * The risk endpoints in-process (app.request): a node with one operator (100 tokens delegated) allocating half of
 * it to one operator set, analysed under each model, a posted graph, bad input, and concentration.
 */

const SET = "1";

describe("API: /api/risk", () => {
  let node: TestNode;
  let c: Client;
  const setKey = () => `${addr("avs")}/${SET}`;
  const unit = (x: bigint) => (x * WAD).toString();

  beforeAll(async () => {
    node = await openTestNode();
    c = node.client;
    await c.ok("admin", "createToken", { token: TOKEN, symbol: "STK", decimals: 18 });
    await c.ok("admin", "addStrategy", { strategy: STRATEGY, token: TOKEN });
    await c.ok("admin", "mint", { token: TOKEN, to: addr("staker"), amount: unit(1000n) });
    await c.ok("staker", "depositIntoStrategy", { strategy: STRATEGY, amount: unit(100n) });
    await c.ok("operator", "registerAsOperator", { allocationDelay: "0", metadataURI: "https://op.example" });
    await c.ok("staker", "delegateTo", { operator: addr("operator") });
    await c.ok("avs", "updateAVSMetadataURI", { avs: addr("avs"), metadataURI: "https://avs.example" });
    await c.ok("avs", "createOperatorSets", {
      avs: addr("avs"),
      operatorSets: [{ operatorSetId: SET, strategies: [STRATEGY] }],
    });
    await c.ok("operator", "registerForOperatorSets", {
      operator: addr("operator"),
      avs: addr("avs"),
      operatorSetIds: [SET],
    });
    await c.ok("operator", "modifyAllocations", {
      operator: addr("operator"),
      allocations: [
        { avs: addr("avs"), operatorSetId: SET, strategies: [STRATEGY], newMagnitudes: [(WAD / 2n).toString()] },
      ],
    });
  });
  afterAll(async () => {
    await node.close();
  });

  const params = (profit: bigint, threshold = "1/2") => ({
    services: { [addr("avs")]: { profit: unit(profit), threshold } },
  });

  it("GET without risk parameters leaves the operator set out and says so", async () => {
    const r = await c.get<Body>("/api/risk/security");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model: "unique", services: 0, secure: true, slack: null });
    expect(r.body.notes[0]).toContain(setKey());
    expect(r.body.state.block).toMatch(/^\d+$/);
  });

  it("unique stake: the set's 50 allocated tokens against a profit of 40 (secure, γ* = 1/4) and 60 (insecure)", async () => {
    const ok = await c.post("/api/risk/security", { params: params(40n), psi: "0" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      model: "unique",
      validators: 1,
      services: 1,
      secure: true,
      slack: "1/4",
      // the whitepaper's divisible sizing rule U ≥ π/α (80) fails, but the one indivisible allocation holds 50 > 40
      claim1: { holds: false, violators: [setKey()] },
      worstAttack: { services: [setKey()], validators: [`${addr("operator")}@${setKey()}`], cost: unit(50n) },
      loss: { psi: "0", value: "0", exact: true },
    });
    const bad = await c.post("/api/risk/security", { params: params(60n) });
    expect(bad.body).toMatchObject({
      secure: false,
      slack: "-1/6",
      certificate: "attack",
      worstAttack: { net: unit(10n) },
    });
  });

  it("the same state under the pooled (whole stake 100) and elastic (divisible, 25 needed) models", async () => {
    const dr = await c.post("/api/risk/security", { params: params(40n), model: "dr" });
    expect(dr.body).toMatchObject({ model: "dr", secure: true, slack: "3/2" });
    const el = await c.post("/api/risk/security", { params: params(40n), model: "elastic" });
    expect(el.body).toMatchObject({
      model: "elastic",
      secure: false,
      elastic: { maxProfit: unit(15n), secure: false },
    });
  });

  it("GET takes psi, gamma and model from the query", async () => {
    const r = await c.get<Body>("/api/risk/security?psi=1/10&gamma=1/10&model=dr");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model: "dr", corollary2: { gamma: "1/10", holds: true }, loss: { psi: "1/10" } });
    const bad = await c.get<Body>("/api/risk/security?psi=lots");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("InvalidRequest");
    const range = await c.get<Body>("/api/risk/security?psi=3/2");
    expect(range.status).toBe(400);
    expect(range.body).toMatchObject({ code: "InvalidRiskInput", context: { path: "psi" } });
  });

  it("POST a graph: TV-DR-1, R_0.1 = 1 with the shock and the attack", async () => {
    const graph = {
      validators: [
        { id: "a", stake: "1/10" },
        { id: "b", stake: "9/10" },
      ],
      services: [{ id: "x", profit: "1", threshold: "1", validators: ["a", "b"] }],
    };
    const r = await c.post("/api/risk/security", { graph, psi: "1/10", method: "milp" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      model: "dr",
      secure: true,
      slack: "0",
      loss: {
        value: "1",
        shock: ["a"],
        attack: { services: ["x"], validators: ["b"] },
        cascade: { matchesOneShot: true },
      },
    });
    expect(r.body.state).toBeUndefined();
  });

  it("bad graphs and bodies are 400 with the path and the reason", async () => {
    const unknown = await c.post("/api/risk/security", {
      graph: {
        validators: [{ id: "a", stake: "1" }],
        services: [{ id: "x", profit: "1", threshold: "1", validators: ["zz"] }],
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: "InvalidRiskInput",
      context: { path: "$.services[0].validators[0]", reason: 'unknown validator "zz"' },
    });
    const threshold = await c.post("/api/risk/security", {
      graph: {
        validators: [{ id: "a", stake: "1" }],
        services: [{ id: "x", profit: "1", threshold: "3/2", validators: ["a"] }],
      },
    });
    expect(threshold.body.context.path).toBe("$.services[0].threshold");
    const number = await c.post("/api/risk/security", { graph: { validators: [{ id: "a", stake: 4 }], services: [] } });
    expect(number.body.context).toMatchObject({ path: "$.validators[0].stake" });
    const both = await c.post("/api/risk/security", { graph: { validators: [], services: [] }, params: {} });
    expect(both.status).toBe(400);
    const extra = await c.post("/api/risk/security", { graph: { validators: [], services: [] }, extra: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe("InvalidRequest");
    const badParams = await c.post("/api/risk/security", {
      params: { services: { x: { profit: "-1", threshold: "1" } } },
    });
    expect(badParams.body).toMatchObject({ code: "InvalidRiskInput", context: { path: "$.services.x.profit" } });
  });

  it("GET /api/risk/concentration: one operator holds everything", async () => {
    const r = await c.get<Body>("/api/risk/concentration");
    expect(r.status).toBe(200);
    const one = { n: 1, hhi: "1", hhi10k: 10000, nakamoto: { "1/3": 1, "1/2": 1 }, gini: "0" };
    expect(r.body.perStrategy[STRATEGY]).toMatchObject({ ...one, total: unit(100n) });
    expect(r.body.perAvs[addr("avs")]).toMatchObject({ ...one, total: unit(50n) });
    expect(r.body.slashable).toMatchObject({ ...one, total: unit(50n) });
    expect(r.body.delegated).toMatchObject({ ...one, total: unit(100n) });
    expect(r.body.grouping).toBe("operators");
  });

  it("POST /api/risk/concentration with entities, LRT holdings and an AVS threshold", async () => {
    const r = await c.post("/api/risk/concentration", {
      entities: { [addr("operator")]: "Acme" },
      lrt: [
        { lrt: "xETH", operator: "op-a", amount: "30" },
        { lrt: "xETH", operator: "op-b", amount: "10" },
      ],
      params: params(1n, "2/3"),
    });
    expect(r.status).toBe(200);
    expect(r.body.grouping).toBe("entities");
    expect(r.body.slashable.top[0].id).toBe("Acme");
    expect(r.body.perAvs[addr("avs")]).toMatchObject({ nakamoto: { threshold: 1 }, attackNakamoto: 1 });
    expect(r.body.perLrt.xETH).toMatchObject({ n: 2, hhi: "5/8", nakamoto: { "1/3": 1, "1/2": 1 }, gini: "1/4" });
    const bad = await c.post("/api/risk/concentration", { lrt: [{ lrt: "x", operator: "o", amount: "-1" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.context.path).toBe("$[0].amount");
  });

  it("is documented in the OpenAPI document", async () => {
    const doc = await c.get<Body>("/api/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/api/risk/security", "/api/risk/concentration"]),
    );
    expect(Object.keys(doc.body.paths["/api/risk/security"])).toEqual(["get", "post"]);
  });
});
