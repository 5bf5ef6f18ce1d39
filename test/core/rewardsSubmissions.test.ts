import { concat, type Hex, keccak256, numberToHex, pad, size, stringToHex } from "viem";
import { describe, expect, it } from "vitest";
import type { EigenCommand } from "../../src/core/eigenlayer/commands.ts";
import { PAUSE } from "../../src/core/eigenlayer/context.ts";
import { BEACON_CHAIN_ETH_STRATEGY, MAINNET_REWARDS, ZERO_ADDRESS } from "../../src/core/eigenlayer/params.ts";
import {
  isSubmissionHash,
  type OperatorDirectedRewardsSubmission,
  type RewardsSubmission,
  storedSubmissions,
  submissionNonce,
} from "../../src/core/eigenlayer/rewardsCoordinator.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { eventsNamed, onlyEvent } from "./harness.ts";
import {
  ADMIN,
  APPOINTEE,
  AVS,
  AVS2,
  DAY,
  E18,
  HOPPER,
  NOW,
  OP,
  OP2,
  OP3,
  odSubmission,
  RC,
  RChain,
  REWARD,
  REWARD2,
  rewardsFixture,
  ST1,
  ST2,
  submission,
  X,
} from "./rewardsHarness.ts";

/**
 * RewardsCoordinator submissions (reference §9.1–9.3): every validation rule with its revert and an unchanged state
 * hash, escrow, the opt-in protocol fee, net-of-fee hashes checked against a hand-written ABI encoding, the shared
 * nonce, the stored records and the events.
 */

const P = MAINNET_REWARDS;
const UINT32_MAX = 2n ** 32n - 1n;

/* ---------------------------------------------------------------- an ABI encoder written out by hand */

const word = (v: bigint | Address): Hex => pad(typeof v === "bigint" ? numberToHex(v) : v, { size: 32 });
const pairs = (list: { a: Address; b: bigint }[]): Hex =>
  concat([word(BigInt(list.length)), ...list.flatMap((x) => [word(x.a), word(x.b)])]);

/** keccak256(abi.encode(avs, nonce, RewardsSubmission)) */
function refHash(avs: Address, nonce: bigint, sub: RewardsSubmission): Hex {
  const strategies = pairs(sub.strategiesAndMultipliers.map((x) => ({ a: x.strategy, b: x.multiplier })));
  const tuple = concat([
    word(5n * 32n), // offset of the strategies array within the tuple
    word(sub.token),
    word(sub.amount),
    word(sub.startTimestamp),
    word(sub.duration),
    strategies,
  ]);
  return keccak256(concat([word(avs), word(nonce), word(0x60n), tuple]));
}

/** keccak256(abi.encode(avs, nonce, OperatorDirectedRewardsSubmission)) */
function refODHash(avs: Address, nonce: bigint, sub: OperatorDirectedRewardsSubmission): Hex {
  const strategies = pairs(sub.strategiesAndMultipliers.map((x) => ({ a: x.strategy, b: x.multiplier })));
  const rewards = pairs(sub.operatorRewards.map((r) => ({ a: r.operator, b: r.amount })));
  const text = stringToHex(sub.description ?? "");
  const len = size(text);
  const padded = len === 0 ? [] : [pad(text, { dir: "right", size: Math.ceil(len / 32) * 32 })];
  const description = concat([word(BigInt(len)), ...padded]);
  const head = 6n * 32n;
  const offRewards = head + BigInt(size(strategies));
  const offDescription = offRewards + BigInt(size(rewards));
  const tuple = concat([
    word(head),
    word(sub.token),
    word(offRewards),
    word(sub.startTimestamp),
    word(sub.duration),
    word(offDescription),
    strategies,
    rewards,
    description,
  ]);
  return keccak256(concat([word(avs), word(nonce), word(0x60n), tuple]));
}

const avsSubmit = (...subs: RewardsSubmission[]): EigenCommand => ({
  type: "createAVSRewardsSubmission",
  rewardsSubmissions: subs,
});
const odSubmit = (...subs: OperatorDirectedRewardsSubmission[]): EigenCommand => ({
  type: "createOperatorDirectedAVSRewardsSubmission",
  avs: AVS,
  operatorDirectedRewardsSubmissions: subs,
});

/* ---------------------------------------------------------------- validation */

