import { describe, expect, it } from "vitest";
import { type EigenCommand, execute } from "../../src/core/eigenlayer/commands.ts";
import type { PausableModule } from "../../src/core/eigenlayer/context.ts";
import * as dm from "../../src/core/eigenlayer/delegationManager.ts";
import { DEFAULT_BEACON_REPORTER } from "../../src/core/eigenlayer/params.ts";
import { stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import * as views from "../../src/core/eigenlayer/views.ts";
import { WAD } from "../../src/core/shared/math.ts";
import { addr, Chain } from "./harness.ts";

/**
 * Bad input of every class gets its typed ProtocolError and leaves the state exactly as it was (same state hash),
 * including when the command fails after having applied part of its work.
 */

const S1 = addr("5a", 1); // delegated to OP, with a queued withdrawal
const S2 = addr("5a", 2); // undelegated depositor
const OP = addr("0b", 1);
const OP2 = addr("0b", 2); // an operator with nothing allocated
const AVS = addr("a5", 1);
const X = addr("99", 1); // a stranger
const T1 = addr("70", 1);
const T2 = addr("70", 2);
const ST1 = addr("57", 1);
const ST2 = addr("57", 2);
const NOPE = addr("57", 0xdead); // no such strategy
const E18 = 10n ** 18n;
const TOO_BIG = 2n ** 256n;
const DELAY = 50n;

function fixture() {
  const c = new Chain({
    minWithdrawalDelayBlocks: DELAY,
    deallocationDelayBlocks: DELAY,
    allocationConfigurationDelayBlocks: 60n,
    slashResolutionDelayBlocks: 20n,
  });
  c.token(T1, ST1);
  c.token(T2, ST2);
  c.run(OP, { type: "registerAsOperator", allocationDelay: 0n });
  c.run(OP2, { type: "registerAsOperator", allocationDelay: 0n });
  c.operatorSet(AVS, 1n, [ST1, ST2]);
  c.operatorSet(AVS, 2n, [ST1]);
  c.run(OP, { type: "registerForOperatorSets", operator: OP, avs: AVS, operatorSetIds: [1n] });
  c.run(OP, {
    type: "modifyAllocations",
    operator: OP,
    allocations: [{ avs: AVS, operatorSetId: 1n, strategies: [ST1, ST2], newMagnitudes: [E18 / 2n, E18 / 2n] }],
  });
  c.deposit(S1, ST1, 100n * E18);
  c.deposit(S1, ST2, 100n * E18);
  c.run(S1, { type: "delegateTo", operator: OP });
  c.deposit(S2, ST1, 50n * E18);
  c.run(S2, { type: "createPod" });
  c.advance(1n);
  const queuedAt = c.block;
  const root = (
    c.run(S1, { type: "queueWithdrawals", params: [{ strategies: [ST1], depositShares: [10n * E18] }] }).result
      .withdrawalRoots as string[]
  )[0]!;
  c.advance(1n);
  return { c, root, queuedAt };
}

const slash = (strategies: Address[], wadsToSlash: bigint[], operator: Address = OP): EigenCommand => ({
  type: "slashOperator",
  avs: AVS,
  operator,
  operatorSetId: 1n,
  strategies,
  wadsToSlash,
});

const allocate = (operatorSetId: bigint, strategies: Address[], newMagnitudes: bigint[]): EigenCommand => ({
  type: "modifyAllocations",
  operator: OP,
  allocations: [{ avs: AVS, operatorSetId, strategies, newMagnitudes }],
});

const queue = (strategies: Address[], depositShares: bigint[]): EigenCommand => ({
  type: "queueWithdrawals",
  params: [{ strategies, depositShares }],
});

type Case = [
  name: string,
  caller: Address | "admin" | "reporter",
  command: EigenCommand | ((root: string) => EigenCommand),
  code: string,
];

function runCases(cases: Case[]): void {
  it.each(cases)("%s", (_name, who, command, code) => {
    const { c, root } = fixture();
    const caller = who === "admin" ? c.admin : who === "reporter" ? c.s.params.beaconReporter : who;
    c.reverts(caller, typeof command === "function" ? command(root) : command, code);
  });
}

describe("unknown accounts, strategies, sets and withdrawals", () => {
  runCases([
    [
      "deposit into an unknown strategy",
      S2,
      { type: "depositIntoStrategy", strategy: NOPE, amount: 1n },
      "StrategyNotFound",
    ],
    ["mint an unknown token", "admin", { type: "mint", token: addr("70", 9), to: S2, amount: 1n }, "UnknownToken"],
    ["transfer an unknown token", S2, { type: "transfer", token: addr("70", 9), to: X, amount: 1n }, "UnknownToken"],
    [
      "strategy over an unknown token",
      "admin",
      { type: "addStrategy", strategy: addr("57", 9), token: addr("70", 9) },
      "UnknownToken",
    ],
    [
      "delegate to an account that is not an operator",
      S2,
      { type: "delegateTo", operator: X },
      "OperatorNotRegistered",
    ],
    ["delegate to a staker", S2, { type: "delegateTo", operator: S1 }, "OperatorNotRegistered"],
    ["undelegate an unknown staker", X, { type: "undelegate", staker: X }, "NotActivelyDelegated"],
    ["queue an unknown strategy", S1, queue([NOPE], [1n]), "StrategyNotFound"],
    [
      "complete an unknown withdrawal",
      S1,
      { type: "completeQueuedWithdrawal", withdrawalRoot: `0x${"ab".repeat(32)}`, receiveAsTokens: true },
      "WithdrawalNotQueued",
    ],
    [
      "register for an unknown set",
      OP,
      { type: "registerForOperatorSets", operator: OP, avs: AVS, operatorSetIds: [7n] },
      "InvalidOperatorSet",
    ],
    [
      "register an account that is not an operator",
      X,
      { type: "registerForOperatorSets", operator: X, avs: AVS, operatorSetIds: [1n] },
      "InvalidOperator",
    ],
    [
      "deregister from a set it never joined",
      OP,
      { type: "deregisterFromOperatorSets", operator: OP, avs: AVS, operatorSetIds: [2n] },
      "NotMemberOfSet",
    ],
    ["allocate to an unknown set", OP, allocate(7n, [ST1], [1n]), "InvalidOperatorSet"],
    ["allocate to an unknown strategy", OP, allocate(1n, [NOPE], [1n]), "StrategyNotFound"],
    [
      "slash in an unknown set",
      AVS,
      { ...slash([ST1], [WAD]), operatorSetId: 7n } as EigenCommand,
      "InvalidOperatorSet",
    ],
    ["slash an operator the set cannot slash", AVS, slash([ST1], [WAD], OP2), "OperatorNotSlashable"],
    [
      "slash in a set the operator never joined",
      AVS,
      { ...slash([ST1], [WAD]), operatorSetId: 2n } as EigenCommand,
      "OperatorNotSlashable",
    ],
    [
      "create sets for an AVS without metadata",
      X,
      { type: "createOperatorSets", avs: X, operatorSets: [{ operatorSetId: 1n, strategies: [] }] },
      "NonexistentAVSMetadata",
    ],
    [
      "create a set over an unknown strategy",
      AVS,
      { type: "createOperatorSets", avs: AVS, operatorSets: [{ operatorSetId: 3n, strategies: [NOPE] }] },
      "StrategyNotFound",
    ],
    [
      "clear an unknown slash",
      X,
      { type: "clearBurnOrRedistributableShares", operatorSet: `${AVS}/1`, slashId: 1n },
      "SlashNotPending",
    ],
    [
      "verify credentials for an owner without a pod",
      "reporter",
      {
        type: "verifyWithdrawalCredentials",
        podOwner: X,
        validators: [{ validatorIndex: 1n, effectiveBalanceGwei: 32n * 10n ** 9n }],
      },
      "PodNotFound",
    ],
    ["start a checkpoint without a pod", X, { type: "startCheckpoint" }, "PodNotFound"],
    ["an unknown command", S1, { type: "mintMoney" } as unknown as EigenCommand, "UnknownCommand"],
  ]);

  it("slash a strategy that is not in the set", () => {
    const { c } = fixture();
    c.run(OP, { type: "registerForOperatorSets", operator: OP, avs: AVS, operatorSetIds: [2n] });
    c.run(OP, allocate(2n, [ST1], [E18 / 4n]));
    c.reverts(AVS, { ...slash([ST2], [WAD]), operatorSetId: 2n } as EigenCommand, "StrategyNotInOperatorSet");
  });
});

describe("zero and empty amounts", () => {
  runCases([
    ["deposit 0", S2, { type: "depositIntoStrategy", strategy: ST1, amount: 0n }, "NewSharesZero"],
    ["queue 0 deposit shares", S1, queue([ST2], [0n]), "SharesAmountZero"],
    ["queue no strategies", S1, queue([], []), "InputArrayLengthZero"],
    ["allocate the magnitude already allocated", OP, allocate(1n, [ST1], [E18 / 2n]), "SameMagnitude"],
    ["slash 0", AVS, slash([ST1], [0n]), "InvalidWadToSlash"],
    ["credit 0 wei to a pod", "reporter", { type: "creditPodEth", podOwner: S2, amountWei: 0n }, "InputOutOfRange"],
    [
      "verify a validator with 0 effective balance",
      "reporter",
      {
        type: "verifyWithdrawalCredentials",
        podOwner: S2,
        validators: [{ validatorIndex: 1n, effectiveBalanceGwei: 0n }],
      },
      "InputOutOfRange",
    ],
    [
      "verify no validators",
      "reporter",
      { type: "verifyWithdrawalCredentials", podOwner: S2, validators: [] },
      "InputArrayLengthZero",
    ],
  ]);
});

describe("amounts outside their integer type", () => {
  runCases([
    ["deposit 2^256", S2, { type: "depositIntoStrategy", strategy: ST1, amount: TOO_BIG }, "InputOutOfRange"],
    ["deposit −1", S2, { type: "depositIntoStrategy", strategy: ST1, amount: -1n }, "InputOutOfRange"],
    ["mint 2^256", "admin", { type: "mint", token: T1, to: S2, amount: TOO_BIG }, "InputOutOfRange"],
    ["transfer 2^256", S2, { type: "transfer", token: T1, to: X, amount: TOO_BIG }, "InputOutOfRange"],
    [
      "transfer more than the balance",
      S2,
      { type: "transfer", token: T1, to: X, amount: 1n },
      "ERC20InsufficientBalance",
    ],
    ["queue 2^256 deposit shares", S1, queue([ST1], [TOO_BIG]), "InputOutOfRange"],
    ["slash with wad 2^256", AVS, slash([ST1], [TOO_BIG]), "InputOutOfRange"],
    ["slash more than 100 %", AVS, slash([ST1], [WAD + 1n]), "InvalidWadToSlash"],
    ["a magnitude above uint64", OP, allocate(1n, [ST1], [2n ** 64n]), "InputOutOfRange"],
    [
      "an allocation delay above uint32",
      X,
      { type: "registerAsOperator", allocationDelay: 2n ** 32n },
      "InputOutOfRange",
    ],
    [
      "an operator set id above uint32",
      AVS,
      { type: "createOperatorSets", avs: AVS, operatorSets: [{ operatorSetId: 2n ** 32n, strategies: [] }] },
      "InputOutOfRange",
    ],
    [
      "a validator balance above uint64",
      "reporter",
      {
        type: "verifyWithdrawalCredentials",
        podOwner: S2,
        validators: [{ validatorIndex: 1n, effectiveBalanceGwei: 2n ** 64n }],
      },
      "InputOutOfRange",
    ],
  ]);

  it("a block above uint32, a block in the past, and a malformed caller", () => {
    const { c } = fixture();
    const cmd: EigenCommand = { type: "depositIntoStrategy", strategy: ST1, amount: 1n };
    c.run(c.admin, { type: "mint", token: T1, to: S2, amount: 1n });
    const cases: [{ block: bigint; timestamp: bigint; caller: Address }, string][] = [
      [{ block: 2n ** 32n, timestamp: 2n ** 32n * 12n, caller: S2 }, "InputOutOfRange"],
      [{ block: c.block - 1n, timestamp: c.block * 12n, caller: S2 }, "BlockInPast"],
      [{ block: c.block, timestamp: c.block * 12n - 1n, caller: S2 }, "TimestampInPast"],
      [
        { block: c.block, timestamp: c.block * 12n, caller: S2.toUpperCase().replace("0X", "0x") as Address },
        "InvalidAddress",
      ],
    ];
    for (const [ctx, code] of cases) {
      const before = stateHash(c.s);
      expect(() => execute(c.s, ctx, cmd)).toThrow(expect.objectContaining({ code }));
      expect(stateHash(c.s)).toBe(before);
    }
    execute(c.s, c.ctx(S2), cmd); // the same command in a proper context goes through
  });
});

describe("the wrong caller", () => {
  runCases([
    ["a staker slashes", S1, slash([ST1], [WAD]), "InvalidCaller"],
    ["the operator slashes itself", OP, slash([ST1], [WAD]), "InvalidCaller"],
    ["a non-admin mints", S1, { type: "mint", token: T1, to: S1, amount: 1n }, "OnlyAdmin"],
    [
      "a non-admin creates a token",
      S1,
      { type: "createToken", token: addr("70", 9), symbol: "X", decimals: 18 },
      "OnlyAdmin",
    ],
    ["a non-admin adds a strategy", S1, { type: "addStrategy", strategy: addr("57", 9), token: T1 }, "OnlyAdmin"],
    [
      "a non-admin delists a strategy",
      S1,
      { type: "setStrategyWhitelisted", strategy: ST1, whitelisted: false },
      "OnlyAdmin",
    ],
    ["a non-admin pauses", S1, { type: "pause", module: "strategyManager", newPausedStatus: 1n }, "OnlyPauser"],
    ["a non-admin unpauses", S1, { type: "unpause", module: "strategyManager", newPausedStatus: 0n }, "OnlyPauser"],
    ["someone else modifies the operator's allocations", X, allocate(1n, [ST1], [E18 / 4n]), "InvalidPermissions"],
    [
      "another operator modifies the operator's allocations",
      OP2,
      allocate(1n, [ST1], [E18 / 4n]),
      "InvalidPermissions",
    ],
    [
      "someone else registers the operator",
      X,
      { type: "registerForOperatorSets", operator: OP2, avs: AVS, operatorSetIds: [1n] },
      "InvalidPermissions",
    ],
    [
      "someone else deregisters the operator",
      X,
      { type: "deregisterFromOperatorSets", operator: OP, avs: AVS, operatorSetIds: [1n] },
      "InvalidCaller",
    ],
    [
      "someone else sets the allocation delay",
      X,
      { type: "setAllocationDelay", operator: OP, delay: 5n },
      "InvalidPermissions",
    ],
    [
      "someone else creates the AVS's sets",
      X,
      { type: "createOperatorSets", avs: AVS, operatorSets: [{ operatorSetId: 3n, strategies: [] }] },
      "InvalidPermissions",
    ],
    [
      "someone else changes the slasher",
      X,
      { type: "updateSlasher", avs: AVS, operatorSetId: 1n, slasher: X },
      "InvalidPermissions",
    ],
    [
      "someone else completes the withdrawal",
      X,
      (root) => ({ type: "completeQueuedWithdrawal", withdrawalRoot: root, receiveAsTokens: true }),
      "WithdrawerNotCaller",
    ],
    ["a stranger undelegates a staker", X, { type: "undelegate", staker: S1 }, "CallerCannotUndelegate"],
    ["another operator undelegates a staker", OP2, { type: "undelegate", staker: S1 }, "CallerCannotUndelegate"],
    ["an operator undelegates itself", OP, { type: "undelegate", staker: OP }, "OperatorsCannotUndelegate"],
    [
      "a stranger reports validator credentials",
      X,
      {
        type: "verifyWithdrawalCredentials",
        podOwner: S2,
        validators: [{ validatorIndex: 1n, effectiveBalanceGwei: 32n * 10n ** 9n }],
      },
      "OnlyBeaconReporter",
    ],
    [
      "a stranger reports pod ETH",
      S2,
      { type: "creditPodEth", podOwner: S2, amountWei: 10n ** 9n },
      "OnlyBeaconReporter",
    ],
    [
      "someone else manages the operator's appointees",
      X,
      { type: "setAppointee", account: OP, appointee: X },
      "NotAdmin",
    ],
  ]);
});

describe("operations while paused", () => {
  const cases: [PausableModule, number, Address, (root: string) => EigenCommand][] = [
    ["strategyManager", 0, S2, () => ({ type: "depositIntoStrategy", strategy: ST1, amount: 1n })],
    ["delegationManager", 0, S2, () => ({ type: "delegateTo", operator: OP })],
    ["delegationManager", 1, S1, () => queue([ST2], [E18])],
    ["delegationManager", 1, S1, () => ({ type: "undelegate", staker: S1 })],
    ["delegationManager", 1, S1, () => ({ type: "redelegate", operator: OP2 })],
    [
      "delegationManager",
      2,
      S1,
      (root) => ({ type: "completeQueuedWithdrawal", withdrawalRoot: root, receiveAsTokens: false }),
    ],
    ["allocationManager", 0, OP, () => allocate(1n, [ST1], [E18 / 4n])],
    [
      "allocationManager",
      0,
      X,
      () => ({ type: "clearDeallocationQueue", operator: OP, strategies: [ST1], numToClear: [1n] }),
    ],
    ["allocationManager", 1, AVS, () => slash([ST1], [WAD])],
    [
      "allocationManager",
      2,
      OP,
      () => ({ type: "registerForOperatorSets", operator: OP, avs: AVS, operatorSetIds: [2n] }),
    ],
    [
      "allocationManager",
      2,
      OP,
      () => ({ type: "deregisterFromOperatorSets", operator: OP, avs: AVS, operatorSetIds: [1n] }),
    ],
    ["eigenPodManager", 0, X, () => ({ type: "createPod" })],
    ["eigenPodManager", 6, S2, () => ({ type: "startCheckpoint" })],
    [
      "eigenPodManager",
      2,
      DEFAULT_BEACON_REPORTER,
      () => ({
        type: "verifyWithdrawalCredentials",
        podOwner: S2,
        validators: [{ validatorIndex: 1n, effectiveBalanceGwei: 32n * 10n ** 9n }],
      }),
    ],
  ];
  it.each(cases)("%s bit %i blocks the command (%#)", (module, bit, caller, build) => {
    const { c, root } = fixture();
    c.advance(DELAY); // the queued withdrawal is completable
    c.run(c.admin, { type: "mint", token: T1, to: S2, amount: 1n }); // so the deposit case has tokens
    const bits = 1n << BigInt(bit);
    c.run(c.admin, { type: "pause", module, newPausedStatus: bits });
    c.reverts(caller, build(root), "CurrentlyPaused");
    // Pausing only sets bits, unpausing only clears them.
    c.reverts(c.admin, { type: "pause", module, newPausedStatus: 0n }, "InvalidNewPausedStatus");
    c.reverts(c.admin, { type: "unpause", module, newPausedStatus: bits | (bits << 1n) }, "InvalidNewPausedStatus");
    // Once unpaused, the very same command goes through: it was refused for the pause alone.
    c.run(c.admin, { type: "unpause", module, newPausedStatus: 0n });
    c.run(caller, build(root));
  });
});

describe("slashOperator strategy order", () => {
  it("refuses strategies out of ascending order, after having applied the first one", () => {
    const { c } = fixture();
    // ST1 < ST2: with [ST2, ST1] the engine slashes ST2 (magnitudes, operator shares, burn record) before the
    // order check on ST1 fails, so the whole command must be rolled back.
    expect(ST1 < ST2).toBe(true);
    c.reverts(AVS, slash([ST2, ST1], [WAD / 2n, WAD / 2n]), "StrategiesMustBeInAscendingOrder");
    c.reverts(AVS, slash([ST1, ST1], [WAD / 2n, WAD / 2n]), "StrategiesMustBeInAscendingOrder");
    c.reverts(AVS, slash([ST1, ST2], [WAD / 2n]), "InputArrayLengthMismatch");
    const r = c.run(AVS, slash([ST1, ST2], [WAD / 2n, WAD / 2n]));
    expect((r.result.shares as bigint[]).every((x) => x > 0n)).toBe(true);
  });
});

describe("over-allocation", () => {
  it("refuses magnitude beyond the max (InsufficientMagnitude), also as the second set of one call", () => {
    const { c } = fixture();
    // 0.5 is allocated to set 1; 0.5 + 0.5 + 1 wei is one wei too many.
    c.reverts(OP, allocate(2n, [ST1], [E18 / 2n + 1n]), "InsufficientMagnitude");
    c.reverts(
      OP,
      {
        type: "modifyAllocations",
        operator: OP,
        allocations: [
          { avs: AVS, operatorSetId: 1n, strategies: [ST2], newMagnitudes: [E18] },
          { avs: AVS, operatorSetId: 2n, strategies: [ST1], newMagnitudes: [E18] },
        ],
      },
      "InsufficientMagnitude",
    );
    c.reverts(OP, allocate(1n, [ST1, ST2], [E18 / 4n]), "InputArrayLengthMismatch");
    c.run(OP, allocate(2n, [ST1], [E18 / 2n])); // exactly the rest is fine (delay 0: in effect at once)
    // A slashable deallocation waits DEALLOCATION_DELAY + 1 blocks; until then the allocation can't be modified.
    c.run(OP, allocate(1n, [ST1], [E18 / 4n]));
    c.reverts(OP, allocate(1n, [ST1], [E18 / 8n]), "ModificationAlreadyPending");
  });
});

describe("withdrawal timing and size", () => {
  it("WithdrawalDelayNotElapsed through startBlock + D, completable from startBlock + D + 1", () => {
    const { c, root, queuedAt } = fixture();
    c.advanceTo(queuedAt + DELAY);
    c.reverts(
      S1,
      { type: "completeQueuedWithdrawal", withdrawalRoot: root, receiveAsTokens: true },
      "WithdrawalDelayNotElapsed",
    );
    c.advance(1n);
    c.run(S1, { type: "completeQueuedWithdrawal", withdrawalRoot: root, receiveAsTokens: true });
    c.reverts(
      S1,
      { type: "completeQueuedWithdrawal", withdrawalRoot: root, receiveAsTokens: true },
      "WithdrawalNotQueued",
    );
  });

  it("refuses to queue more than held", () => {
    const { c } = fixture();
    const held2 = views.depositSharesOf(c.s, S2, ST1);
    // Undelegated: the share manager refuses.
    c.reverts(S2, queue([ST1], [held2 + 1n]), "SharesAmountTooHigh");
    // Delegated: as in DelegationManager._removeSharesAndQueueWithdrawal, the operator's shares are decreased
    // (checked subtraction) before the share manager checks the balance, so an excess larger than the operator's
    // slack panics with an underflow; a one-share excess that still fits within them is refused by the manager.
    const held1 = views.depositSharesOf(c.s, S1, ST2);
    expect(dm.operatorShares(c.s, OP, ST2)).toBe(held1);
    c.reverts(S1, queue([ST2], [held1 + 1n]), "ArithmeticUnderflow");
    c.reverts(S1, queue([ST2], [held1 * 2n]), "ArithmeticUnderflow");
    // A batch whose second element over-queues: the first element's removal must be undone too.
    c.reverts(
      S1,
      {
        type: "queueWithdrawals",
        params: [
          { strategies: [ST2], depositShares: [held1] },
          { strategies: [ST1], depositShares: [views.depositSharesOf(c.s, S1, ST1) + 1n] },
        ],
      },
      "ArithmeticUnderflow",
    );
    c.reverts(
      S1,
      { type: "queueWithdrawals", params: [{ strategies: [ST1, ST2], depositShares: [1n] }] },
      "InputArrayLengthMismatch",
    );
    c.run(S1, queue([ST2], [held1])); // everything held is fine
  });
});

describe("replays", () => {
  it("refuses to do twice what may be done once", () => {
    const { c } = fixture();
    c.reverts(OP, { type: "registerAsOperator", allocationDelay: 0n }, "ActivelyDelegated");
    c.reverts(S1, { type: "registerAsOperator", allocationDelay: 0n }, "ActivelyDelegated");
    c.reverts(S1, { type: "delegateTo", operator: OP2 }, "ActivelyDelegated");
    c.reverts(
      OP,
      { type: "registerForOperatorSets", operator: OP, avs: AVS, operatorSetIds: [1n] },
      "AlreadyMemberOfSet",
    );
    c.reverts(c.admin, { type: "createToken", token: T1, symbol: "T", decimals: 18 }, "TokenAlreadyExists");
    c.reverts(c.admin, { type: "addStrategy", strategy: ST1, token: T1 }, "StrategyAlreadyExists");
    c.reverts(
      AVS,
      { type: "createOperatorSets", avs: AVS, operatorSets: [{ operatorSetId: 1n, strategies: [] }] },
      "InvalidOperatorSet",
    );
    c.reverts(
      AVS,
      { type: "addStrategiesToOperatorSet", avs: AVS, operatorSetId: 1n, strategies: [ST1] },
      "StrategyAlreadyInOperatorSet",
    );
    c.reverts(S2, { type: "createPod" }, "EigenPodAlreadyExists");
    const reporter = c.s.params.beaconReporter;
    const v = { validatorIndex: 7n, effectiveBalanceGwei: 32n * 10n ** 9n };
    c.run(reporter, { type: "verifyWithdrawalCredentials", podOwner: S2, validators: [v] });
    c.reverts(
      reporter,
      { type: "verifyWithdrawalCredentials", podOwner: S2, validators: [v] },
      "CredentialsAlreadyVerified",
    );
    // A slash's shares cannot be cleared before the resolution delay, nor twice.
    const r = c.run(AVS, slash([ST1], [WAD / 2n]));
    const clear: EigenCommand = {
      type: "clearBurnOrRedistributableShares",
      operatorSet: `${AVS}/1`,
      slashId: r.result.slashId as bigint,
    };
    c.reverts(X, clear, "SlashResolutionDelayNotElapsed");
    c.advance(21n);
    c.run(X, clear);
    c.reverts(X, clear, "SlashNotPending");
  });
});
