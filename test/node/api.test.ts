import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { buildDistribution, claimFor } from "../../src/core/eigenlayer/merkle.ts";
import { BEACON_CHAIN_ETH_STRATEGY, DEFAULT_BURN_ADDRESS } from "../../src/core/eigenlayer/params.ts";
import { toPlainJson } from "../../src/core/shared/codec.ts";
import {
  AllocationsOut,
  AvsListOut,
  AvsOut,
  BatchOut,
  ClockOut,
  EventsOut,
  HealthOut,
  NeutralOut,
  NonceOut,
  OperatorOut,
  OperatorSetOut,
  OperatorsOut,
  ParamsOut,
  ReceiptOut,
  SlashesOut,
  StakerOut,
  StateHashOut,
  StrategiesOut,
  WithdrawalsOut,
} from "../../src/node/http/schemas.ts";
import { ALL_COMMAND_NAMES, COMMAND_NAMES } from "../../src/node/wire.ts";
import {
  addr,
  type Body,
  type Client,
  openTestNode,
  ROLES,
  type Role,
  STRATEGY,
  type TestNode,
  TOKEN,
  WAD,
} from "./api-helpers.ts";

/**
 * The HTTP API end to end, in-process: a full EigenLayer flow through signed transactions, every view checked to the
 * wei, restart from the log, the authorisation matrix, the OpenAPI document and static serving.
 */

const OP_SET = "1";
const SET_KEY = () => `${addr("avs")}/1`;

/** GET, assert 200, and parse with the documented response schema (so the docs cannot drift from the data). */
async function view<T extends z.ZodType>(client: Client, path: string, schema: T): Promise<z.output<T>> {
  const r = await client.get(path);
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
  return schema.parse(r.body);
}