describe("RewardsSubmission validation (every rule, in the contract's order)", () => {
  const kinds: [string, (sub: RewardsSubmission) => EigenCommand, Address][] = [
    ["createAVSRewardsSubmission", (sub) => avsSubmit(sub), AVS],
    [
      "createRewardsForAllSubmission",
      (sub) => ({ type: "createRewardsForAllSubmission", rewardsSubmissions: [sub] }),
      HOPPER,
    ],
    [
      "createRewardsForAllEarners",
      (sub) => ({ type: "createRewardsForAllEarners", rewardsSubmissions: [sub] }),
      HOPPER,
    ],
    [
      "createUniqueStakeRewardsSubmission",
      (sub) => ({ type: "createUniqueStakeRewardsSubmission", avs: AVS, operatorSetId: 1n, rewardsSubmissions: [sub] }),
      AVS,
    ],
    [
      "createTotalStakeRewardsSubmission",
      (sub) => ({ type: "createTotalStakeRewardsSubmission", avs: AVS, operatorSetId: 2n, rewardsSubmissions: [sub] }),
      AVS,
    ],
  ];

  const rules: [string, Partial<RewardsSubmission>, string][] = [
    ["no strategies", { strategiesAndMultipliers: [] }, "InputArrayLengthZero"],
    ["duration above MAX_REWARDS_DURATION", { duration: P.maxRewardsDuration + DAY }, "DurationExceedsMax"],
    ["duration not whole days", { duration: DAY + 1n }, "InvalidDurationRemainder"],
    ["duration 0", { duration: 0n }, "DurationIsZero"],
    ["start not at a day boundary", { startTimestamp: NOW + 3600n }, "InvalidStartTimestampRemainder"],
    [
      "start before now − MAX_RETROACTIVE_LENGTH",
      { startTimestamp: NOW - P.maxRetroactiveLength - DAY },
      "StartTimestampTooFarInPast",
    ],
    [
      "a strategy not whitelisted",
      { strategiesAndMultipliers: [{ strategy: "0x0000000000000000000000000000000000005757", multiplier: 1n }] },
      "StrategyNotWhitelisted",
    ],
    [
      "strategies descending",
      {
        strategiesAndMultipliers: [
          { strategy: ST2, multiplier: 1n },
          { strategy: ST1, multiplier: 1n },
        ],
      },
      "StrategiesNotInAscendingOrder",
    ],
    [
      "a strategy twice",
      {
        strategiesAndMultipliers: [
          { strategy: ST1, multiplier: 1n },
          { strategy: ST1, multiplier: 1n },
        ],
      },
      "StrategiesNotInAscendingOrder",
    ],
    ["amount 0", { amount: 0n }, "AmountIsZero"],
    ["amount above 1e38 − 1", { amount: 10n ** 38n }, "AmountExceedsMax"],
    [
      "start after now + MAX_FUTURE_LENGTH",
      { startTimestamp: NOW + P.maxFutureLength + DAY },
      "StartTimestampTooFarInFuture",
    ],
    ["more than the caller holds", { amount: 2_000_000n * E18 }, "ERC20InsufficientBalance"],
    ["an unknown token", { token: "0x0000000000000000000000000000000000007e99" }, "UnknownToken"],
    [
      "a multiplier above uint96",
      { strategiesAndMultipliers: [{ strategy: ST1, multiplier: 2n ** 96n }] },
      "InputOutOfRange",
    ],
    ["a start above uint32", { startTimestamp: 2n ** 32n }, "InputOutOfRange"],
    ["a duration above uint32", { duration: 2n ** 32n }, "InputOutOfRange"],
  ];

  for (const [name, make, caller] of kinds) {
    describe(name, () => {
      for (const [rule, over, code] of rules) {
        it(`${rule} → ${code}`, () => {
          const c = rewardsFixture();
          c.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: HOPPER, newValue: true });
          c.reverts(caller, make(submission(over)), code);
        });
      }

      it("accepts the limits: start exactly now − MAX_RETROACTIVE_LENGTH or now + MAX_FUTURE_LENGTH, duration exactly the max, amount 1e38 − 1, multiplier 0, the beacon strategy", () => {
        const c = rewardsFixture();
        c.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: HOPPER, newValue: true });
        c.mint(REWARD, caller, 10n ** 38n);
        for (const over of [
          { startTimestamp: NOW - P.maxRetroactiveLength },
          { startTimestamp: NOW + P.maxFutureLength },
          { duration: P.maxRewardsDuration },
          { amount: 10n ** 38n - 1n },
          {
            strategiesAndMultipliers: [
              { strategy: ST1, multiplier: 0n },
              { strategy: BEACON_CHAIN_ETH_STRATEGY, multiplier: 2n ** 96n - 1n },
            ],
          },
        ]) {
          c.run(caller, make(submission(over)));
        }
      });
    });
  }

  it("a start before GENESIS_REWARDS_TIMESTAMP is too far in the past even inside the retroactive window", () => {
    const c = rewardsFixture({}, P.genesisRewardsTimestamp + 10n * DAY);
    c.reverts(
      AVS,
      avsSubmit(submission({ startTimestamp: P.genesisRewardsTimestamp - DAY })),
      "StartTimestampTooFarInPast",
    );
    c.run(AVS, avsSubmit(submission({ startTimestamp: P.genesisRewardsTimestamp })));
  });

  it("before MAX_RETROACTIVE_LENGTH seconds have passed, `now − MAX_RETROACTIVE_LENGTH` underflows (a panic)", () => {
    const c = rewardsFixture({ genesisRewardsTimestamp: 0n }, 30n * DAY);
    c.reverts(AVS, avsSubmit(submission({ startTimestamp: 31n * DAY })), "ArithmeticUnderflow");
  });

  it("an unwhitelisted strategy is refused, a de-whitelisted one too, the beacon strategy never", () => {
    const c = rewardsFixture();
    c.run(ADMIN, { type: "setStrategyWhitelisted", strategy: ST2, whitelisted: false });
    c.reverts(AVS, avsSubmit(submission()), "StrategyNotWhitelisted");
    c.run(
      AVS,
      avsSubmit(
        submission({
          strategiesAndMultipliers: [
            { strategy: ST1, multiplier: 1n },
            { strategy: BEACON_CHAIN_ETH_STRATEGY, multiplier: 1n },
          ],
        }),
      ),
    );
  });

  it("a batch is all or nothing: an invalid second element undoes the first one's escrow", () => {
    const c = rewardsFixture();
    c.reverts(AVS, avsSubmit(submission(), submission({ amount: 0n })), "AmountIsZero");
    expect(c.balance(REWARD, RC)).toBe(0n);
    expect(submissionNonce(c.s, AVS)).toBe(0n);
  });

  it("an empty batch does nothing (and still checks the pause bit and the caller)", () => {
    const c = rewardsFixture();
    const r = c.run(AVS, avsSubmit());
    expect(r.events).toEqual([]);
    expect(r.result).toEqual({ submissionHashes: [] });
    c.reverts(X, { type: "createRewardsForAllSubmission", rewardsSubmissions: [] }, "UnauthorizedCaller");
    c.run(ADMIN, { type: "pause", module: "rewardsCoordinator", newPausedStatus: 1n });
    c.reverts(AVS, avsSubmit(), "CurrentlyPaused");
  });
});

