import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import type { EigenCommand } from "../../src/core/eigenlayer/commands.ts";
import { buildDistribution, claimFor, type RewardsMerkleClaim } from "../../src/core/eigenlayer/merkle.ts";
import { MAINNET_REWARDS, ZERO_ADDRESS } from "../../src/core/eigenlayer/params.ts";
import {
  checkClaim,
  claimerFor,
  cumulativeClaimed,
  defaultOperatorSplitBips,
  distributionRoots,
  getCurrentClaimableDistributionRoot,
  getCurrentDistributionRoot,
  getDistributionRootsLength,
  getRootIndexFromHash,
  operatorAVSSplitBips,
  operatorPISplitBips,
  operatorSetSplitBips,
  rewardsSettings,
} from "../../src/core/eigenlayer/rewardsCoordinator.ts";
import { deserializeState, serializeState, stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { ProtocolError } from "../../src/core/shared/errors.ts";
import { eventsNamed, onlyEvent } from "./harness.ts";
import {
  ADMIN,
  APPOINTEE,
  AVS,
  AVS2,
  DAY,
  E18,
  NOW,
  OP,
  OP2,
  RC,
  RChain,
  REWARD,
  REWARD2,
  rewardsFixture,
  STAKER,
  submission,
  X,
} from "./rewardsHarness.ts";

/** RewardsCoordinator splits, owner settings, distribution roots and claims (reference §9.4–9.6). */

const DELAY = MAINNET_REWARDS.activationDelay; // 7 days
const SET1 = `${AVS}/1`;

/* ---------------------------------------------------------------- splits */

describe("operator splits", () => {
  const kinds: {
    name: string;
    set: (split: bigint) => EigenCommand;
    read: (c: RChain, t: bigint) => bigint;
    event: string;
    oldKey: string;
    newKey: string;
    bit: number;
  }[] = [
    {
      name: "AVS split",
      set: (split) => ({ type: "setOperatorAVSSplit", operator: OP, avs: AVS, split }),
      read: (c, t) => operatorAVSSplitBips(c.s, OP, AVS, t),
      event: "OperatorAVSSplitBipsSet",
      oldKey: "oldOperatorAVSSplitBips",
      newKey: "newOperatorAVSSplitBips",
      bit: 6,
    },
    {
      name: "PI split",
      set: (split) => ({ type: "setOperatorPISplit", operator: OP, split }),
      read: (c, t) => operatorPISplitBips(c.s, OP, t),
      event: "OperatorPISplitBipsSet",
      oldKey: "oldOperatorPISplitBips",
      newKey: "newOperatorPISplitBips",
      bit: 7,
    },
    {
      name: "operator-set split",
      set: (split) => ({ type: "setOperatorSetSplit", operator: OP, avs: AVS, operatorSetId: 1n, split }),
      read: (c, t) => operatorSetSplitBips(c.s, OP, SET1, t),
      event: "OperatorSetSplitBipsSet",
      oldKey: "oldOperatorSetSplitBips",
      newKey: "newOperatorSetSplitBips",
      bit: 8,
    },
  ];

  for (const k of kinds) {
    describe(k.name, () => {
      it("reads the default until the first setting activates (the 0xFFFF sentinel), then the new value", () => {
        const c = rewardsFixture();
        expect(k.read(c, NOW)).toBe(1000n);
        const r = c.run(OP, k.set(2500n));
        const e = onlyEvent(r.events, k.event);
        expect(e).toMatchObject({
          caller: OP,
          operator: OP,
          activatedAt: NOW + DELAY,
          [k.oldKey]: 1000n,
          [k.newKey]: 2500n,
        });
        expect(k.read(c, NOW)).toBe(1000n);
        expect(k.read(c, NOW + DELAY - 1n)).toBe(1000n);
        expect(k.read(c, NOW + DELAY)).toBe(2500n);
        // the sentinel reads through to the *current* default
        c.run(ADMIN, { type: "setDefaultOperatorSplit", split: 300n });
        expect(k.read(c, NOW + DELAY - 1n)).toBe(300n);
        expect(k.read(c, NOW + DELAY)).toBe(2500n);
      });

      it("cannot change again until strictly after activation; then the old value is the previous new one", () => {
        const c = rewardsFixture();
        c.run(OP, k.set(2500n));
        c.wait(1n);
        c.reverts(OP, k.set(100n), "PreviousSplitPending");
        c.wait(DELAY - 1n); // now == activatedAt: still pending (the check is `now > activatedAt`)
        c.reverts(OP, k.set(100n), "PreviousSplitPending");
        c.wait(1n);
        const t = c.timestamp;
        const r = c.run(OP, k.set(100n));
        expect(onlyEvent(r.events, k.event)).toMatchObject({
          activatedAt: t + DELAY,
          [k.oldKey]: 2500n,
          [k.newKey]: 100n,
        });
        expect(k.read(c, t)).toBe(2500n); // the old split, not the default
        c.run(ADMIN, { type: "setDefaultOperatorSplit", split: 7n });
        expect(k.read(c, t + DELAY - 1n)).toBe(2500n);
        expect(k.read(c, t + DELAY)).toBe(100n);
      });

      it("accepts 0 and 10000 bips, refuses 10001 (SplitExceedsMax) and 65536 (not a uint16)", () => {
        const c = rewardsFixture();
        c.reverts(OP, k.set(10_001n), "SplitExceedsMax");
        c.reverts(OP, k.set(65_536n), "InputOutOfRange");
        c.run(OP, k.set(10_000n));
        c.wait(DELAY + 1n);
        c.run(OP, k.set(0n));
        expect(k.read(c, c.timestamp + DELAY)).toBe(0n);
      });

      it(`only the operator or its appointee; pause bit ${k.bit}`, () => {
        const c = rewardsFixture();
        c.reverts(APPOINTEE, k.set(1n), "InvalidPermissions");
        c.run(OP, { type: "setAppointee", account: OP, appointee: APPOINTEE });
        const r = c.run(APPOINTEE, k.set(1n));
        expect(onlyEvent(r.events, k.event)).toMatchObject({ caller: APPOINTEE, operator: OP });
        c.wait(DELAY + 1n);
        c.run(ADMIN, { type: "pause", module: "rewardsCoordinator", newPausedStatus: 1n << BigInt(k.bit) });
        c.reverts(OP, k.set(2n), "CurrentlyPaused");
      });

      it("with activation delay 0 a split applies at once, and the same second cannot change it again", () => {
        const c = rewardsFixture();
        c.run(ADMIN, { type: "setActivationDelay", activationDelay: 0n });
        c.run(OP, k.set(4000n));
        expect(k.read(c, NOW)).toBe(4000n);
        c.reverts(OP, k.set(4100n), "PreviousSplitPending");
        c.wait(1n);
        c.run(OP, k.set(4100n));
        expect(k.read(c, c.timestamp)).toBe(4100n);
      });
    });
  }

  it("splits are per (operator, AVS) and per (operator, set)", () => {
    const c = rewardsFixture();
    c.run(OP, { type: "setOperatorAVSSplit", operator: OP, avs: AVS, split: 5000n });
    c.run(OP, { type: "setOperatorSetSplit", operator: OP, avs: AVS, operatorSetId: 1n, split: 6000n });
    const later = NOW + DELAY;
    expect(operatorAVSSplitBips(c.s, OP, AVS, later)).toBe(5000n);
    expect(operatorAVSSplitBips(c.s, OP, AVS2, later)).toBe(1000n);
    expect(operatorAVSSplitBips(c.s, OP2, AVS, later)).toBe(1000n);
    expect(operatorSetSplitBips(c.s, OP, SET1, later)).toBe(6000n);
    expect(operatorSetSplitBips(c.s, OP, `${AVS}/2`, later)).toBe(1000n);
    expect(operatorPISplitBips(c.s, OP, later)).toBe(1000n);
  });

  it("an operator-set split needs an existing set; an AVS split needs nothing", () => {
    const c = rewardsFixture();
    c.reverts(
      OP,
      { type: "setOperatorSetSplit", operator: OP, avs: AVS, operatorSetId: 7n, split: 1n },
      "InvalidOperatorSet",
    );
    c.run(OP, { type: "setOperatorAVSSplit", operator: OP, avs: AVS2, split: 1n });
  });

  it("`uint32(now) + activationDelay` is a checked uint32 addition", () => {
    const c = rewardsFixture();
    c.run(ADMIN, { type: "setActivationDelay", activationDelay: 2n ** 32n - 1n });
    c.reverts(OP, { type: "setOperatorPISplit", operator: OP, split: 1n }, "ArithmeticOverflow");
  });
});

/* ---------------------------------------------------------------- owner settings */

describe("owner settings", () => {
  it("each setter is the owner's only and emits old and new", () => {
    const c = rewardsFixture();
    const cases: [EigenCommand, string, Record<string, unknown>][] = [
      [
        { type: "setDefaultOperatorSplit", split: 2000n },
        "DefaultOperatorSplitBipsSet",
        { oldDefaultOperatorSplitBips: 1000n, newDefaultOperatorSplitBips: 2000n },
      ],
      [
        { type: "setActivationDelay", activationDelay: 3600n },
        "ActivationDelaySet",
        { oldActivationDelay: DELAY, newActivationDelay: 3600n },
      ],
      [
        { type: "setRewardsUpdater", rewardsUpdater: X },
        "RewardsUpdaterSet",
        { oldRewardsUpdater: ADMIN, newRewardsUpdater: X },
      ],
      [
        { type: "setRewardsForAllSubmitter", submitter: X, newValue: true },
        "RewardsForAllSubmitterSet",
        { rewardsForAllSubmitter: X, oldValue: false, newValue: true },
      ],
      [
        { type: "setRewardsForAllSubmitter", submitter: X, newValue: true },
        "RewardsForAllSubmitterSet",
        { rewardsForAllSubmitter: X, oldValue: true, newValue: true },
      ],
      [{ type: "setFeeRecipient", feeRecipient: X }, "FeeRecipientSet", { oldFeeRecipient: ADMIN, newFeeRecipient: X }],
    ];
    for (const [cmd, event, args] of cases) {
      c.reverts(X, cmd, "OnlyAdmin");
      c.reverts(OP, cmd, "OnlyAdmin");
      const r = c.run(ADMIN, cmd);
      expect(onlyEvent(r.events, event)).toEqual(args);
    }
    expect(rewardsSettings(c.s)).toEqual({
      rewardsUpdater: X,
      activationDelay: 3600n,
      currRewardsCalculationEndTimestamp: 0n,
      defaultOperatorSplitBips: 2000n,
      feeRecipient: X,
    });
    expect(defaultOperatorSplitBips(c.s)).toBe(2000n);
  });

  it("refuses a default split above 100 % and a zero fee recipient; a zero updater is allowed", () => {
    const c = rewardsFixture();
    c.reverts(ADMIN, { type: "setDefaultOperatorSplit", split: 10_001n }, "SplitExceedsMax");
    c.reverts(ADMIN, { type: "setFeeRecipient", feeRecipient: ZERO_ADDRESS }, "InvalidAddressZero");
    c.reverts(ADMIN, { type: "setActivationDelay", activationDelay: 2n ** 32n }, "InputOutOfRange");
    c.run(ADMIN, { type: "setRewardsUpdater", rewardsUpdater: ZERO_ADDRESS });
  });

  it("the initial values come from the params: the updater and fee recipient default to the admin unless given", () => {
    const c = new RChain({ rewardsUpdater: X, activationDelay: 60n, defaultOperatorSplitBips: 0n });
    expect(rewardsSettings(c.s)).toMatchObject({
      rewardsUpdater: X,
      feeRecipient: ADMIN,
      activationDelay: 60n,
      defaultOperatorSplitBips: 0n,
    });
    const d = new RChain({ admin: X });
    expect(rewardsSettings(d.s)).toMatchObject({ rewardsUpdater: X, feeRecipient: X });
  });
});

/* ---------------------------------------------------------------- roots */

const ROOT_A = `0x${"a1".repeat(32)}` as Hex;
const ROOT_B = `0x${"b2".repeat(32)}` as Hex;
const ROOT_C = `0x${"c3".repeat(32)}` as Hex;
const submitRoot = (root: Hex, end: bigint): EigenCommand => ({
  type: "submitRoot",
  root,
  rewardsCalculationEndTimestamp: end,
});

describe("distribution roots", () => {
  it("only the rewards updater submits; each root is for a later, elapsed period; it activates after the delay", () => {
    const c = rewardsFixture();
    c.reverts(X, submitRoot(ROOT_A, NOW - DAY), "UnauthorizedCaller");
    c.reverts(ADMIN, submitRoot(ROOT_A, 0n), "NewRootMustBeForNewCalculatedPeriod");
    c.reverts(ADMIN, submitRoot(ROOT_A, NOW), "RewardsEndTimestampNotElapsed");
    expect(getDistributionRootsLength(c.s)).toBe(0n);
    expect(getCurrentDistributionRoot(c.s)).toBeNull();
    const r = c.run(ADMIN, submitRoot(ROOT_A, NOW - DAY));
    expect(r.result).toEqual({ rootIndex: 0n, activatedAt: NOW + DELAY });
    expect(onlyEvent(r.events, "DistributionRootSubmitted")).toEqual({
      rootIndex: 0n,
      root: ROOT_A,
      rewardsCalculationEndTimestamp: NOW - DAY,
      activatedAt: NOW + DELAY,
    });
    c.wait(DAY);
    c.reverts(ADMIN, submitRoot(ROOT_B, NOW - DAY), "NewRootMustBeForNewCalculatedPeriod");
    c.run(ADMIN, submitRoot(ROOT_B, NOW));
    expect(getDistributionRootsLength(c.s)).toBe(2n);
    expect(getCurrentDistributionRoot(c.s)).toEqual({
      root: ROOT_B,
      rewardsCalculationEndTimestamp: NOW,
      activatedAt: NOW + DAY + DELAY,
      disabled: false,
    });
    expect(rewardsSettings(c.s).currRewardsCalculationEndTimestamp).toBe(NOW);
    expect(getRootIndexFromHash(c.s, ROOT_B)).toBe(1n);
    expect(() => getRootIndexFromHash(c.s, ROOT_C)).toThrow(ProtocolError);
    // a new updater takes over
    c.run(ADMIN, { type: "setRewardsUpdater", rewardsUpdater: X });
    c.wait(DAY);
    c.reverts(ADMIN, submitRoot(ROOT_C, NOW + DAY), "UnauthorizedCaller");
    c.run(X, submitRoot(ROOT_C, NOW + DAY));
  });

  it("the claimable root is the newest enabled one that has activated (the zero root before any)", () => {
    const c = rewardsFixture();
    const zero = { root: `0x${"00".repeat(32)}`, rewardsCalculationEndTimestamp: 0n, activatedAt: 0n, disabled: false };
    expect(getCurrentClaimableDistributionRoot(c.s, NOW)).toEqual(zero);
    c.run(ADMIN, submitRoot(ROOT_A, NOW - DAY)); // activates NOW + DELAY
    c.wait(DAY);
    c.run(ADMIN, submitRoot(ROOT_B, NOW)); // activates NOW + DAY + DELAY
    expect(getCurrentClaimableDistributionRoot(c.s, NOW + DELAY - 1n)).toEqual(zero);
    expect(getCurrentClaimableDistributionRoot(c.s, NOW + DELAY).root).toBe(ROOT_A);
    expect(getCurrentClaimableDistributionRoot(c.s, NOW + DAY + DELAY).root).toBe(ROOT_B);
    c.run(ADMIN, { type: "disableRoot", rootIndex: 1n });
    expect(getCurrentClaimableDistributionRoot(c.s, NOW + DAY + DELAY).root).toBe(ROOT_A);
    expect(getCurrentDistributionRoot(c.s)?.disabled).toBe(true);
    expect(distributionRoots(c.s).map((r) => [r.root, r.disabled])).toEqual([
      [ROOT_A, false],
      [ROOT_B, true],
    ]);
  });

  it("disableRoot: only the updater, an existing root, once, and only before it activates", () => {
    const c = rewardsFixture();
    c.run(ADMIN, submitRoot(ROOT_A, NOW - DAY));
    c.reverts(X, { type: "disableRoot", rootIndex: 0n }, "UnauthorizedCaller");
    c.reverts(ADMIN, { type: "disableRoot", rootIndex: 1n }, "InvalidRootIndex");
    c.wait(DELAY); // now == activatedAt
    c.reverts(ADMIN, { type: "disableRoot", rootIndex: 0n }, "RootAlreadyActivated");
    c.run(ADMIN, submitRoot(ROOT_B, NOW));
    c.wait(DELAY - 1n);
    const r = c.run(ADMIN, { type: "disableRoot", rootIndex: 1n });
    expect(onlyEvent(r.events, "DistributionRootDisabled")).toEqual({ rootIndex: 1n });
    c.reverts(ADMIN, { type: "disableRoot", rootIndex: 1n }, "RootDisabled");
    // a disabled period is not reopened: the next root still has to be for a later period
    c.reverts(ADMIN, submitRoot(ROOT_C, NOW), "NewRootMustBeForNewCalculatedPeriod");
  });

  it("pause bit 3 stops submitting and disabling", () => {
    const c = rewardsFixture();
    c.run(ADMIN, submitRoot(ROOT_A, NOW - DAY));
    c.run(ADMIN, { type: "pause", module: "rewardsCoordinator", newPausedStatus: 8n });
    c.wait(DAY);
    c.reverts(ADMIN, submitRoot(ROOT_B, NOW), "CurrentlyPaused");
    c.reverts(ADMIN, { type: "disableRoot", rootIndex: 0n }, "CurrentlyPaused");
  });
});

/* ---------------------------------------------------------------- claims */

const E1 = "0x00000000000000000000000000000000000e0001" as Address;
const E2 = "0x00000000000000000000000000000000000e0002" as Address;
const E3 = "0x00000000000000000000000000000000000e0003" as Address;

function earnings(scale: bigint): Map<Address, Map<Address, bigint>> {
  return new Map([
    [
      E2,
      new Map([
        [REWARD, 30n * scale],
        [REWARD2, 7n * scale],
      ]),
    ],
    [E1, new Map([[REWARD, 10n * scale]])],
    [OP, new Map([[REWARD, 5n * scale]])],
    [E3, new Map([[REWARD2, 1n * scale]])],
  ]);
}

/** Funds the coordinator, posts the distribution of `earnings(1)` and waits for it to activate. */
function claimsFixture() {
  const c = rewardsFixture();
  c.mint(REWARD, RC, 1000n);
  c.mint(REWARD2, RC, 1000n);
  const d1 = buildDistribution(earnings(1n));
  c.run(ADMIN, submitRoot(d1.root, NOW - DAY));
  c.wait(DELAY);
  return { c, d1 };
}

const claimCmd = (claim: RewardsMerkleClaim, recipient: Address): EigenCommand => ({
  type: "processClaim",
  claim,
  recipient,
});

describe("claims", () => {
  it("a valid claim pays cumulative − claimed per token to the recipient", () => {
    const { c, d1 } = claimsFixture();
    const claim = claimFor(d1, E2, 0n);
    const r = c.run(E2, claimCmd(claim, E2));
    expect(r.result).toEqual({
      claimed: [
        { token: REWARD, amount: 30n },
        { token: REWARD2, amount: 7n },
      ],
    });
    expect(eventsNamed(r.events, "RewardsClaimed")).toEqual([
      { root: d1.root, earner: E2, claimer: E2, recipient: E2, token: REWARD, claimedAmount: 30n },
      { root: d1.root, earner: E2, claimer: E2, recipient: E2, token: REWARD2, claimedAmount: 7n },
    ]);
    expect(eventsNamed(r.events, "Transfer")).toEqual([
      { token: REWARD, from: RC, to: E2, value: 30n },
      { token: REWARD2, from: RC, to: E2, value: 7n },
    ]);
    expect(cumulativeClaimed(c.s, E2, REWARD)).toBe(30n);
    expect(c.balance(REWARD, RC)).toBe(970n);
    // a second distribution with larger cumulative amounts pays only the difference
    c.run(ADMIN, submitRoot(buildDistribution(earnings(3n)).root, NOW + DELAY - DAY));
    const d2 = buildDistribution(earnings(3n));
    c.wait(DELAY);
    const r2 = c.run(E2, claimCmd(claimFor(d2, E2, 1n, [REWARD]), X));
    expect(r2.result).toEqual({ claimed: [{ token: REWARD, amount: 60n }] });
    expect(c.balance(REWARD, X)).toBe(60n);
    expect(cumulativeClaimed(c.s, E2, REWARD)).toBe(90n);
    expect(cumulativeClaimed(c.s, E2, REWARD2)).toBe(7n);
    // claims are per (earner, token) and root-independent: the older root no longer pays
    c.reverts(E2, claimCmd(claimFor(d1, E2, 0n, [REWARD2]), E2), "EarningsNotGreaterThanClaimed");
    c.reverts(E2, claimCmd(claimFor(d1, E2, 0n, [REWARD]), E2), "EarningsNotGreaterThanClaimed");
    c.run(E2, claimCmd(claimFor(d2, E2, 1n, [REWARD2]), E2)); // 21 − 7
    expect(cumulativeClaimed(c.s, E2, REWARD2)).toBe(21n);
  });

  it("claiming the same amounts twice reverts EarningsNotGreaterThanClaimed (strict increase), state unchanged", () => {
    const { c, d1 } = claimsFixture();
    const claim = claimFor(d1, E1, 0n);
    c.run(E1, claimCmd(claim, E1));
    c.reverts(E1, claimCmd(claim, E1), "EarningsNotGreaterThanClaimed");
    // one token fine and one not: all or nothing
    const both = claimFor(d1, E2, 0n);
    c.run(E2, claimCmd(claimFor(d1, E2, 0n, [REWARD2]), E2));
    c.reverts(E2, claimCmd(both, E2), "EarningsNotGreaterThanClaimed");
    expect(cumulativeClaimed(c.s, E2, REWARD)).toBe(0n);
  });

  it("a zero cumulative amount can never be claimed", () => {
    const c = rewardsFixture();
    const d = buildDistribution(new Map([[E1, new Map([[REWARD, 0n]])]]));
    c.run(ADMIN, submitRoot(d.root, NOW - DAY));
    c.wait(DELAY);
    c.reverts(E1, claimCmd(claimFor(d, E1, 0n), E1), "EarningsNotGreaterThanClaimed");
  });

  it("a root that has not activated, or was disabled, cannot be claimed against", () => {
    const c = rewardsFixture();
    c.mint(REWARD, RC, 1000n);
    const d = buildDistribution(earnings(1n));
    c.run(ADMIN, submitRoot(d.root, NOW - DAY));
    c.wait(DELAY - 1n);
    c.reverts(E1, claimCmd(claimFor(d, E1, 0n), E1), "RootNotActivated");
    c.run(ADMIN, { type: "disableRoot", rootIndex: 0n });
    c.wait(1n);
    c.reverts(E1, claimCmd(claimFor(d, E1, 0n), E1), "RootDisabled");
    c.reverts(E1, claimCmd(claimFor(d, E1, 1n), E1), "IndexOutOfBounds");
    // the same distribution posted again becomes claimable at index 1
    c.run(ADMIN, submitRoot(d.root, NOW));
    c.wait(DELAY);
    expect(checkClaim(c.s, c.timestamp, claimFor(d, E1, 1n)).root).toBe(d.root);
    c.run(E1, claimCmd(claimFor(d, E1, 1n), E1));
  });

  it("bad proofs are rejected with the contract's reverts, state unchanged", () => {
    const { c, d1 } = claimsFixture();
    const good = claimFor(d1, E2, 0n);
    const tamper = (f: (x: RewardsMerkleClaim) => void): RewardsMerkleClaim => {
      const x = structuredClone(good);
      f(x);
      return x;
    };
    const flip = (h: Hex): Hex => `${h.slice(0, -1)}${h.endsWith("0") ? "1" : "0"}` as Hex;
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.tokenLeaves[0]!.cumulativeEarnings = 31n;
        }),
        E2,
      ),
      "InvalidClaimProof",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.tokenTreeProofs[0] = flip(x.tokenTreeProofs[0]!);
        }),
        E2,
      ),
      "InvalidClaimProof",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.earnerTreeProof = flip(x.earnerTreeProof);
        }),
        E2,
      ),
      "InvalidClaimProof",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.earnerLeaf.earnerTokenRoot = flip(x.earnerLeaf.earnerTokenRoot);
        }),
        E2,
      ),
      "InvalidClaimProof",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.earnerIndex = 0n;
        }),
        E2,
      ),
      "InvalidClaimProof",
    ); // E2 sits at index 1
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.earnerIndex = 4n;
        }),
        E2,
      ),
      "InvalidEarnerLeafIndex",
    ); // 4 leaves: index < 2^2
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.tokenIndices[1] = 2n;
        }),
        E2,
      ),
      "InvalidTokenLeafIndex",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.tokenIndices[1] = 0n;
        }),
        E2,
      ),
      "InvalidClaimProof",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.tokenIndices.pop();
        }),
        E2,
      ),
      "InputArrayLengthMismatch",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.tokenLeaves.pop();
        }),
        E2,
      ),
      "InputArrayLengthMismatch",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.earnerTreeProof = `${x.earnerTreeProof}00` as Hex;
        }),
        E2,
      ),
      "InvalidProofLength",
    );
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.earnerTreeProof = "0x123" as Hex;
        }),
        E2,
      ),
      "InputOutOfRange",
    ); // not whole bytes
    // another earner's leaf with this earner's proof
    const e1 = claimFor(d1, E1, 0n);
    c.reverts(
      E2,
      claimCmd(
        tamper((x) => {
          x.earnerLeaf = e1.earnerLeaf;
        }),
        E2,
      ),
      "InvalidClaimProof",
    );
    c.run(E2, claimCmd(good, E2));
  });

  it("a zero root (or zero earner token root) is Merkle's EmptyRoot", () => {
    const c = rewardsFixture();
    c.run(ADMIN, submitRoot(`0x${"00".repeat(32)}`, NOW - DAY));
    c.wait(DELAY);
    const d = buildDistribution(earnings(1n));
    c.reverts(E1, claimCmd(claimFor(d, E1, 0n), E1), "EmptyRoot");
  });

  it("only the claimer claims: the earner by default, its claimer once set (then not the earner)", () => {
    const { c, d1 } = claimsFixture();
    const claim = claimFor(d1, E1, 0n);
    c.reverts(X, claimCmd(claim, X), "UnauthorizedCaller");
    const set = c.run(E1, { type: "setClaimerFor", claimer: X });
    expect(onlyEvent(set.events, "ClaimerForSet")).toEqual({ earner: E1, oldClaimer: ZERO_ADDRESS, claimer: X });
    expect(claimerFor(c.s, E1)).toBe(X);
    c.reverts(E1, claimCmd(claim, E1), "UnauthorizedCaller");
    const r = c.run(X, claimCmd(claim, STAKER));
    expect(onlyEvent(r.events, "RewardsClaimed")).toMatchObject({
      earner: E1,
      claimer: X,
      recipient: STAKER,
      claimedAmount: 10n,
    });
    expect(c.balance(REWARD, STAKER)).toBe(10n);
    // resetting to zero gives the right back to the earner
    const reset = c.run(E1, { type: "setClaimerFor", claimer: ZERO_ADDRESS });
    expect(onlyEvent(reset.events, "ClaimerForSet")).toEqual({ earner: E1, oldClaimer: X, claimer: ZERO_ADDRESS });
    expect(claimerFor(c.s, E1)).toBe(ZERO_ADDRESS);
  });

  it("setClaimerFor(earner, claimer): through the PermissionController, for operators and AVSs with sets only", () => {
    const { c, d1 } = claimsFixture();
    c.reverts(X, { type: "setClaimerFor", earner: OP, claimer: X }, "InvalidPermissions");
    c.run(OP, { type: "setAppointee", account: OP, appointee: APPOINTEE });
    c.run(APPOINTEE, { type: "setClaimerFor", earner: OP, claimer: APPOINTEE });
    c.run(APPOINTEE, claimCmd(claimFor(d1, OP, 0n), APPOINTEE));
    expect(c.balance(REWARD, APPOINTEE)).toBe(1_000_000n * E18 + 5n);
    // an AVS with an operator set qualifies; one without sets, or a plain account, does not
    c.run(AVS, { type: "setClaimerFor", earner: AVS, claimer: X });
    c.reverts(AVS2, { type: "setClaimerFor", earner: AVS2, claimer: X }, "InvalidEarner");
    c.reverts(E1, { type: "setClaimerFor", earner: E1, claimer: X }, "InvalidEarner");
  });

  it("the coordinator must hold the tokens (ERC20InsufficientBalance, nothing recorded)", () => {
    const c = rewardsFixture();
    const d = buildDistribution(earnings(1n));
    c.run(ADMIN, submitRoot(d.root, NOW - DAY));
    c.wait(DELAY);
    c.reverts(E2, claimCmd(claimFor(d, E2, 0n), E2), "ERC20InsufficientBalance");
    expect(cumulativeClaimed(c.s, E2, REWARD)).toBe(0n);
  });

  it("pause bit 2 stops claims", () => {
    const { c, d1 } = claimsFixture();
    c.run(ADMIN, { type: "pause", module: "rewardsCoordinator", newPausedStatus: 4n });
    c.reverts(E1, claimCmd(claimFor(d1, E1, 0n), E1), "CurrentlyPaused");
  });

  it("end to end: submissions escrow the tokens that claims pay out; snapshots keep the rewards tables", () => {
    const c = rewardsFixture();
    c.run(AVS, { type: "setOptInForProtocolFee", submitter: AVS, optInForProtocolFee: true });
    c.run(AVS, {
      type: "createAVSRewardsSubmission",
      rewardsSubmissions: [submission({ amount: 1000n }), submission({ amount: 500n, token: REWARD2 })],
    });
    expect([c.balance(REWARD, RC), c.balance(REWARD2, RC)]).toEqual([800n, 400n]);
    c.run(OP, { type: "setOperatorAVSSplit", operator: OP, avs: AVS, split: 500n });
    c.wait(8n * DAY);
    const d = buildDistribution(earnings(10n)); // REWARD: 450 in all, REWARD2: 80
    c.run(ADMIN, submitRoot(d.root, NOW + 7n * DAY));
    c.wait(DELAY);
    for (const e of [E1, E2, E3, OP]) c.run(e, claimCmd(claimFor(d, e, 0n), e));
    expect([c.balance(REWARD, RC), c.balance(REWARD2, RC)]).toEqual([800n - 450n, 400n - 80n]);
    const again = deserializeState(serializeState(c.s));
    expect(stateHash(again)).toBe(stateHash(c.s));
    expect(again.rewardsSubmissions.size).toBe(2);
    expect(cumulativeClaimed(again, E2, REWARD2)).toBe(70n);
    expect(operatorAVSSplitBips(again, OP, AVS, c.timestamp)).toBe(500n);
  });
});
