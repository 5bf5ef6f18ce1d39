import { keccak256, stringToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { type EigenCommand, execute } from "../../src/core/eigenlayer/commands.ts";
import { createEigenState } from "../../src/core/eigenlayer/create.ts";
import { delegationApprovalDigest, operatorShares } from "../../src/core/eigenlayer/delegationManager.ts";
import { eigenNeutralView } from "../../src/core/eigenlayer/neutral.ts";
import { DEFAULT_BURN_ADDRESS } from "../../src/core/eigenlayer/params.ts";
import { stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import { type Address, type EigenState, setKey } from "../../src/core/eigenlayer/state.ts";
import { balanceOf } from "../../src/core/eigenlayer/tokens.ts";
import * as views from "../../src/core/eigenlayer/views.ts";
import { WAD } from "../../src/core/shared/math.ts";

const a = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;
const ADMIN = a(0xad01);
const TOKEN = a(0xa1);
const ST = a(0xb1);
const STAKER = a(0x51);
const OP = a(0x0a);
const AVS = a(0xa5);
const RECIPIENT = a(0xcafe);

function setup(over: Parameters<typeof createEigenState>[0] = {}) {
  const s = createEigenState({
    admin: ADMIN,
    minWithdrawalDelayBlocks: 10n,
    deallocationDelayBlocks: 10n,
    allocationConfigurationDelayBlocks: 20n,
    slashResolutionDelayBlocks: 30n,
    ...over,
  });
  let block = 100n;
  const run = (caller: Address, c: EigenCommand) => execute(s, { block, timestamp: block * 12n, caller }, c);
  const advance = (n: bigint) => {
    block += n;
  };
  run(ADMIN, { type: "createToken", token: TOKEN, symbol: "stETH", decimals: 18 });
  run(ADMIN, { type: "addStrategy", strategy: ST, token: TOKEN });
  run(ADMIN, { type: "mint", token: TOKEN, to: STAKER, amount: 1000n * WAD });
  return { s, run, advance, block: () => block };
}

function stakedNetwork(redistributing: boolean) {
  const t = setup();
  t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: 100n * WAD });
  t.run(OP, { type: "registerAsOperator", allocationDelay: 0n });
  t.run(STAKER, { type: "delegateTo", operator: OP });
  t.run(AVS, { type: "updateAVSMetadataURI", avs: AVS, metadataURI: "" });
  t.run(AVS, {
    type: "createOperatorSets",
    avs: AVS,
    operatorSets: [{ operatorSetId: 1n, strategies: [ST] }],
    ...(redistributing ? { redistributionRecipients: [RECIPIENT] } : {}),
  });
  t.run(OP, { type: "registerForOperatorSets", operator: OP, avs: AVS, operatorSetIds: [1n] });
  t.run(OP, {
    type: "modifyAllocations",
    operator: OP,
    allocations: [{ avs: AVS, operatorSetId: 1n, strategies: [ST], newMagnitudes: [WAD / 2n] }],
  });
  return t;
}

function expectUnchanged(s: EigenState, f: () => unknown, code: string) {
  const before = stateHash(s);
  expect(f).toThrow(expect.objectContaining({ code }));
  expect(stateHash(s)).toBe(before);
}

describe("slashed shares: burn or redistribute after the resolution delay", () => {
  for (const redistributing of [false, true]) {
    it(redistributing ? "redistributes to the set's recipient" : "burns to the default burn address", () => {
      const t = stakedNetwork(redistributing);
      const r = t.run(AVS, {
        type: "slashOperator",
        avs: AVS,
        operator: OP,
        operatorSetId: 1n,
        strategies: [ST],
        wadsToSlash: [WAD / 2n],
      });
      expect(r.result.shares).toEqual([25n * WAD]);
      const set = setKey(AVS, 1n);
      expectUnchanged(
        t.s,
        () => t.run(a(0x99), { type: "clearBurnOrRedistributableShares", operatorSet: set, slashId: 1n }),
        "SlashResolutionDelayNotElapsed",
      );
      t.advance(31n);
      const cleared = t.run(a(0x99), { type: "clearBurnOrRedistributableShares", operatorSet: set, slashId: 1n });
      expect(cleared.result.amounts).toEqual([25n * WAD]);
      const to = redistributing ? RECIPIENT : DEFAULT_BURN_ADDRESS;
      expect(balanceOf(t.s, TOKEN, to)).toBe(25n * WAD);
      expect(balanceOf(t.s, TOKEN, ST)).toBe(75n * WAD);
      expectUnchanged(
        t.s,
        () => t.run(a(0x99), { type: "clearBurnOrRedistributableShares", operatorSet: set, slashId: 1n }),
        "SlashNotPending",
      );
      // the staker still withdraws exactly what is left
      expect(views.withdrawableShares(t.s, STAKER, ST)).toBe(75n * WAD);
    });
  }

  it("refuses the beacon strategy in a redistributing set", () => {
    const t = setup();
    t.run(AVS, { type: "updateAVSMetadataURI", avs: AVS, metadataURI: "" });
    expectUnchanged(
      t.s,
      () =>
        t.run(AVS, {
          type: "createOperatorSets",
          avs: AVS,
          operatorSets: [{ operatorSetId: 1n, strategies: ["0xbeac0eeeeeeeeeeeeeeeeeeeeeeeeeeeeeebeac0"] }],
          redistributionRecipients: [RECIPIENT],
        }),
      "InvalidStrategy",
    );
  });
});

