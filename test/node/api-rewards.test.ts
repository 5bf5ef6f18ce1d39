import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { GENESIS } from "../../src/node/clock.ts";
import {
  EarningsOut,
  OperatorYieldOut,
  ProofOut,
  RootsOut,
  StakerYieldOut,
  SubmissionsOut,
} from "../../src/node/http/rewards.ts";
import { DAY } from "../../src/rewards/time.ts";
import { addr, type Body, type Client, openTestNode, STRATEGY, type TestNode, TOKEN, WAD } from "./api-helpers.ts";

/**
 * The rewards and yield endpoints in-process: a small ledger (an AVS with one set, one operator at the default
 * 10 % split, two stakers with 3650 and 10,950 tokens), a rewards submission of 8 RWD and one of 1000 PTS (a points
 * token) over days 0–1, whole days advanced with the admin's advanceClock (7200 blocks = 1 day at 12 s). Then:
 * submissions, earnings, a root through its activation, the proof claimed through POST /api/tx, and the yield of the
 * staker and of the operator, every number worked out by hand:
 *   per snapshot (days 1 and 2): RWD 4 a day → staker 1/4: 1, of which 0.1 to the operator → 0.9; the other staker
 *   3/4: 3 → 2.7; the operator 0.4. PTS 500 a day → staker 125 − 12.5 = 112.5.
 *   staker: S = 2 · 3650; R = 1.8 → APR 365 · 1.8 / 7300 = 0.09; gross 2 → 0.1; commission 0.2 → 0.01;
 *   base 3 %: B = 7300 · 0.03 / 365 = 0.6 → total 2.4 → APR 0.12, APY (1 + 0.12/365)^365 − 1 = 0.1274746156.
 */

const REWARD = "0x00000000000000000000000000000000000000c1" as Address;
const PTS = "0x00000000000000000000000000000000000000c2" as Address;
const BLOCKS_PER_DAY = 7200n;
const E18 = WAD;
const day = (n: number) => GENESIS.timestamp + BigInt(n) * DAY;

async function view<T extends z.ZodType>(client: Client, path: string, schema: T): Promise<z.output<T>> {
  const r = await client.get(path);
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
  return schema.parse(r.body);
}

async function fails(client: Client, path: string, status: number, code: string): Promise<Body> {
  const r = await client.get<Body>(path);
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(status);
  expect(r.body.code, `${path}: ${JSON.stringify(r.body)}`).toBe(code);
  return r.body;
}

const prices = `price.${TOKEN}=1&price.${REWARD}=1`;

