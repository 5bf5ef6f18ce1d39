import { expect } from "vitest";
import { type EigenCommand, type ExecuteResult, execute } from "../../src/core/eigenlayer/commands.ts";
import { createEigenState } from "../../src/core/eigenlayer/create.ts";
import { DEFAULT_ADMIN, type EigenParams, MAINNET_REWARDS } from "../../src/core/eigenlayer/params.ts";
import type {
  OperatorDirectedRewardsSubmission,
  RewardsSubmission,
} from "../../src/core/eigenlayer/rewardsCoordinator.ts";
import { stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import type { Address, EigenState } from "../../src/core/eigenlayer/state.ts";
import { ProtocolError } from "../../src/core/shared/errors.ts";
import { addr } from "./harness.ts";

/** A deployment for the RewardsCoordinator tests: rewards use block.timestamp, so the clock is explicit here. */

export const DAY = 86_400n;
/** 2026-01-01T00:00:00Z, a whole day */
export const NOW = 1_767_225_600n;
export const RC: Address = MAINNET_REWARDS.rewardsCoordinator;
export const ADMIN: Address = DEFAULT_ADMIN;
export const E18 = 10n ** 18n;

export const AVS = addr("a5", 1);
export const AVS2 = addr("a5", 2);
export const OP = addr("0b", 1);
export const OP2 = addr("0b", 2);
export const OP3 = addr("0b", 3);
export const STAKER = addr("5a", 1);
export const HOPPER = addr("40", 1); // a rewards-for-all submitter
export const APPOINTEE = addr("a9", 1);
export const X = addr("99", 1); // a stranger
export const T1 = addr("70", 1);
export const T2 = addr("70", 2);
export const ST1 = addr("57", 1);
export const ST2 = addr("57", 2);
export const REWARD = addr("7e", 1); // a reward token without a strategy
export const REWARD2 = addr("7e", 2);

export class RChain {
  readonly s: EigenState;
  block = 1n;
  timestamp: bigint;

  constructor(params: Partial<EigenParams> = {}, timestamp = NOW) {
    this.s = createEigenState(params);
    this.timestamp = timestamp;
  }

  ctx(caller: Address) {
    return { block: this.block, timestamp: this.timestamp, caller };
  }

  run(caller: Address, command: EigenCommand): ExecuteResult {
    return execute(this.s, this.ctx(caller), command);
  }

  /** Executes and expects the ProtocolError `code`; the state hash must be exactly as before. */
  reverts(caller: Address, command: EigenCommand, code: string): void {
    const before = stateHash(this.s);
    let thrown: unknown;
    try {
      execute(this.s, this.ctx(caller), command);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `${command.type} should revert with ${code}`).toBeInstanceOf(ProtocolError);
    expect((thrown as ProtocolError).code, (thrown as Error).message).toBe(code);
    expect(stateHash(this.s), `${command.type} reverted but changed the state`).toBe(before);
  }

  /** Moves the clock forward by `seconds` (and one block). */
  wait(seconds: bigint): void {
    this.timestamp += seconds;
    this.block += 1n;
  }

  balance(token: Address, holder: Address): bigint {
    return this.s.balances.get(`${token}|${holder}`) ?? 0n;
  }

  mint(token: Address, to: Address, amount: bigint): void {
    this.run(ADMIN, { type: "mint", token, to, amount });
  }
}

/**
 * Two whitelisted strategies (ST1 < ST2), two reward tokens, an AVS with operator sets 1 and 2, three registered
 * operators, and reward tokens minted to the AVS, the hopper and the appointee.
 */
export function rewardsFixture(params: Partial<EigenParams> = {}, timestamp = NOW): RChain {
  const c = new RChain(params, timestamp);
  for (const [token, strategy] of [
    [T1, ST1],
    [T2, ST2],
  ] as const) {
    c.run(ADMIN, { type: "createToken", token, symbol: "LST", decimals: 18 });
    c.run(ADMIN, { type: "addStrategy", strategy, token });
  }
  c.run(ADMIN, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
  c.run(ADMIN, { type: "createToken", token: REWARD2, symbol: "RW2", decimals: 6 });
  for (const op of [OP, OP2, OP3]) c.run(op, { type: "registerAsOperator", allocationDelay: 0n });
  c.run(AVS, { type: "updateAVSMetadataURI", avs: AVS, metadataURI: "" });
  c.run(AVS, {
    type: "createOperatorSets",
    avs: AVS,
    operatorSets: [
      { operatorSetId: 1n, strategies: [ST1] },
      { operatorSetId: 2n, strategies: [ST2] },
    ],
  });
  for (const holder of [AVS, HOPPER, APPOINTEE, AVS2]) {
    c.mint(REWARD, holder, 1_000_000n * E18);
    c.mint(REWARD2, holder, 1_000_000n * E18);
  }
  return c;
}

/** A valid RewardsSubmission at NOW: 7 days from today, both strategies. */
export function submission(over: Partial<RewardsSubmission> = {}): RewardsSubmission {
  return {
    strategiesAndMultipliers: [
      { strategy: ST1, multiplier: E18 },
      { strategy: ST2, multiplier: 2n * E18 },
    ],
    token: REWARD,
    amount: 1000n * E18,
    startTimestamp: NOW,
    duration: 7n * DAY,
    ...over,
  };
}

/** A valid operator-directed submission at NOW: the 7 days that ended yesterday. */
export function odSubmission(over: Partial<OperatorDirectedRewardsSubmission> = {}): OperatorDirectedRewardsSubmission {
  return {
    strategiesAndMultipliers: [{ strategy: ST1, multiplier: E18 }],
    token: REWARD,
    operatorRewards: [
      { operator: OP, amount: 100n * E18 },
      { operator: OP2, amount: 50n * E18 },
    ],
    startTimestamp: NOW - 8n * DAY,
    duration: 7n * DAY,
    description: "week 52",
    ...over,
  };
}
