import { type EigenCommand, type ExecuteResult, execute } from "../../src/core/eigenlayer/commands.ts";
import { createEigenState } from "../../src/core/eigenlayer/create.ts";
import { DEFAULT_ADMIN, type EigenParams } from "../../src/core/eigenlayer/params.ts";
import { storedSubmissions } from "../../src/core/eigenlayer/rewardsCoordinator.ts";
import type { Address, EigenState, StoredSubmission, SubmissionKind } from "../../src/core/eigenlayer/state.ts";
import { type CalculationResult, calculateRewards, type PayoutRow } from "../../src/rewards/calculate.ts";
import { DailySnapshotter } from "../../src/rewards/snapshots.ts";
import { DAY } from "../../src/rewards/time.ts";

/** 2026-01-01 00:00 UTC: day 0 of every scenario. */
export const T0 = 1_767_225_600n;
export const HOUR = 3600n;
export const WAD = 10n ** 18n;

/** 00:00 UTC of day n, plus `hours`. */
export const day = (n: number, hours = 0): bigint => T0 + BigInt(n) * DAY + BigInt(hours) * HOUR;

export const addr = (prefix: string, i = 0): Address =>
  `0x${prefix}${i.toString(16).padStart(40 - prefix.length, "0")}` as Address;

export const ADMIN: Address = DEFAULT_ADMIN;
/** the rewards-for-all submitter the harness registers */
export const RFA_SUBMITTER = addr("f0", 1);

/**
 * A deployment driven through `execute` with a chain clock: 12-second blocks, block 1 at T0, so that blocks and
 * timestamps move together as the node's clock moves them. Every command is seen by a DailySnapshotter.
 */
export class RewardsChain {
  readonly s: EigenState;
  readonly snap: DailySnapshotter;
  timestamp = T0;

  constructor(params: Partial<EigenParams> = {}, opts: { fullRecompute?: boolean } = {}) {
    this.s = createEigenState(params);
    this.snap = new DailySnapshotter({ fullRecompute: opts.fullRecompute });
  }

  get block(): bigint {
    return (this.timestamp - T0) / 12n + 1n;
  }

  /** Moves the clock to `t` (never back). */
  at(t: bigint): this {
    if (t < this.timestamp) throw new Error("time never goes backwards");
    this.timestamp = t - ((t - T0) % 12n);
    return this;
  }

  run(caller: Address, command: EigenCommand): ExecuteResult {
    const { block, timestamp } = this;
    this.snap.advance(this.s, timestamp, block);
    const r = execute(this.s, { block, timestamp, caller }, command);
    this.snap.observe({ block, timestamp, sender: caller, events: r.events });
    return r;
  }

  token(token: Address, strategy: Address): void {
    this.run(ADMIN, { type: "createToken", token, symbol: "TK", decimals: 18 });
    this.run(ADMIN, { type: "addStrategy", strategy, token });
  }

  deposit(staker: Address, strategy: Address, amount: bigint): void {
    const token = this.s.strategies.get(strategy)!.token;
    this.run(ADMIN, { type: "mint", token, to: staker, amount });
    this.run(staker, { type: "depositIntoStrategy", strategy, amount });
  }

  operator(op: Address): void {
    this.run(op, { type: "registerAsOperator", allocationDelay: 0n });
  }

  operatorSet(avs: Address, id: bigint, strategies: Address[]): void {
    if (!this.s.avss.has(avs)) this.run(avs, { type: "updateAVSMetadataURI", avs, metadataURI: "" });
    this.run(avs, { type: "createOperatorSets", avs, operatorSets: [{ operatorSetId: id, strategies }] });
  }

  register(op: Address, avs: Address, id: bigint): void {
    this.run(op, { type: "registerForOperatorSets", operator: op, avs, operatorSetIds: [id] });
  }

  deregister(op: Address, avs: Address, id: bigint): void {
    this.run(op, { type: "deregisterFromOperatorSets", operator: op, avs, operatorSetIds: [id] });
  }