describe("operator-directed validation", () => {
  const setCmd = (sub: OperatorDirectedRewardsSubmission): EigenCommand => ({
    type: "createOperatorDirectedOperatorSetRewardsSubmission",
    avs: AVS,
    operatorSetId: 1n,
    operatorDirectedRewardsSubmissions: [sub],
  });
  const rules: [string, Partial<OperatorDirectedRewardsSubmission>, string][] = [
    ["no strategies", { strategiesAndMultipliers: [] }, "InputArrayLengthZero"],
    ["duration 0", { duration: 0n }, "DurationIsZero"],
    ["duration not whole days", { duration: DAY + 5n }, "InvalidDurationRemainder"],
    ["start not at a day boundary", { startTimestamp: NOW - 8n * DAY + 1n }, "InvalidStartTimestampRemainder"],
    ["start too far in the past", { startTimestamp: NOW - P.maxRetroactiveLength - DAY }, "StartTimestampTooFarInPast"],
    ["no operator rewards", { operatorRewards: [] }, "InputArrayLengthZero"],
    ["ending exactly now (not strictly retroactive)", { startTimestamp: NOW - 7n * DAY }, "SubmissionNotRetroactive"],
    ["ending in the future", { startTimestamp: NOW }, "SubmissionNotRetroactive"],
    [
      "start + duration beyond uint32 (checked addition)",
      { startTimestamp: (UINT32_MAX / DAY) * DAY, duration: 7n * DAY },
      "ArithmeticOverflow",
    ],
    ["a zero operator", { operatorRewards: [{ operator: ZERO_ADDRESS, amount: 1n }] }, "InvalidAddressZero"],
    [
      "operators descending",
      {
        operatorRewards: [
          { operator: OP2, amount: 1n },
          { operator: OP, amount: 1n },
        ],
      },
      "OperatorsNotInAscendingOrder",
    ],
    [
      "an operator twice",
      {
        operatorRewards: [
          { operator: OP, amount: 1n },
          { operator: OP, amount: 1n },
        ],
      },
      "OperatorsNotInAscendingOrder",
    ],
    ["an operator amount of 0", { operatorRewards: [{ operator: OP, amount: 0n }] }, "AmountIsZero"],
    [
      "amounts summing above 1e38 − 1",
      {
        operatorRewards: [
          { operator: OP, amount: 6n * 10n ** 37n },
          { operator: OP2, amount: 4n * 10n ** 37n },
        ],
      },
      "AmountExceedsMax",
    ],
    [
      "an amount whose fee product overflows uint256 (computed even when no fee is due)",
      { operatorRewards: [{ operator: OP, amount: 2n ** 255n }] },
      "ArithmeticOverflow",
    ],
    [
      "more than the caller holds",
      { operatorRewards: [{ operator: OP, amount: 2_000_000n * E18 }] },
      "ERC20InsufficientBalance",
    ],
  ];

  for (const [rule, over, code] of rules) {
    it(`${rule} → ${code} (AVS-wide and operator-set)`, () => {
      const c = rewardsFixture();
      c.reverts(AVS, odSubmit(odSubmission(over)), code);
      c.reverts(AVS, setCmd(odSubmission(over)), code);
    });
  }

  it("has no future-length check (it is retroactive) and accepts operators that are not registered", () => {
    const c = rewardsFixture();
    const stranger = "0x00000000000000000000000000000000000000f1" as Address;
    c.run(AVS, odSubmit(odSubmission({ operatorRewards: [{ operator: stranger, amount: 1n }] })));
  });

  it("an operator-set submission needs an existing set", () => {
    const c = rewardsFixture();
    c.reverts(
      AVS,
      {
        type: "createOperatorDirectedOperatorSetRewardsSubmission",
        avs: AVS,
        operatorSetId: 9n,
        operatorDirectedRewardsSubmissions: [odSubmission()],
      },
      "InvalidOperatorSet",
    );
    c.reverts(
      AVS,
      { type: "createUniqueStakeRewardsSubmission", avs: AVS, operatorSetId: 9n, rewardsSubmissions: [submission()] },
      "InvalidOperatorSet",
    );
    c.reverts(
      AVS,
      {
        type: "createTotalStakeRewardsSubmission",
        avs: AVS,
        operatorSetId: 2n ** 32n,
        rewardsSubmissions: [submission()],
      },
      "InputOutOfRange",
    );
  });
});