describe("API: full flow", () => {
  let node: TestNode;
  let c: Client;
  let slashBlock: bigint;
  const hashes: string[] = [];

  beforeAll(async () => {
    node = await openTestNode();
    c = node.client;
  });
  afterAll(async () => {
    await node.close();
  });

  it("starts empty and healthy", async () => {
    const h = await view(c, "/api/health", HealthOut);
    expect(h).toMatchObject({ status: "ok", store: "sqlite", storeHead: 0, seq: 0 });
    const clock = await view(c, "/api/clock", ClockOut);
    expect(clock).toMatchObject({ mode: "manual", blockTimeSeconds: "12", block: "1" });
    const params = await view(c, "/api/params", ParamsOut);
    expect(params.admin).toBe(addr("admin"));
    expect(params.beaconReporter).toBe(addr("reporter"));
    expect(params.minWithdrawalDelayBlocks).toBe("5");
    expect(params.commands).toEqual(ALL_COMMAND_NAMES);
    expect((await view(c, `/api/nonces/${addr("staker")}`, NonceOut)).nonce).toBe("0");
    hashes.push((await view(c, "/api/state/hash", StateHashOut)).hash);
  });

  it("admin creates a token and a strategy and mints", async () => {
    const created = ReceiptOut.parse(await c.ok("admin", "createToken", { token: TOKEN, symbol: "STK", decimals: 18 }));
    expect(created.seq).toBe(1);
    expect(created.events.map((e) => e.event)).toEqual(["TokenCreated"]);
    await c.ok("admin", "addStrategy", { strategy: STRATEGY, token: TOKEN });
    await c.ok("admin", "mint", { token: TOKEN, to: addr("staker"), amount: (1000n * WAD).toString() });
    expect((await view(c, `/api/nonces/${addr("admin")}`, NonceOut)).nonce).toBe("3");
    const st = await view(c, "/api/strategies", StrategiesOut);
    expect(st.strategies).toEqual([
      {
        address: STRATEGY,
        token: TOKEN,
        symbol: "STK",
        decimals: 18,
        totalShares: "0",
        balance: "0",
        rate: WAD.toString(),
        whitelisted: true,
        maxPerDeposit: null,
        maxTotalDeposits: null,
      },
    ]);
  });

  it("staker deposits, operator registers, staker delegates", async () => {
    const dep = await c.ok("staker", "depositIntoStrategy", { strategy: STRATEGY, amount: (100n * WAD).toString() });
    expect(dep.result).toEqual({ depositShares: (100n * WAD).toString() });
    await c.ok("operator", "registerAsOperator", { allocationDelay: "0", metadataURI: "https://op.example" });
    await c.ok("staker", "delegateTo", { operator: addr("operator") });

    const staker = await view(c, `/api/stakers/${addr("staker")}`, StakerOut);
    expect(staker.delegatedTo).toBe(addr("operator"));
    expect(staker.isOperator).toBe(false);
    expect(staker.strategies).toEqual([
      {
        strategy: STRATEGY,
        asset: TOKEN,
        depositShares: (100n * WAD).toString(),
        withdrawableShares: (100n * WAD).toString(),
        withdrawableAmount: (100n * WAD).toString(),
        depositScalingFactor: WAD.toString(),
        slashingFactor: WAD.toString(),
      },
    ]);
    expect(staker.tokenBalances).toEqual([
      { token: TOKEN, symbol: "STK", decimals: 18, balance: (900n * WAD).toString() },
    ]);

    const ops = await view(c, "/api/operators", OperatorsOut);
    expect(ops.operators).toHaveLength(1);
    expect(ops.operators[0]).toMatchObject({
      address: addr("operator"),
      delegatedStakers: 1, // the operator's self-delegation does not count
      shares: [{ strategy: STRATEGY, shares: (100n * WAD).toString() }],
      allocationDelay: { isSet: true, delay: "0" },
    });
  });

  it("AVS creates a set; operator registers and allocates", async () => {
    await c.ok("avs", "updateAVSMetadataURI", { avs: addr("avs"), metadataURI: "https://avs.example" });
    await c.ok("avs", "createOperatorSets", {
      avs: addr("avs"),
      operatorSets: [{ operatorSetId: OP_SET, strategies: [STRATEGY] }],
    });
    await c.ok("operator", "registerForOperatorSets", {
      operator: addr("operator"),
      avs: addr("avs"),
      operatorSetIds: [OP_SET],
    });
    await c.ok("operator", "modifyAllocations", {
      operator: addr("operator"),
      allocations: [
        { avs: addr("avs"), operatorSetId: OP_SET, strategies: [STRATEGY], newMagnitudes: [(WAD / 2n).toString()] },
      ],
    });

    const set = await view(c, `/api/operator-sets/${addr("avs")}/1`, OperatorSetOut);
    expect(set).toMatchObject({
      operatorSet: SET_KEY(),
      strategies: [STRATEGY],
      members: [addr("operator")],
      slashableOperators: [addr("operator")],
      slasher: { current: addr("avs"), pending: addr("avs") },
      redistributionRecipient: null,
      slashCount: "0",
    });
    expect(set.stake).toEqual([
      {
        operator: addr("operator"),
        strategy: STRATEGY,
        currentMagnitude: (WAD / 2n).toString(),
        pendingDiff: "0",
        effectBlock: "0", // the allocation took effect at once (delay 0): nothing pending
        allocatedStake: (50n * WAD).toString(),
        minimumSlashableStake: (50n * WAD).toString(),
      },
    ]);
    const avs = await view(c, `/api/avs/${addr("avs")}`, AvsOut);
    expect(avs.metadataURI).toBe("https://avs.example");
    expect(avs.operatorSets.map((s) => s.operatorSet)).toEqual([SET_KEY()]);
    const list = await view(c, "/api/avs", AvsListOut);
    expect(list.avss).toEqual([
      { address: addr("avs"), metadataURI: "https://avs.example", operatorSets: [SET_KEY()] },
    ]);
  });

  it("AVS slashes; every view reflects it exactly", async () => {
    const before = await view(c, "/api/state/hash", StateHashOut);
    const slash = await c.ok("avs", "slashOperator", {
      avs: addr("avs"),
      operator: addr("operator"),
      operatorSetId: OP_SET,
      strategies: [STRATEGY],
      wadsToSlash: [(WAD / 2n).toString()],
      description: "downtime",
    });
    expect(slash.result).toEqual({ slashId: "1", shares: [(25n * WAD).toString()] });
    slashBlock = BigInt(slash.block);
    const after = await view(c, "/api/state/hash", StateHashOut);
    expect(after.hash).not.toBe(before.hash);
    expect(after.seq).toBe(before.seq + 1);

    // magnitude: allocated 0.5 of 1.0, slashed half of it → max 0.75, allocated 0.25
    const maxMag = (3n * WAD) / 4n;
    const cur = WAD / 4n;
    const opShares = 75n * WAD; // 100 − ⌊100·(1 − 0.75)⌋
    const allocated = (opShares * ((cur * WAD) / maxMag)) / WAD; // ⌊shares·⌊cur·WAD/max⌋/WAD⌋
    expect(allocated).toBe(24_999_999_999_999_999_975n);

    const op = await view(c, `/api/operators/${addr("operator")}`, OperatorOut);
    expect(op.strategies.find((s) => s.strategy === STRATEGY)).toEqual({
      strategy: STRATEGY,
      operatorShares: opShares.toString(),
      maxMagnitude: maxMag.toString(),
      encumberedMagnitude: cur.toString(),
      allocatableMagnitude: (maxMag - cur).toString(),
      slashableSharesInQueue: "0",
      deallocationQueue: [],
    });
    expect(op.strategies.find((s) => s.strategy === BEACON_CHAIN_ETH_STRATEGY)?.maxMagnitude).toBe(WAD.toString());
    expect(op.delegatedStakers).toBe(1);
    expect(op.registeredSets).toEqual([SET_KEY()]);
    expect(op.operatorSets).toEqual([
      {
        operatorSet: SET_KEY(),
        avs: addr("avs"),
        operatorSetId: "1",
        registered: true,
        slashable: true,
        slashableUntil: null,
      },
    ]);
    expect(op.allocations).toEqual([
      {
        operator: addr("operator"),
        operatorSet: SET_KEY(),
        avs: addr("avs"),
        operatorSetId: "1",
        strategy: STRATEGY,
        currentMagnitude: cur.toString(),
        pendingDiff: "0",
        effectBlock: "0",
        allocatedStake: allocated.toString(),
        slashableStake: allocated.toString(),
      },
    ]);
    const allocs = await view(
      c,
      `/api/allocations?operator=${addr("operator").toUpperCase().replace("0X", "0x")}`,
      AllocationsOut,
    );
    expect(allocs.allocations).toEqual(op.allocations);
    expect((await view(c, "/api/allocations", AllocationsOut)).allocations).toEqual(op.allocations);

    const staker = await view(c, `/api/stakers/${addr("staker")}`, StakerOut);
    expect(staker.strategies[0]).toEqual({
      strategy: STRATEGY,
      asset: TOKEN,
      depositShares: (100n * WAD).toString(),
      withdrawableShares: (75n * WAD).toString(),
      withdrawableAmount: (75n * WAD).toString(),
      depositScalingFactor: WAD.toString(),
      slashingFactor: maxMag.toString(),
    });

    const set = await view(c, `/api/operator-sets/${addr("avs")}/1`, OperatorSetOut);
    expect(set.slashCount).toBe("1");
    expect(set.stake[0]).toMatchObject({
      allocatedStake: allocated.toString(),
      minimumSlashableStake: allocated.toString(),
    });
    expect(set.pendingSlashes).toEqual([
      {
        slashId: "1",
        resolutionBlock: (slashBlock + 2n).toString(),
        shares: [{ strategy: STRATEGY, shares: (25n * WAD).toString() }],
      },
    ]);

    const slashes = await view(c, "/api/slashes", SlashesOut);
    expect(slashes.slashes).toEqual([
      {
        slashId: "1",
        operatorSet: SET_KEY(),
        avs: addr("avs"),
        operatorSetId: "1",
        operator: addr("operator"),
        slasher: addr("avs"),
        description: "downtime",
        seq: slash.seq,
        block: slash.block,
        timestamp: slash.timestamp,
        txHash: slash.txHash,
        strategies: [
          {
            strategy: STRATEGY,
            wadToSlash: (WAD / 2n).toString(),
            wadSlashed: cur.toString(),
            sharesSlashed: (25n * WAD).toString(),
          },
        ],
        cleared: [],
        pending: {
          resolutionBlock: (slashBlock + 2n).toString(),
          shares: [{ strategy: STRATEGY, shares: (25n * WAD).toString() }],
        },
      },
    ]);
    expect((await view(c, `/api/slashes?operator=${addr("stranger")}`, SlashesOut)).slashes).toEqual([]);
    expect((await view(c, `/api/slashes?avs=${addr("avs")}&operatorSetId=1`, SlashesOut)).slashes).toHaveLength(1);

    const neutral = await view(c, "/api/neutral", NeutralOut);
    expect(neutral.exposures).toEqual([
      {
        protocol: "eigenlayer",
        collateral: STRATEGY,
        asset: TOKEN,
        operator: addr("operator"),
        service: addr("avs"),
        serviceSet: SET_KEY(),
        slasher: addr("avs"),
        redistributionRecipient: null,
        shares: allocated.toString(),
        assetAmount: allocated.toString(),
        sharesAtHorizon: allocated.toString(),
        fractionWad: ((cur * WAD) / maxMag).toString(),
        slashableUntil: null,
      },
    ]);
    expect(neutral.operators).toEqual([
      {
        protocol: "eigenlayer",
        operator: addr("operator"),
        delegated: [
          { collateral: STRATEGY, asset: TOKEN, shares: opShares.toString(), assetAmount: opShares.toString() },
        ],
        stakers: 1,
      },
    ]);

    const strategies = await view(c, "/api/strategies", StrategiesOut);
    // slashed shares stay in the strategy until cleared
    expect(strategies.strategies[0]).toMatchObject({
      totalShares: (100n * WAD).toString(),
      balance: (100n * WAD).toString(),
    });
  });

  it("queues a withdrawal: its value, window and completion follow the clock", async () => {
    const q = await c.ok("staker", "queueWithdrawals", {
      params: [{ strategies: [STRATEGY], depositShares: [(10n * WAD).toString()] }],
    });
    const root = (q.result.withdrawalRoots as string[])[0]!;
    const startBlock = BigInt(q.block);
    const w = await view(c, `/api/withdrawals?staker=${addr("staker")}`, WithdrawalsOut);
    expect(w.total).toBe(1);
    expect(w.withdrawals[0]).toEqual({
      root,
      staker: addr("staker"),
      delegatedTo: addr("operator"),
      withdrawer: addr("staker"),
      nonce: "0",
      startBlock: startBlock.toString(),
      strategies: [STRATEGY],
      scaledShares: [(10n * WAD).toString()],
      shares: ["7500000000000000000"],
      slashableUntil: (startBlock + 5n).toString(),
      completableFrom: (startBlock + 6n).toString(),
      completable: false,
    });
    const staker = await view(c, `/api/stakers/${addr("staker")}`, StakerOut);
    expect(staker.queuedWithdrawals).toEqual(w.withdrawals);
    expect(staker.withdrawalNonce).toBe("1");
    const op = await view(c, `/api/operators/${addr("operator")}`, OperatorOut);
    expect(op.strategies.find((s) => s.strategy === STRATEGY)).toMatchObject({
      operatorShares: "67500000000000000000",
      slashableSharesInQueue: "7500000000000000000",
    });

    // too early: 422 with EigenLayer's revert name, and nothing changes
    const hash = await c.stateHash();
    const early = await c.send("staker", "completeQueuedWithdrawal", { withdrawalRoot: root, receiveAsTokens: true });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe("WithdrawalDelayNotElapsed");
    expect(await c.stateHash()).toBe(hash);

    await c.ok("admin", "advanceClock", { blocks: "6" });
    const clock = await view(c, "/api/clock", ClockOut);
    expect(clock.block).toBe((startBlock + 6n).toString());
    expect(BigInt(clock.timestamp)).toBe(BigInt(q.timestamp) + 72n);
    const ready = await view(c, `/api/withdrawals?staker=${addr("staker")}`, WithdrawalsOut);
    expect(ready.withdrawals[0]!.completable).toBe(true);

    const done = await c.ok("staker", "completeQueuedWithdrawal", { withdrawalRoot: root, receiveAsTokens: true });
    expect(done.result).toMatchObject({ shares: ["7500000000000000000"], tokens: ["7500000000000000000"] });
    const after = await view(c, `/api/stakers/${addr("staker")}`, StakerOut);
    expect(after.queuedWithdrawals).toEqual([]);
    expect(after.tokenBalances[0]!.balance).toBe((907n * WAD + WAD / 2n).toString());
  });

  it("anyone clears the slashed shares after the resolution delay; the history records it", async () => {
    const cleared = await c.ok("stranger", "clearBurnOrRedistributableShares", {
      operatorSet: SET_KEY(),
      slashId: "1",
    });
    const slashes = await view(c, "/api/slashes", SlashesOut);
    expect(slashes.slashes[0]!.pending).toBeNull();
    expect(slashes.slashes[0]!.cleared).toEqual([
      { strategy: STRATEGY, shares: (25n * WAD).toString(), seq: cleared.seq, block: cleared.block },
    ]);
    const set = await view(c, `/api/operator-sets/${addr("avs")}/1`, OperatorSetOut);
    expect(set.pendingSlashes).toEqual([]);
    // 100 deposited − 7.5 withdrawn as tokens − 25 cleared, at a rate of exactly 1
    const st = await view(c, "/api/strategies", StrategiesOut);
    expect(st.strategies[0]).toMatchObject({
      totalShares: (67n * WAD + WAD / 2n).toString(),
      balance: (67n * WAD + WAD / 2n).toString(),
      rate: WAD.toString(),
    });
    const burn = await view(c, `/api/stakers/${DEFAULT_BURN_ADDRESS}`, StakerOut);
    expect(burn.tokenBalances).toEqual([
      { token: TOKEN, symbol: "STK", decimals: 18, balance: (25n * WAD).toString() },
    ]);
  });

  it("pages through the event log", async () => {
    const head = (await view(c, "/api/health", HealthOut)).storeHead;
    expect(head).toBe(node.ledger.seq);
    const seen: number[] = [];
    let cursor = 1;
    for (;;) {
      const page = await view(c, `/api/events?cursor=${cursor}&limit=3`, EventsOut);
      expect(page.head).toBe(head);
      seen.push(...page.entries.map((e) => e.seq));
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const first = await view(c, "/api/events?limit=1", EventsOut);
    expect(first.entries[0]).toMatchObject({ seq: 1, command: "createToken", sender: addr("admin") });
    expect(first.entries[0]!.events[0]).toEqual({
      event: "TokenCreated",
      args: { token: TOKEN, symbol: "STK", decimals: 18 },
    });
    const past = await view(c, `/api/events?cursor=${head + 1}`, EventsOut);
    expect(past).toEqual({ entries: [], nextCursor: head + 1, head, hasMore: false });
  });

  it("submits a batch: applied in order, each on its own, with per-item statuses", async () => {
    const n = await c.nonce("admin");
    const mint = (nonce: bigint, amount: string) =>
      c.sign("admin", "mint", { token: TOKEN, to: addr("stranger"), amount }, { nonce });
    const good0 = await mint(n, "5");
    const replay = good0; // same nonce again: rejected on its own
    const good1 = await mint(n + 1n, "7");
    const notAdmin = await c.sign("staker", "mint", { token: TOKEN, to: addr("staker"), amount: "1" });
    const r = await c.post("/api/tx/batch", { txs: [good0, replay, good1, notAdmin] });
    expect(r.status).toBe(200);
    const body = BatchOut.parse(r.body);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(2);
    expect(body.results.map((x) => [x.index, x.httpStatus, "code" in x ? x.code : x.status])).toEqual([
      [0, 200, "accepted"],
      [1, 409, "InvalidNonce"],
      [2, 200, "accepted"],
      [3, 403, "OnlyAdmin"],
    ]);
    const stranger = await view(c, `/api/stakers/${addr("stranger")}`, StakerOut);
    expect(stranger.tokenBalances).toEqual([{ token: TOKEN, symbol: "STK", decimals: 18, balance: "12" }]);
    hashes.push(await c.stateHash());
  });

  it("rebuilds everything after a restart: same hash, same slashing history", async () => {
    const hash = await c.stateHash();
    const slashes = await view(c, "/api/slashes", SlashesOut);
    const op = await view(c, `/api/operators/${addr("operator")}`, OperatorOut);
    node = await node.restart();
    c = node.client;
    expect(await c.stateHash()).toBe(hash);
    expect(await view(c, "/api/slashes", SlashesOut)).toEqual(slashes);
    expect(await view(c, `/api/operators/${addr("operator")}`, OperatorOut)).toEqual(op);
  });

  describe("authorisation matrix: every role-gated command from every wrong role is 403 and changes nothing", () => {
    let root: string;
    let claim: Record<string, unknown>;
    beforeAll(async () => {
      // a queued withdrawal and a pod give the withdrawer- and reporter-gated commands something to act on
      const q = await c.ok("staker", "queueWithdrawals", {
        params: [{ strategies: [STRATEGY], depositShares: [WAD.toString()] }],
      });
      root = (q.result.withdrawalRoots as string[])[0]!;
      await c.ok("staker", "createPod", {});
      // an active distribution root with earnings for the staker gives processClaim a valid claim to refuse
      const distribution = buildDistribution(new Map([[addr("staker"), new Map([[TOKEN, 1n]])]]));
      await c.ok("admin", "setActivationDelay", { activationDelay: "0" });
      await c.ok("admin", "submitRoot", { root: distribution.root, rewardsCalculationEndTimestamp: "1" });
      claim = JSON.parse(toPlainJson(claimFor(distribution, addr("staker"), 0)));
    });

    const others = (...allowed: Role[]) => ROLES.filter((r) => !allowed.includes(r));
    const cases: { command: string; params: () => Record<string, unknown>; allowed: Role[]; code: string }[] = [
      // admin
      {
        command: "createToken",
        params: () => ({ token: `0x${"77".repeat(20)}`, symbol: "X", decimals: 6 }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "mint",
        params: () => ({ token: TOKEN, to: addr("stranger"), amount: "1" }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "addStrategy",
        params: () => ({ strategy: `0x${"78".repeat(20)}`, token: TOKEN }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "setStrategyWhitelisted",
        params: () => ({ strategy: STRATEGY, whitelisted: false }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "setStrategyDepositLimits",
        params: () => ({ strategy: STRATEGY, maxPerDeposit: "1", maxTotalDeposits: "2" }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "pause",
        params: () => ({ module: "strategyManager", newPausedStatus: "1" }),
        allowed: ["admin"],
        code: "OnlyPauser",
      },
      {
        command: "unpause",
        params: () => ({ module: "strategyManager", newPausedStatus: "0" }),
        allowed: ["admin"],
        code: "OnlyPauser",
      },
      { command: "advanceClock", params: () => ({ blocks: "1" }), allowed: ["admin"], code: "OnlyAdmin" },
      // an account's own appointees
      {
        command: "setAppointee",
        params: () => ({ account: addr("operator"), appointee: addr("stranger") }),
        allowed: ["operator"],
        code: "NotAdmin",
      },
      {
        command: "removeAppointee",
        params: () => ({ account: addr("avs"), appointee: addr("stranger") }),
        allowed: ["avs"],
        code: "NotAdmin",
      },
      // the operator's own settings and magnitude
      {
        command: "modifyOperatorDetails",
        params: () => ({ operator: addr("operator"), delegationApprover: addr("stranger") }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      {
        command: "updateOperatorMetadataURI",
        params: () => ({ operator: addr("operator"), metadataURI: "x" }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      {
        command: "registerForOperatorSets",
        params: () => ({ operator: addr("operator"), avs: addr("avs"), operatorSetIds: ["1"] }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      {
        command: "setAllocationDelay",
        params: () => ({ operator: addr("operator"), delay: "1" }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      {
        command: "modifyAllocations",
        params: () => ({
          operator: addr("operator"),
          allocations: [{ avs: addr("avs"), operatorSetId: "1", strategies: [STRATEGY], newMagnitudes: ["1"] }],
        }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      // the AVS's own sets
      {
        command: "updateAVSMetadataURI",
        params: () => ({ avs: addr("avs"), metadataURI: "x" }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "createOperatorSets",
        params: () => ({ avs: addr("avs"), operatorSets: [{ operatorSetId: "2", strategies: [] }] }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "addStrategiesToOperatorSet",
        params: () => ({ avs: addr("avs"), operatorSetId: "1", strategies: [BEACON_CHAIN_ETH_STRATEGY] }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "removeStrategiesFromOperatorSet",
        params: () => ({ avs: addr("avs"), operatorSetId: "1", strategies: [STRATEGY] }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "updateSlasher",
        params: () => ({ avs: addr("avs"), operatorSetId: "1", slasher: addr("stranger") }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      // the operator or the AVS may deregister; nobody else
      {
        command: "deregisterFromOperatorSets",
        params: () => ({ operator: addr("operator"), avs: addr("avs"), operatorSetIds: ["1"] }),
        allowed: ["operator", "avs"],
        code: "InvalidCaller",
      },
      // only the set's slasher slashes
      {
        command: "slashOperator",
        params: () => ({
          avs: addr("avs"),
          operator: addr("operator"),
          operatorSetId: "1",
          strategies: [STRATEGY],
          wadsToSlash: [WAD.toString()],
        }),
        allowed: ["avs"],
        code: "InvalidCaller",
      },
      // the staker, its operator (or the approver) may undelegate it
      {
        command: "undelegate",
        params: () => ({ staker: addr("staker") }),
        allowed: ["staker", "operator"],
        code: "CallerCannotUndelegate",
      },
      // only the withdrawer completes a withdrawal
      {
        command: "completeQueuedWithdrawal",
        params: () => ({ withdrawalRoot: root, receiveAsTokens: true }),
        allowed: ["staker"],
        code: "WithdrawerNotCaller",
      },
      // beacon-chain facts come from the reporter only
      {
        command: "verifyWithdrawalCredentials",
        params: () => ({
          podOwner: addr("staker"),
          validators: [{ validatorIndex: "1", effectiveBalanceGwei: "32000000000" }],
        }),
        allowed: ["reporter"],
        code: "OnlyBeaconReporter",
      },
      {
        command: "creditPodEth",
        params: () => ({ podOwner: addr("staker"), amountWei: "1000000000" }),
        allowed: ["reporter"],
        code: "OnlyBeaconReporter",
      },
      {
        command: "verifyStaleBalance",
        params: () => ({ podOwner: addr("staker"), validatorIndex: "1" }),
        allowed: ["reporter"],
        code: "OnlyBeaconReporter",
      },
      {
        command: "verifyCheckpointProofs",
        params: () => ({ podOwner: addr("staker"), balances: [{ validatorIndex: "1", balanceGwei: "1" }] }),
        allowed: ["reporter"],
        code: "OnlyBeaconReporter",
      },
      // RewardsCoordinator: rewards-for-all submitters (none is set here), the AVS, the operator, the owner,
      // the rewards updater (the admin by default) and the earner's claimer
      {
        command: "createRewardsForAllSubmission",
        params: () => ({ rewardsSubmissions: [] }),
        allowed: [],
        code: "UnauthorizedCaller",
      },
      {
        command: "createRewardsForAllEarners",
        params: () => ({ rewardsSubmissions: [] }),
        allowed: [],
        code: "UnauthorizedCaller",
      },
      {
        command: "createOperatorDirectedAVSRewardsSubmission",
        params: () => ({ avs: addr("avs"), operatorDirectedRewardsSubmissions: [] }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "createOperatorDirectedOperatorSetRewardsSubmission",
        params: () => ({ avs: addr("avs"), operatorSetId: "1", operatorDirectedRewardsSubmissions: [] }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "createUniqueStakeRewardsSubmission",
        params: () => ({ avs: addr("avs"), operatorSetId: "1", rewardsSubmissions: [] }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "createTotalStakeRewardsSubmission",
        params: () => ({ avs: addr("avs"), operatorSetId: "1", rewardsSubmissions: [] }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "setOptInForProtocolFee",
        params: () => ({ submitter: addr("avs"), optInForProtocolFee: true }),
        allowed: ["avs"],
        code: "InvalidPermissions",
      },
      {
        command: "setOperatorAVSSplit",
        params: () => ({ operator: addr("operator"), avs: addr("avs"), split: "500" }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      {
        command: "setOperatorSetSplit",
        params: () => ({ operator: addr("operator"), avs: addr("avs"), operatorSetId: "1", split: "500" }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      {
        command: "setOperatorPISplit",
        params: () => ({ operator: addr("operator"), split: "500" }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      {
        command: "setClaimerFor",
        params: () => ({ earner: addr("operator"), claimer: addr("stranger") }),
        allowed: ["operator"],
        code: "InvalidPermissions",
      },
      { command: "setDefaultOperatorSplit", params: () => ({ split: "500" }), allowed: ["admin"], code: "OnlyAdmin" },
      {
        command: "setActivationDelay",
        params: () => ({ activationDelay: "60" }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "setRewardsUpdater",
        params: () => ({ rewardsUpdater: addr("stranger") }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "setRewardsForAllSubmitter",
        params: () => ({ submitter: addr("stranger"), newValue: true }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "setFeeRecipient",
        params: () => ({ feeRecipient: addr("stranger") }),
        allowed: ["admin"],
        code: "OnlyAdmin",
      },
      {
        command: "submitRoot",
        params: () => ({ root: `0x${"ab".repeat(32)}`, rewardsCalculationEndTimestamp: "2" }),
        allowed: ["admin"],
        code: "UnauthorizedCaller",
      },
      { command: "disableRoot", params: () => ({ rootIndex: "0" }), allowed: ["admin"], code: "UnauthorizedCaller" },
      {
        command: "processClaim",
        params: () => ({ claim, recipient: addr("stranger") }),
        allowed: ["staker"],
        code: "UnauthorizedCaller",
      },
    ];

    for (const k of cases) {
      it(`${k.command}: ${others(...k.allowed).join(", ")} → 403 ${k.code}`, async () => {
        for (const role of others(...k.allowed)) {
          const hash = await c.stateHash();
          const nonce = await c.nonce(role);
          const r = await c.send(role, k.command, k.params(), { nonce });
          expect([r.status, r.body.code], `${k.command} by ${role}`).toEqual([403, k.code]);
          expect(await c.stateHash()).toBe(hash);
          expect(await c.nonce(role)).toBe(nonce);
        }
      });
    }

    it("covers every command that has a role", () => {
      const open = [
        "transfer",
        "depositIntoStrategy",
        "clearBurnOrRedistributableShares",
        "registerAsOperator",
        "delegateTo",
        "redelegate",
        "queueWithdrawals",
        "clearDeallocationQueue",
        "createPod",
        "startCheckpoint",
        "createAVSRewardsSubmission", // the caller is the AVS
      ]; // act on the caller's own account, or permissionless
      expect([...cases.map((k) => k.command), ...open].sort()).toEqual([...COMMAND_NAMES].sort());
    });
  });
});

describe("API: OpenAPI document", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await openTestNode();
  });
  afterAll(async () => {
    await node.close();
  });

  it("is OpenAPI 3.1 with every endpoint, every command's params, and resolvable refs", async () => {
    const a = await node.client.get<Body>("/api/openapi.json");
    const b = await node.client.get<Body>("/openapi.json");
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    const doc = a.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBeTruthy();
    const paths = Object.keys(doc.paths).sort();
    // the ledger's own endpoints are all documented; layers (risk, rewards, …) add theirs, checked by their tests
    expect(paths.every((p) => p.startsWith("/api/"))).toBe(true);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/tx",
        "/api/tx/batch",
        "/api/health",
        "/api/state/hash",
        "/api/clock",
        "/api/params",
        "/api/nonces/{address}",
        "/api/stakers/{address}",
        "/api/operators",
        "/api/operators/{address}",
        "/api/avs",
        "/api/avs/{address}",
        "/api/operator-sets/{avs}/{id}",
        "/api/allocations",
        "/api/withdrawals",
        "/api/strategies",
        "/api/slashes",
        "/api/events",
        "/api/neutral",
      ]),
    );
    for (const [p, item] of Object.entries<Body>(doc.paths)) {
      for (const [method, op] of Object.entries<Body>(item)) {
        // a job-starting route (the simulation lab's POSTs) answers 202 Accepted instead
        expect(
          Object.keys(op.responses).filter((s) => s === "200" || s === "202"),
          `${method} ${p}`,
        ).toHaveLength(1);
        expect(op.responses["500"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
        for (const param of op.parameters ?? []) {
          if (param.in === "path") {
            expect(p).toContain(`{${param.name}}`);
            expect(param.required).toBe(true);
          }
        }
      }
    }
    const schemas = doc.components.schemas;
    for (const name of ALL_COMMAND_NAMES) {
      expect(schemas[`Params_${name}`], name).toBeTypeOf("object");
      expect(schemas[`Tx_${name}`].properties.params.$ref).toBe(`#/components/schemas/Params_${name}`);
    }
    expect(schemas.Params_mint).toMatchObject({
      type: "object",
      required: ["token", "to", "amount"],
      additionalProperties: false,
    });
    expect(schemas.SignedTx.oneOf).toHaveLength(ALL_COMMAND_NAMES.length);
    expect(schemas.SignedTx.discriminator.propertyName).toBe("command");
    expect(doc.paths["/api/tx"].post.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/SignedTx",
    );

    const refs = new Set<string>();
    JSON.stringify(doc, (k, v) => {
      if (k === "$ref") refs.add(v as string);
      return v;
    });
    expect(refs.size).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref.startsWith("#/components/schemas/"), ref).toBe(true);
      expect(schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
  });
});

describe("API: dashboard static files", () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "restake-web-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>restake</title>");
    writeFileSync(join(dir, "app.js"), "console.log(1)");
    node = await openTestNode({ staticDir: dir });
  });
  afterAll(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves files, falls back to index.html, and keeps /api JSON", async () => {
    const index = await node.app.request("/");
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("<title>restake</title>");
    const js = await node.app.request("/app.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    const deep = await node.app.request("/operators/0xabc");
    expect(await deep.text()).toContain("<title>restake</title>");
    const api = await node.app.request("/api/nothing-here");
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: "NotFound" });
    const health = await node.app.request("/api/health");
    expect(health.status).toBe(200);
    const doc = await node.app.request("/openapi.json");
    expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});