  allocate(op: Address, avs: Address, id: bigint, strategies: Address[], magnitudes: bigint[]): void {
    this.run(op, {
      type: "modifyAllocations",
      operator: op,
      allocations: [{ avs, operatorSetId: id, strategies, newMagnitudes: magnitudes }],
    });
  }

  /**
   * A rewards submission through the RewardsCoordinator: `kind` picks the entry point; the submitter (the AVS, or
   * the rewards-for-all submitter for the for-all kinds) is minted the amount first. Returns the stored submission.
   */
  submit(
    kind: SubmissionKind,
    p: {
      avs?: Address;
      operatorSetId?: bigint;
      strategies: [Address, bigint][];
      token: Address;
      amount?: bigint;
      operatorRewards?: [Address, bigint][];
      start: bigint;
      duration: bigint;
    },
  ): StoredSubmission {
    const strategiesAndMultipliers = p.strategies.map(([strategy, multiplier]) => ({ strategy, multiplier }));
    const operatorRewards = (p.operatorRewards ?? []).map(([operator, amount]) => ({ operator, amount }));
    const directed = kind === "operatorDirectedAVS" || kind === "operatorDirectedOperatorSet";
    const total = directed ? operatorRewards.reduce((a, r) => a + r.amount, 0n) : (p.amount ?? 0n);
    const sub = {
      strategiesAndMultipliers,
      token: p.token,
      amount: total,
      startTimestamp: p.start,
      duration: p.duration,
    };
    const od = {
      strategiesAndMultipliers,
      token: p.token,
      operatorRewards,
      startTimestamp: p.start,
      duration: p.duration,
    };
    const forAll = kind === "forAll" || kind === "forAllEarners";
    const caller = forAll ? RFA_SUBMITTER : p.avs!;
    if (forAll && !this.s.rewardsForAllSubmitters.has(RFA_SUBMITTER)) {
      this.run(ADMIN, { type: "setRewardsForAllSubmitter", submitter: RFA_SUBMITTER, newValue: true });
    }
    this.run(ADMIN, { type: "mint", token: p.token, to: caller, amount: total });
    const set = { avs: p.avs!, operatorSetId: p.operatorSetId ?? 1n };
    const command: EigenCommand =
      kind === "avs"
        ? { type: "createAVSRewardsSubmission", rewardsSubmissions: [sub] }
        : kind === "forAll"
          ? { type: "createRewardsForAllSubmission", rewardsSubmissions: [sub] }
          : kind === "forAllEarners"
            ? { type: "createRewardsForAllEarners", rewardsSubmissions: [sub] }
            : kind === "uniqueStake"
              ? { type: "createUniqueStakeRewardsSubmission", ...set, rewardsSubmissions: [sub] }
              : kind === "totalStake"
                ? { type: "createTotalStakeRewardsSubmission", ...set, rewardsSubmissions: [sub] }
                : kind === "operatorDirectedAVS"
                  ? {
                      type: "createOperatorDirectedAVSRewardsSubmission",
                      avs: p.avs!,
                      operatorDirectedRewardsSubmissions: [od],
                    }
                  : {
                      type: "createOperatorDirectedOperatorSetRewardsSubmission",
                      ...set,
                      operatorDirectedRewardsSubmissions: [od],
                    };
    const hash = (this.run(caller, command).result.submissionHashes as string[])[0]!;
    return this.s.rewardsSubmissions.get(hash)!;
  }

  /** The calculation with cutoff `cutoff`; the clock must have reached it. */
  rewards(cutoff: bigint, onRow?: (r: PayoutRow) => void): CalculationResult {
    if (this.timestamp < cutoff) throw new Error("the chain has not reached the cutoff");
    this.snap.finish(this.s, cutoff);
    return calculateRewards({ snapshots: this.snap, submissions: storedSubmissions(this.s), cutoff, onRow });
  }
}

/** cumulative amount of `earner` in `token`, 0 if none */
export function earned(r: CalculationResult, earner: Address, token: Address): bigint {
  return r.cumulative.get(earner)?.get(token) ?? 0n;
}