describe("who may submit, and pause bits", () => {
  it("rewards-for-all kinds: only rewards-for-all submitters (UnauthorizedCaller)", () => {
    const c = rewardsFixture();
    for (const type of ["createRewardsForAllSubmission", "createRewardsForAllEarners"] as const) {
      c.reverts(HOPPER, { type, rewardsSubmissions: [submission()] }, "UnauthorizedCaller");
      c.reverts(ADMIN, { type, rewardsSubmissions: [submission()] }, "UnauthorizedCaller");
    }
    c.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: HOPPER, newValue: true });
    c.run(HOPPER, { type: "createRewardsForAllSubmission", rewardsSubmissions: [submission()] });
    c.run(HOPPER, { type: "createRewardsForAllEarners", rewardsSubmissions: [submission()] });
    c.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: HOPPER, newValue: false });
    c.reverts(HOPPER, { type: "createRewardsForAllEarners", rewardsSubmissions: [submission()] }, "UnauthorizedCaller");
  });

  it("AVS-keyed kinds through the PermissionController: the AVS or its appointee, nobody else", () => {
    const c = rewardsFixture();
    const cmds: EigenCommand[] = [
      odSubmit(odSubmission()),
      {
        type: "createOperatorDirectedOperatorSetRewardsSubmission",
        avs: AVS,
        operatorSetId: 1n,
        operatorDirectedRewardsSubmissions: [odSubmission()],
      },
      { type: "createUniqueStakeRewardsSubmission", avs: AVS, operatorSetId: 1n, rewardsSubmissions: [submission()] },
      { type: "createTotalStakeRewardsSubmission", avs: AVS, operatorSetId: 1n, rewardsSubmissions: [submission()] },
    ];
    for (const cmd of cmds) c.reverts(APPOINTEE, cmd, "InvalidPermissions");
    c.run(AVS, { type: "setAppointee", account: AVS, appointee: APPOINTEE });
    for (const cmd of cmds) {
      c.reverts(X, cmd, "InvalidPermissions");
      const before = c.balance(REWARD, APPOINTEE);
      c.run(APPOINTEE, cmd);
      expect(c.balance(REWARD, APPOINTEE)).toBeLessThan(before); // the appointee pays
    }
    expect(submissionNonce(c.s, AVS)).toBe(4n);
    expect(submissionNonce(c.s, APPOINTEE)).toBe(0n);
  });

  it("createAVSRewardsSubmission: the caller is the AVS; anyone can fund rewards under its own address", () => {
    const c = rewardsFixture();
    const r = c.run(HOPPER, avsSubmit(submission()));
    expect(onlyEvent(r.events, "AVSRewardsSubmissionCreated").avs).toBe(HOPPER);
    expect(submissionNonce(c.s, HOPPER)).toBe(1n);
  });

  const paused: [number, Address, EigenCommand][] = [
    [PAUSE.rewardsCoordinator.avsRewardsSubmission, AVS, avsSubmit(submission())],
    [
      PAUSE.rewardsCoordinator.rewardsForAllSubmission,
      HOPPER,
      { type: "createRewardsForAllSubmission", rewardsSubmissions: [submission()] },
    ],
    [
      PAUSE.rewardsCoordinator.rewardsForAllEarners,
      HOPPER,
      { type: "createRewardsForAllEarners", rewardsSubmissions: [submission()] },
    ],
    [PAUSE.rewardsCoordinator.operatorDirectedAVSRewardsSubmission, AVS, odSubmit(odSubmission())],
    [
      PAUSE.rewardsCoordinator.operatorDirectedOperatorSetRewardsSubmission,
      AVS,
      {
        type: "createOperatorDirectedOperatorSetRewardsSubmission",
        avs: AVS,
        operatorSetId: 1n,
        operatorDirectedRewardsSubmissions: [odSubmission()],
      },
    ],
    [
      PAUSE.rewardsCoordinator.uniqueStakeRewardsSubmission,
      AVS,
      { type: "createUniqueStakeRewardsSubmission", avs: AVS, operatorSetId: 1n, rewardsSubmissions: [submission()] },
    ],
    [
      PAUSE.rewardsCoordinator.totalStakeRewardsSubmission,
      AVS,
      { type: "createTotalStakeRewardsSubmission", avs: AVS, operatorSetId: 1n, rewardsSubmissions: [submission()] },
    ],
  ];

  it("the bits are EigenLayer's: 0 AVS, 1 for-all, 4 for-all-earners, 5 OD AVS, 9 OD set, 10 unique, 11 total", () => {
    expect(paused.map(([bit]) => bit)).toEqual([0, 1, 4, 5, 9, 10, 11]);
  });

  for (const [bit, caller, cmd] of paused) {
    it(`${cmd.type} reverts CurrentlyPaused under bit ${bit} only (checked before the caller)`, () => {
      const c = rewardsFixture();
      c.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: HOPPER, newValue: true });
      c.run(ADMIN, { type: "pause", module: "rewardsCoordinator", newPausedStatus: 1n << BigInt(bit) });
      c.reverts(caller, cmd, "CurrentlyPaused");
      c.reverts(X, cmd, "CurrentlyPaused");
      const others = 0xfffn & ~(1n << BigInt(bit));
      c.run(ADMIN, { type: "unpause", module: "rewardsCoordinator", newPausedStatus: 0n });
      c.run(ADMIN, { type: "pause", module: "rewardsCoordinator", newPausedStatus: others });
      c.run(caller, cmd);
    });
  }
});