describe("API: rewards and yield", () => {
  let node: TestNode;
  let c: Client;

  beforeAll(async () => {
    node = await openTestNode();
    c = node.client;
    await c.ok("admin", "createToken", { token: TOKEN, symbol: "STK", decimals: 18 });
    await c.ok("admin", "addStrategy", { strategy: STRATEGY, token: TOKEN });
    await c.ok("admin", "createToken", { token: REWARD, symbol: "RWD", decimals: 18 });
    await c.ok("admin", "createToken", { token: PTS, symbol: "PTS", decimals: 18 });
    await c.ok("operator", "registerAsOperator", { allocationDelay: "0", metadataURI: "" });
    await c.ok("avs", "updateAVSMetadataURI", { avs: addr("avs"), metadataURI: "" });
    await c.ok("avs", "createOperatorSets", {
      avs: addr("avs"),
      operatorSets: [{ operatorSetId: "1", strategies: [STRATEGY] }],
    });
    await c.ok("operator", "registerForOperatorSets", {
      operator: addr("operator"),
      avs: addr("avs"),
      operatorSetIds: ["1"],
    });
    for (const [who, amount] of [
      ["staker", 3650n * E18],
      ["stranger", 10_950n * E18],
    ] as const) {
      await c.ok("admin", "mint", { token: TOKEN, to: addr(who), amount: amount.toString() });
      await c.ok(who, "depositIntoStrategy", { strategy: STRATEGY, amount: amount.toString() });
      await c.ok(who, "delegateTo", { operator: addr("operator") });
    }
    await c.ok("admin", "mint", { token: REWARD, to: addr("avs"), amount: (8n * E18).toString() });
    await c.ok("admin", "mint", { token: PTS, to: addr("avs"), amount: (1000n * E18).toString() });
    const over2Days = (token: Address, amount: bigint) => ({
      strategiesAndMultipliers: [{ strategy: STRATEGY, multiplier: WAD.toString() }],
      token,
      amount: amount.toString(),
      startTimestamp: GENESIS.timestamp.toString(),
      duration: (2n * DAY).toString(),
    });
    await c.ok("avs", "createAVSRewardsSubmission", {
      rewardsSubmissions: [over2Days(REWARD, 8n * E18), over2Days(PTS, 1000n * E18)],
    });
    // three whole days: snapshots 1 and 2 are final (the log reaches day 3)
    await c.ok("admin", "advanceClock", { blocks: (3n * BLOCKS_PER_DAY).toString() });
  });

  afterAll(async () => {
    await node.close();
  });

  it("lists the submissions", async () => {
    const { submissions } = await view(c, "/api/rewards/submissions", SubmissionsOut);
    expect(submissions).toHaveLength(2);
    expect(submissions.map((s) => [s.kind, s.token, s.amount, s.avs, s.startTimestamp, s.endTimestamp])).toEqual(
      expect.arrayContaining([
        ["avs", REWARD, (8n * E18).toString(), addr("avs"), day(0).toString(), day(2).toString()],
        ["avs", PTS, (1000n * E18).toString(), addr("avs"), day(0).toString(), day(2).toString()],
      ]),
    );
    expect((await view(c, `/api/rewards/submissions?token=${PTS}`, SubmissionsOut)).submissions).toHaveLength(1);
    expect((await view(c, `/api/rewards/submissions?avs=${addr("stranger")}`, SubmissionsOut)).submissions).toEqual([]);
  });

  it("reports cumulative earnings up to a cutoff", async () => {
    const e = await view(c, `/api/rewards/earnings/${addr("staker")}`, EarningsOut);
    expect(e).toMatchObject({
      cutoff: day(3).toString(),
      cutoffDate: "2026-01-04",
      rewardsCalculationEndTimestamp: day(2).toString(),
      submittedRootIndex: null,
    });
    expect(e.earnings).toEqual([
      {
        token: REWARD,
        cumulativeEarnings: ((18n * E18) / 10n).toString(),
        cumulativeClaimed: "0",
        unclaimed: ((18n * E18) / 10n).toString(),
      },
      {
        token: PTS,
        cumulativeEarnings: (225n * E18).toString(),
        cumulativeClaimed: "0",
        unclaimed: (225n * E18).toString(),
      },
    ]);
    // up to day 2: only snapshot 1
    const early = await view(c, `/api/rewards/earnings/${addr("staker")}?until=2026-01-03`, EarningsOut);
    expect(early.earnings[0]!.cumulativeEarnings).toBe(((9n * E18) / 10n).toString());
    const op = await view(c, `/api/rewards/earnings/${addr("operator")}?until=${day(3)}`, EarningsOut);
    expect(op.earnings.map((x) => x.cumulativeEarnings)).toEqual([
      ((8n * E18) / 10n).toString(),
      (100n * E18).toString(),
    ]);
    await fails(c, `/api/rewards/earnings/${addr("staker")}?until=2026-01-05`, 400, "InvalidRequest");
    await fails(c, `/api/rewards/earnings/${addr("staker")}?until=2026-02-30`, 400, "InvalidRequest");
  });

  it("the staker's yield: AVS rewards net of a 10 % commission, base yield, points apart", async () => {
    const y = await view(
      c,
      `/api/yield/stakers/${addr("staker")}?${prices}&base.${STRATEGY}=0.03&points=${PTS}&days=2`,
      StakerYieldOut,
    );
    expect(y.window).toEqual({
      from: day(1).toString(),
      to: day(3).toString(),
      fromDate: "2026-01-02",
      toDate: "2026-01-04",
      days: 2,
    });
    expect(y.asOf.lastSnapshotDay).toEqual({ timestamp: day(2).toString(), date: "2026-01-03" });
    expect(y.inputs).toEqual({
      prices: [
        { token: REWARD, ethPerToken: "1", decimals: 18 },
        { token: TOKEN, ethPerToken: "1", decimals: 18 },
      ].sort((a, b) => (a.token < b.token ? -1 : 1)),
      baseRates: [{ strategy: STRATEGY, apr: "0.03" }],
      points: [PTS],
    });
    expect(y.stake.averageEth).toBe((3650n * E18).toString());
    expect(y.yield.avsRewards).toMatchObject({
      eth: ((18n * E18) / 10n).toString(),
      apr: "0.0900000000",
      apy: "0.0941621449",
      grossEth: (2n * E18).toString(),
      grossApr: "0.1000000000",
      commissionEth: ((2n * E18) / 10n).toString(),
      commissionApr: "0.0100000000",
    });
    expect(y.yield.base).toMatchObject({ eth: ((6n * E18) / 10n).toString(), apr: "0.0300000000" });
    expect(y.yield.total).toEqual({ eth: ((24n * E18) / 10n).toString(), apr: "0.1200000000", apy: "0.1274746156" });
    expect(y.points.byToken).toEqual([
      {
        token: PTS,
        amount: (225n * E18).toString(),
        amountAtZeroSplit: (250n * E18).toString(),
        commission: (25n * E18).toString(),
        daily: [
          { day: day(1).toString(), amount: ((1125n * E18) / 10n).toString() },
          { day: day(2).toString(), amount: ((1125n * E18) / 10n).toString() },
        ],
      },
    ]);
    expect(y.daily).toEqual(
      [1, 2].map((d) => ({
        day: day(d).toString(),
        stakeEth: (3650n * E18).toString(),
        baseEth: ((3n * E18) / 10n).toString(),
        avsRewardsEth: ((9n * E18) / 10n).toString(),
        commissionEth: (E18 / 10n).toString(),
      })),
    );
    // the default window starts at the log's first day (day 0, no stake yet): same rates, lower average stake
    const all = await view(c, `/api/yield/stakers/${addr("staker")}?${prices}&points=${PTS}`, StakerYieldOut);
    expect(all.window).toMatchObject({ from: day(0).toString(), to: day(3).toString(), days: 3 });
    expect(all.yield.avsRewards.apr).toBe("0.0900000000");
    expect(all.stake.averageEth).toBe(((2n * 3650n * E18) / 3n).toString());
    // the amounts agree with the calculation behind the root (rewardsFromLog)
    const e = await view(c, `/api/rewards/earnings/${addr("staker")}`, EarningsOut);
    expect(all.yield.avsRewards.byToken[0]!.amount).toBe(e.earnings[0]!.cumulativeEarnings);
    expect(all.points.byToken[0]!.amount).toBe(e.earnings[1]!.cumulativeEarnings);
    // a price changes the ETH value: RWD at 1/2 → 0.9 ETH, APR 0.045
    const half = await view(
      c,
      `/api/yield/stakers/${addr("staker")}?price.${TOKEN}=1&price.${REWARD}=1/2&points=${PTS}&from=2026-01-02&to=2026-01-04`,
      StakerYieldOut,
    );
    expect(half.yield.avsRewards).toMatchObject({ eth: ((9n * E18) / 10n).toString(), apr: "0.0450000000" });
    expect(half.inputs.prices.find((p) => p.token === REWARD)!.ethPerToken).toBe("0.5");
  });

  it("the operator's pool and commission", async () => {
    const y = await view(
      c,
      `/api/yield/operators/${addr("operator")}?${prices}&points=${PTS}&days=2`,
      OperatorYieldOut,
    );
    expect(y.pool.stake.averageEth).toBe((14_600n * E18).toString());
    expect(y.pool.yield.avsRewards).toMatchObject({
      eth: ((72n * E18) / 10n).toString(),
      apr: "0.0900000000",
      grossEth: (8n * E18).toString(),
      grossApr: "0.1000000000",
      commissionEth: ((8n * E18) / 10n).toString(),
      commissionApr: "0.0100000000",
    });
    expect(y.pool.points.byToken[0]).toMatchObject({
      amount: (900n * E18).toString(),
      commission: (100n * E18).toString(),
    });
    expect(y.commission).toEqual({
      eth: ((8n * E18) / 10n).toString(),
      aprOnDelegatedStake: "0.0100000000",
      byToken: [
        { token: REWARD, ethPerToken: "1", amount: ((8n * E18) / 10n).toString(), eth: ((8n * E18) / 10n).toString() },
      ],
      points: [
        {
          token: PTS,
          amount: (100n * E18).toString(),
          daily: [
            { day: day(1).toString(), amount: (50n * E18).toString() },
            { day: day(2).toString(), amount: (50n * E18).toString() },
          ],
        },
      ],
    });
    // an address that is nobody's operator: no stake, no rate
    const none = await view(c, `/api/yield/operators/${addr("stranger")}?${prices}&points=${PTS}`, OperatorYieldOut);
    expect(none.pool.yield.total).toEqual({ eth: "0", apr: null, apy: null });
  });

  it("refuses unpriced cash tokens, priced points and malformed queries", async () => {
    const s = `/api/yield/stakers/${addr("staker")}`;
    const missing = await fails(c, `${s}?${prices}`, 400, "MissingPrice");
    expect(missing.context.tokens).toEqual([PTS]);
    await fails(c, `${s}?price.${TOKEN}=1&points=${PTS}`, 400, "MissingPrice");
    await fails(c, `${s}?${prices}&points=${PTS}&price.${PTS}=0.001`, 400, "PointsPriced");
    await fails(c, `${s}?price.${TOKEN}=1&price.${REWARD}=abc&points=${PTS}`, 400, "InvalidNumber");
    await fails(c, `${s}?price.${TOKEN}=1&price.${REWARD}=1&price.${REWARD}=2&points=${PTS}`, 400, "InvalidRequest");
    await fails(c, `${s}?${prices}&points=${PTS}&foo=1`, 400, "InvalidRequest");
    await fails(c, `${s}?${prices}&points=${PTS}&price.0x12=1`, 400, "InvalidRequest");
    await fails(c, `${s}?${prices}&points=nope`, 400, "InvalidRequest");
    await fails(c, `${s}?${prices}&points=${PTS}&from=2026-01-02&days=1`, 400, "InvalidRequest");
    await fails(c, `${s}?${prices}&points=${PTS}&days=0`, 400, "InvalidRequest");
    await fails(c, `${s}?${prices}&points=${PTS}&to=2026-01-09`, 400, "InvalidRequest");
    await fails(c, `${s}?${prices}&points=${PTS}&from=2026-01-03&to=2026-01-03`, 400, "InvalidWindow");
    await fails(c, `/api/yield/stakers/0x12?${prices}`, 400, "InvalidRequest");
  });

  it("a root: pending, then active; its proof is claimed through POST /api/tx for exactly the earnings", async () => {
    const e = await view(c, `/api/rewards/earnings/${addr("staker")}?until=2026-01-04`, EarningsOut);
    await c.ok("admin", "submitRoot", { root: e.root, rewardsCalculationEndTimestamp: day(2).toString() });
    const pending = await view(c, "/api/rewards/roots", RootsOut);
    expect(pending.currentClaimableIndex).toBeNull();
    expect(pending.roots).toEqual([
      {
        index: 0,
        root: e.root,
        rewardsCalculationEndTimestamp: day(2).toString(),
        activatedAt: (day(3) + 7n * DAY).toString(),
        disabled: false,
        status: "pending",
      },
    ]);
    expect(
      (await view(c, `/api/rewards/earnings/${addr("staker")}?until=2026-01-04`, EarningsOut)).submittedRootIndex,
    ).toBe(0);
    const proof = await view(c, `/api/rewards/proof/${addr("staker")}`, ProofOut);
    expect(proof).toMatchObject({ rootIndex: 0, root: e.root, status: "pending" });
    const early = await c.send("staker", "processClaim", { claim: proof.claim, recipient: addr("staker") });
    expect([early.status, early.body.code]).toEqual([422, "RootNotActivated"]);

    await c.ok("admin", "advanceClock", { blocks: (7n * BLOCKS_PER_DAY).toString() });
    const active = await view(c, "/api/rewards/roots", RootsOut);
    expect(active.currentClaimableIndex).toBe(0);
    expect(active.roots[0]!.status).toBe("active");
    const again = await view(c, `/api/rewards/proof/${addr("staker")}?rootIndex=0`, ProofOut);
    expect(again.status).toBe("active");
    expect(again.claim).toEqual(proof.claim);
    await c.ok("staker", "processClaim", { claim: again.claim, recipient: addr("staker") });
    const after = await view(c, `/api/rewards/earnings/${addr("staker")}`, EarningsOut);
    expect(after.earnings.map((x) => [x.token, x.cumulativeClaimed, x.unclaimed])).toEqual([
      [REWARD, ((18n * E18) / 10n).toString(), "0"],
      [PTS, (225n * E18).toString(), "0"],
    ]);
    const balances = (await c.get<Body>(`/api/stakers/${addr("staker")}`)).body.tokenBalances as Body[];
    expect(balances.find((b) => b.token === REWARD).balance).toBe(((18n * E18) / 10n).toString());

    // errors: an earner with nothing, no such root, a root the log does not give, a root off the snapshot days
    await fails(c, `/api/rewards/proof/${addr("avs")}`, 404, "NoEarnings");
    await fails(c, `/api/rewards/proof/${addr("staker")}?rootIndex=5`, 404, "NotFound");
    await c.ok("admin", "submitRoot", {
      root: `0x${"ab".repeat(32)}`,
      rewardsCalculationEndTimestamp: day(3).toString(),
    });
    const mismatch = await fails(c, `/api/rewards/proof/${addr("staker")}`, 409, "RootMismatch");
    expect(mismatch.context).toMatchObject({ rootIndex: 1, submitted: `0x${"ab".repeat(32)}` });
    await c.ok("admin", "submitRoot", {
      root: `0x${"cd".repeat(32)}`,
      rewardsCalculationEndTimestamp: (day(3) + 5n).toString(),
    });
    await fails(c, `/api/rewards/proof/${addr("staker")}?rootIndex=2`, 409, "RootNotReproducible");
  });

  it("documents every endpoint in the OpenAPI document", async () => {
    const doc = (await c.get<Body>("/api/openapi.json")).body;
    for (const path of [
      "/api/rewards/submissions",
      "/api/rewards/roots",
      "/api/rewards/earnings/{earner}",
      "/api/rewards/proof/{earner}",
      "/api/yield/stakers/{address}",
      "/api/yield/operators/{address}",
    ]) {
      const op = doc.paths[path]?.get;
      expect(op, path).toBeDefined();
      expect(op.responses["200"].content["application/json"].schema.$ref, path).toMatch(/^#\/components\/schemas\//);
      expect(op.responses["500"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
    }
    expect(doc.components.schemas.Points.description).toMatch(/Not yield/);
  });
});

describe("API: rewards on an empty and a one-day log", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await openTestNode();
  });
  afterAll(async () => {
    await node.close();
  });

  it("has no submissions, no roots, and no day to calculate yet", async () => {
    const c = node.client;
    expect((await view(c, "/api/rewards/submissions", SubmissionsOut)).submissions).toEqual([]);
    expect(await view(c, "/api/rewards/roots", RootsOut)).toMatchObject({ roots: [], currentClaimableIndex: null });
    await fails(c, `/api/rewards/earnings/${addr("staker")}`, 400, "InvalidRequest");
    await fails(c, `/api/yield/stakers/${addr("staker")}`, 400, "InvalidRequest");
    await fails(c, `/api/rewards/proof/${addr("staker")}`, 404, "NotFound");
    // one entry on day 0: the log has no complete snapshot day yet
    await c.ok("admin", "createToken", { token: TOKEN, symbol: "STK", decimals: 18 });
    const body = await fails(c, `/api/yield/stakers/${addr("staker")}`, 400, "InvalidWindow");
    expect(body.message).toMatch(/no complete snapshot day/);
    const e = await view(c, `/api/rewards/earnings/${addr("staker")}`, EarningsOut);
    expect(e).toMatchObject({ cutoffDate: "2026-01-01", earnings: [] });
  });
});