describe("delegation approver", () => {
  const approver = privateKeyToAccount(keccak256(stringToBytes("approver")));
  const approverAddr = approver.address.toLowerCase() as Address;

  it("requires a valid, unexpired, unspent approval signature", async () => {
    const t = setup();
    t.run(OP, { type: "registerAsOperator", allocationDelay: 0n, delegationApprover: approverAddr });
    const salt = `0x${"11".repeat(32)}` as const;
    const expiry = t.block() * 12n + 100n;
    expectUnchanged(t.s, () => t.run(STAKER, { type: "delegateTo", operator: OP }), "InvalidSignature");
    const digest = delegationApprovalDigest(t.s, STAKER, OP, approverAddr, salt, expiry);
    const signature = await approver.sign({ hash: digest });
    const wrong = await privateKeyToAccount(keccak256(stringToBytes("mallory"))).sign({ hash: digest });
    expectUnchanged(
      t.s,
      () =>
        t.run(STAKER, {
          type: "delegateTo",
          operator: OP,
          approverSalt: salt,
          approverSignature: { signature: wrong, expiry },
        }),
      "InvalidSignature",
    );
    t.run(STAKER, { type: "delegateTo", operator: OP, approverSalt: salt, approverSignature: { signature, expiry } });
    expect(t.s.stakers.get(STAKER)?.delegatedTo).toBe(OP);
    // the salt is spent: the same approval cannot be used again after undelegating
    t.run(STAKER, { type: "undelegate", staker: STAKER });
    expectUnchanged(
      t.s,
      () =>
        t.run(STAKER, {
          type: "delegateTo",
          operator: OP,
          approverSalt: salt,
          approverSignature: { signature, expiry },
        }),
      "SaltSpent",
    );
  });

  it("lets the approver force-undelegate a staker", () => {
    const t = setup();
    t.run(OP, { type: "registerAsOperator", allocationDelay: 0n });
    t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: 10n * WAD });
    t.run(STAKER, { type: "delegateTo", operator: OP });
    expectUnchanged(t.s, () => t.run(a(0x77), { type: "undelegate", staker: STAKER }), "CallerCannotUndelegate");
    const r = t.run(OP, { type: "undelegate", staker: STAKER });
    expect(r.events.some((e) => e.event === "StakerForceUndelegated")).toBe(true);
    expect(operatorShares(t.s, OP, ST)).toBe(0n);
  });
});

describe("slasher and allocation-delay changes take effect after their delay (+1)", () => {
  it("updateSlasher", () => {
    const t = stakedNetwork(false);
    const NEW = a(0x5555);
    const at = t.block();
    t.run(AVS, { type: "updateSlasher", avs: AVS, operatorSetId: 1n, slasher: NEW });
    const slash = {
      type: "slashOperator",
      avs: AVS,
      operator: OP,
      operatorSetId: 1n,
      strategies: [ST],
      wadsToSlash: [WAD / 10n],
    } satisfies EigenCommand;
    expectUnchanged(t.s, () => t.run(NEW, slash), "InvalidCaller");
    t.advance(20n);
    expect(t.block()).toBe(at + 20n);
    expectUnchanged(t.s, () => t.run(NEW, slash), "InvalidCaller");
    t.advance(1n);
    expectUnchanged(t.s, () => t.run(AVS, slash), "InvalidCaller");
    expect(t.run(NEW, slash).result.slashId).toBe(1n);
  });

  it("setAllocationDelay by an operator", () => {
    const t = stakedNetwork(false);
    t.run(OP, { type: "setAllocationDelay", operator: OP, delay: 7n });
    const alloc = (m: bigint) =>
      t.run(OP, {
        type: "modifyAllocations",
        operator: OP,
        allocations: [{ avs: AVS, operatorSetId: 1n, strategies: [ST], newMagnitudes: [m] }],
      });
    t.advance(21n);
    alloc(WAD / 2n + 1n);
    const view = views.allocation(t.s, t.block(), OP, setKey(AVS, 1n), ST);
    expect(view.effectBlock).toBe(t.block() + 7n);
  });
});