/* ---------------------------------------------------------------- escrow, fee, hashes, nonces */

describe("escrow, protocol fee and submission hashes", () => {
  it("without the fee: the full amount is escrowed and hashed; the record and event carry it", () => {
    const c = rewardsFixture();
    const sub = submission({ amount: 1001n });
    const r = c.run(AVS, avsSubmit(sub));
    const hash = refHash(AVS, 0n, sub);
    expect(r.result).toEqual({ submissionHashes: [hash] });
    expect(c.balance(REWARD, RC)).toBe(1001n);
    expect(r.events.map((e) => e.event)).toEqual(["Transfer", "AVSRewardsSubmissionCreated"]);
    expect(onlyEvent(r.events, "Transfer")).toEqual({ token: REWARD, from: AVS, to: RC, value: 1001n });
    expect(onlyEvent(r.events, "AVSRewardsSubmissionCreated")).toEqual({
      avs: AVS,
      submissionNonce: 0n,
      rewardsSubmissionHash: hash,
      rewardsSubmission: { ...sub },
    });
    expect(c.s.rewardsSubmissions.get(hash)).toEqual({
      kind: "avs",
      hash,
      nonce: 0n,
      submitter: AVS,
      avs: AVS,
      operatorSet: null,
      strategiesAndMultipliers: sub.strategiesAndMultipliers,
      token: REWARD,
      amount: 1001n,
      operatorRewards: [],
      startTimestamp: NOW,
      duration: 7n * DAY,
      createdAtBlock: c.block,
      createdAtTimestamp: NOW,
    });
    expect(isSubmissionHash(c.s, "avs", AVS, hash)).toBe(true);
    expect(isSubmissionHash(c.s, "uniqueStake", AVS, hash)).toBe(false);
    expect(isSubmissionHash(c.s, "avs", AVS2, hash)).toBe(false);
  });

  it("opted in: fee = ⌊amount · 2000 / 10000⌋ to the fee recipient, the hash and record use the net amount", () => {
    const c = rewardsFixture();
    const opt = c.run(AVS, { type: "setOptInForProtocolFee", submitter: AVS, optInForProtocolFee: true });
    expect(onlyEvent(opt.events, "OptInForProtocolFeeSet")).toEqual({
      submitter: AVS,
      oldValue: false,
      newValue: true,
    });
    const feeRecipient = "0x000000000000000000000000000000000000fee1" as Address;
    c.run(ADMIN, { type: "setFeeRecipient", feeRecipient });
    const sub = submission({ amount: 1001n }); // fee ⌊200.2⌋ = 200
    const r = c.run(AVS, avsSubmit(sub));
    const hash = refHash(AVS, 0n, { ...sub, amount: 801n });
    expect(r.result).toEqual({ submissionHashes: [hash] });
    expect(hash).not.toBe(refHash(AVS, 0n, sub));
    expect(c.balance(REWARD, RC)).toBe(801n);
    expect(c.balance(REWARD, feeRecipient)).toBe(200n);
    expect(eventsNamed(r.events, "Transfer")).toEqual([
      { token: REWARD, from: AVS, to: RC, value: 1001n },
      { token: REWARD, from: RC, to: feeRecipient, value: 200n },
    ]);
    expect((onlyEvent(r.events, "AVSRewardsSubmissionCreated").rewardsSubmission as RewardsSubmission).amount).toBe(
      801n,
    );
    expect(c.s.rewardsSubmissions.get(hash)?.amount).toBe(801n);
  });

  it("a fee that rounds to 0 is not taken (amount 4 → ⌊0.8⌋ = 0)", () => {
    const c = rewardsFixture();
    c.run(AVS, { type: "setOptInForProtocolFee", submitter: AVS, optInForProtocolFee: true });
    const sub = submission({ amount: 4n });
    const r = c.run(AVS, avsSubmit(sub));
    expect(r.result).toEqual({ submissionHashes: [refHash(AVS, 0n, sub)] });
    expect(eventsNamed(r.events, "Transfer")).toHaveLength(1);
    expect(c.balance(REWARD, RC)).toBe(4n);
  });

  it("the fee is looked up for msg.sender: an appointee's own opt-in counts, the AVS's does not", () => {
    const c = rewardsFixture();
    c.run(AVS, { type: "setAppointee", account: AVS, appointee: APPOINTEE });
    c.run(AVS, { type: "setOptInForProtocolFee", submitter: AVS, optInForProtocolFee: true });
    const sub = submission({ amount: 100n });
    const unique = (s: RewardsSubmission): EigenCommand => ({
      type: "createUniqueStakeRewardsSubmission",
      avs: AVS,
      operatorSetId: 1n,
      rewardsSubmissions: [s],
    });
    const r1 = c.run(APPOINTEE, unique(sub));
    expect(r1.result).toEqual({ submissionHashes: [refHash(AVS, 0n, sub)] }); // no fee: the appointee has not opted in
    // an appointee may opt itself in (PermissionController on the submitter: the account itself)
    c.run(APPOINTEE, { type: "setOptInForProtocolFee", submitter: APPOINTEE, optInForProtocolFee: true });
    const r2 = c.run(APPOINTEE, unique(sub));
    expect(r2.result).toEqual({ submissionHashes: [refHash(AVS, 1n, { ...sub, amount: 80n })] });
    const e = onlyEvent(r2.events, "UniqueStakeRewardsSubmissionCreated");
    expect(e).toEqual({
      caller: APPOINTEE,
      rewardsSubmissionHash: refHash(AVS, 1n, { ...sub, amount: 80n }),
      operatorSet: `${AVS}/1`,
      submissionNonce: 1n,
      rewardsSubmission: { ...sub, amount: 80n },
    });
    const rec = c.s.rewardsSubmissions.get(e.rewardsSubmissionHash as string)!;
    expect([rec.kind, rec.submitter, rec.avs, rec.operatorSet, rec.amount]).toEqual([
      "uniqueStake",
      APPOINTEE,
      AVS,
      `${AVS}/1`,
      80n,
    ]);
    // opting out again
    const out = c.run(APPOINTEE, { type: "setOptInForProtocolFee", submitter: APPOINTEE, optInForProtocolFee: false });
    expect(onlyEvent(out.events, "OptInForProtocolFeeSet")).toEqual({
      submitter: APPOINTEE,
      oldValue: true,
      newValue: false,
    });
    c.reverts(X, { type: "setOptInForProtocolFee", submitter: AVS, optInForProtocolFee: false }, "InvalidPermissions");
  });

  it("operator-directed: the fee comes off each operator amount; Σ gross escrowed, Σ fee sent on, the hash carries net amounts", () => {
    const c = rewardsFixture();
    c.run(AVS, { type: "setOptInForProtocolFee", submitter: AVS, optInForProtocolFee: true });
    const sub = odSubmission({
      operatorRewards: [
        { operator: OP, amount: 1001n }, // fee 200 → 801
        { operator: OP2, amount: 4n }, // fee 0 → 4
        { operator: OP3, amount: 10n }, // fee 2 → 8
      ],
    });
    const net = {
      ...sub,
      operatorRewards: [
        { operator: OP, amount: 801n },
        { operator: OP2, amount: 4n },
        { operator: OP3, amount: 8n },
      ],
    };
    const r = c.run(AVS, odSubmit(sub));
    const hash = refODHash(AVS, 0n, net);
    expect(r.result).toEqual({ submissionHashes: [hash] });
    expect(eventsNamed(r.events, "Transfer")).toEqual([
      { token: REWARD, from: AVS, to: RC, value: 1015n },
      { token: REWARD, from: RC, to: ADMIN, value: 202n }, // the fee recipient defaults to the admin
    ]);
    expect(onlyEvent(r.events, "OperatorDirectedAVSRewardsSubmissionCreated")).toEqual({
      caller: AVS,
      avs: AVS,
      operatorDirectedRewardsSubmissionHash: hash,
      submissionNonce: 0n,
      operatorDirectedRewardsSubmission: net,
    });
    expect(c.s.rewardsSubmissions.get(hash)).toMatchObject({
      kind: "operatorDirectedAVS",
      avs: AVS,
      operatorSet: null,
      amount: 813n,
      operatorRewards: net.operatorRewards,
      startTimestamp: sub.startTimestamp,
      duration: sub.duration,
    });
    expect(c.balance(REWARD, RC)).toBe(813n);
  });

  it("operator-directed without the fee, and with an empty description: hashes as the contract encodes them", () => {
    const c = rewardsFixture();
    const a = odSubmission({ description: "" });
    const b = odSubmission({ description: "a description longer than one 32-byte word, to pad across two words" });
    const r = c.run(AVS, odSubmit(a, b));
    expect(r.result).toEqual({ submissionHashes: [refODHash(AVS, 0n, a), refODHash(AVS, 1n, b)] });
    const { description: _d, ...noDescription } = a;
    const r2 = c.run(AVS, odSubmit(noDescription));
    expect(r2.result).toEqual({ submissionHashes: [refODHash(AVS, 2n, a)] }); // absent = ""
  });

  it("operator-set OD submission: event and record", () => {
    const c = rewardsFixture();
    const sub = odSubmission();
    const r = c.run(AVS, {
      type: "createOperatorDirectedOperatorSetRewardsSubmission",
      avs: AVS,
      operatorSetId: 2n,
      operatorDirectedRewardsSubmissions: [sub],
    });
    const hash = refODHash(AVS, 0n, sub);
    expect(onlyEvent(r.events, "OperatorDirectedOperatorSetRewardsSubmissionCreated")).toEqual({
      caller: AVS,
      operatorDirectedRewardsSubmissionHash: hash,
      operatorSet: `${AVS}/2`,
      submissionNonce: 0n,
      operatorDirectedRewardsSubmission: sub,
    });
    expect(c.s.rewardsSubmissions.get(hash)).toMatchObject({
      kind: "operatorDirectedOperatorSet",
      operatorSet: `${AVS}/2`,
      amount: 150n * E18,
    });
    expect(isSubmissionHash(c.s, "operatorDirectedOperatorSet", AVS, hash)).toBe(true);
  });

  it("rewards-for-all kinds: never a fee, hashed under the submitter with the gross amount; the transfer follows the event", () => {
    const c = rewardsFixture();
    c.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: HOPPER, newValue: true });
    c.run(HOPPER, { type: "setOptInForProtocolFee", submitter: HOPPER, optInForProtocolFee: true });
    const sub = submission({ amount: 1000n });
    const r = c.run(HOPPER, { type: "createRewardsForAllSubmission", rewardsSubmissions: [sub] });
    expect(r.events.map((e) => e.event)).toEqual(["RewardsSubmissionForAllCreated", "Transfer"]);
    expect(onlyEvent(r.events, "RewardsSubmissionForAllCreated")).toEqual({
      submitter: HOPPER,
      submissionNonce: 0n,
      rewardsSubmissionHash: refHash(HOPPER, 0n, sub),
      rewardsSubmission: sub,
    });
    const r2 = c.run(HOPPER, { type: "createRewardsForAllEarners", rewardsSubmissions: [sub] });
    expect(onlyEvent(r2.events, "RewardsSubmissionForAllEarnersCreated")).toEqual({
      tokenHopper: HOPPER,
      submissionNonce: 1n,
      rewardsSubmissionHash: refHash(HOPPER, 1n, sub),
      rewardsSubmission: sub,
    });
    expect(c.balance(REWARD, RC)).toBe(2000n);
    expect(c.s.rewardsSubmissions.get(refHash(HOPPER, 1n, sub))).toMatchObject({
      kind: "forAllEarners",
      submitter: HOPPER,
      avs: null,
      operatorSet: null,
      amount: 1000n,
    });
    expect(isSubmissionHash(c.s, "forAll", HOPPER, refHash(HOPPER, 0n, sub))).toBe(true);
  });

  it("one nonce per AVS across every submission type; one per submitter for the rewards-for-all kinds", () => {
    const c = rewardsFixture();
    c.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: AVS, newValue: true });
    const sub = submission({ amount: 10n, token: REWARD2 });
    const results = [
      c.run(AVS, avsSubmit(sub, sub)),
      c.run(AVS, odSubmit(odSubmission())),
      c.run(AVS, {
        type: "createUniqueStakeRewardsSubmission",
        avs: AVS,
        operatorSetId: 1n,
        rewardsSubmissions: [sub],
      }),
      c.run(AVS, { type: "createTotalStakeRewardsSubmission", avs: AVS, operatorSetId: 1n, rewardsSubmissions: [sub] }),
      c.run(AVS, { type: "createRewardsForAllSubmission", rewardsSubmissions: [sub] }),
      c.run(AVS, {
        type: "createOperatorDirectedOperatorSetRewardsSubmission",
        avs: AVS,
        operatorSetId: 1n,
        operatorDirectedRewardsSubmissions: [odSubmission()],
      }),
    ];
    const nonces = results.flatMap((r) =>
      r.events.filter((e) => "submissionNonce" in e.args).map((e) => e.args.submissionNonce as bigint),
    );
    expect(nonces).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
    expect(submissionNonce(c.s, AVS)).toBe(7n);
    // identical submissions get distinct hashes through the nonce
    const hashes = storedSubmissions(c.s).map((x) => x.hash);
    expect(new Set(hashes).size).toBe(7);
    expect(
      storedSubmissions(c.s)
        .map((x) => x.kind)
        .sort(),
    ).toEqual(
      [
        "avs",
        "avs",
        "forAll",
        "operatorDirectedAVS",
        "operatorDirectedOperatorSet",
        "totalStake",
        "uniqueStake",
      ].sort(),
    );
  });

  it("the total-stake event and record", () => {
    const c = rewardsFixture();
    const sub = submission();
    const r = c.run(AVS, {
      type: "createTotalStakeRewardsSubmission",
      avs: AVS,
      operatorSetId: 2n,
      rewardsSubmissions: [sub],
    });
    const hash = refHash(AVS, 0n, sub);
    expect(onlyEvent(r.events, "TotalStakeRewardsSubmissionCreated")).toEqual({
      caller: AVS,
      rewardsSubmissionHash: hash,
      operatorSet: `${AVS}/2`,
      submissionNonce: 0n,
      rewardsSubmission: sub,
    });
    expect(c.s.rewardsSubmissions.get(hash)?.kind).toBe("totalStake");
  });
});

describe("RewardsCoordinator parameters", () => {
  it("the deployment's parameters are checked as the constructor and initializer do", () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code ?? "?";
      }
      return "none";
    };
    expect(code(() => new RChain({ genesisRewardsTimestamp: P.genesisRewardsTimestamp + 1n }))).toBe(
      "InvalidGenesisRewardsTimestampRemainder",
    );
    expect(code(() => new RChain({ calculationIntervalSeconds: 3600n, genesisRewardsTimestamp: 0n }))).toBe(
      "InvalidCalculationIntervalSecondsRemainder",
    );
    expect(code(() => new RChain({ defaultOperatorSplitBips: 10_001n }))).toBe("SplitExceedsMax");
    expect(code(() => new RChain({ feeRecipient: ZERO_ADDRESS }))).toBe("InvalidAddressZero");
    expect(code(() => new RChain({ maxRewardsDuration: 2n ** 32n }))).toBe("InputOutOfRange");
    expect(code(() => new RChain({ calculationIntervalSeconds: 7n * DAY, genesisRewardsTimestamp: 0n }))).toBe("none");
  });

  it("a weekly calculation interval makes weekly boundaries", () => {
    const week = 7n * DAY;
    const now = (NOW / week) * week;
    const c = rewardsFixture({ calculationIntervalSeconds: week, genesisRewardsTimestamp: 0n }, now);
    c.reverts(AVS, avsSubmit(submission({ startTimestamp: now, duration: 8n * DAY })), "InvalidDurationRemainder");
    c.reverts(
      AVS,
      avsSubmit(submission({ startTimestamp: now + DAY, duration: week })),
      "InvalidStartTimestampRemainder",
    );
    c.run(AVS, avsSubmit(submission({ startTimestamp: now, duration: 2n * week })));
  });
});