describe("strategies: caps, whitelist, donations", () => {
  it("enforces per-deposit and total caps", () => {
    const t = setup();
    t.run(ADMIN, {
      type: "setStrategyDepositLimits",
      strategy: ST,
      maxPerDeposit: 10n * WAD,
      maxTotalDeposits: 15n * WAD,
    });
    expectUnchanged(
      t.s,
      () => t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: 11n * WAD }),
      "MaxPerDepositExceedsMax",
    );
    t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: 10n * WAD });
    expectUnchanged(
      t.s,
      () => t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: 6n * WAD }),
      "BalanceExceedsMaxTotalDeposits",
    );
    expectUnchanged(
      t.s,
      () => t.run(STAKER, { type: "setStrategyDepositLimits", strategy: ST, maxPerDeposit: 1n, maxTotalDeposits: 1n }),
      "OnlyAdmin",
    );
  });

  it("blocks deposits into a delisted strategy but lets shares leave", () => {
    const t = setup();
    t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: 10n * WAD });
    t.run(ADMIN, { type: "setStrategyWhitelisted", strategy: ST, whitelisted: false });
    expectUnchanged(
      t.s,
      () => t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: WAD }),
      "StrategyNotWhitelisted",
    );
    const q = t.run(STAKER, { type: "queueWithdrawals", params: [{ strategies: [ST], depositShares: [10n * WAD] }] });
    t.advance(11n);
    const root = (q.result.withdrawalRoots as string[])[0]!;
    expect(
      t.run(STAKER, { type: "completeQueuedWithdrawal", withdrawalRoot: root, receiveAsTokens: true }).result.tokens,
    ).toEqual([10n * WAD]);
  });

  it("a donation raises the rate for existing shares (reference §15.1)", () => {
    const t = setup();
    t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: WAD });
    t.run(STAKER, { type: "transfer", token: TOKEN, to: ST, amount: 123_456_789n });
    const r = t.run(STAKER, { type: "depositIntoStrategy", strategy: ST, amount: 3n * WAD + 7n });
    expect(r.result.depositShares).toBe(2_999_999_999_629_629_640n);
  });
});

describe("appointees and the neutral view", () => {
  it("an appointee may allocate for its operator; others may not", () => {
    const t = stakedNetwork(false);
    const APPOINTEE = a(0xabc);
    const cmd = {
      type: "modifyAllocations",
      operator: OP,
      allocations: [{ avs: AVS, operatorSetId: 1n, strategies: [ST], newMagnitudes: [WAD] }],
    } satisfies EigenCommand;
    expectUnchanged(t.s, () => t.run(APPOINTEE, cmd), "InvalidPermissions");
    expectUnchanged(
      t.s,
      () => t.run(APPOINTEE, { type: "setAppointee", account: OP, appointee: APPOINTEE }),
      "NotAdmin",
    );
    t.run(OP, { type: "setAppointee", account: OP, appointee: APPOINTEE });
    t.run(APPOINTEE, cmd);
    expect(views.allocation(t.s, t.block(), OP, setKey(AVS, 1n), ST).currentMagnitude).toBe(WAD);
  });

  it("reports each allocation as an exposure slashable by the set's slasher", () => {
    const t = stakedNetwork(false);
    const view = eigenNeutralView(t.s, t.block());
    expect(view.exposures).toHaveLength(1);
    expect(view.exposures[0]).toMatchObject({
      collateral: ST,
      operator: OP,
      service: AVS,
      slasher: AVS,
      shares: 50n * WAD,
      assetAmount: 50n * WAD,
      fractionWad: WAD / 2n,
      slashableUntil: null,
    });
    expect(view.operators[0]).toMatchObject({ operator: OP, stakers: 1 });
  });
});
