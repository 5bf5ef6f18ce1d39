import { unsafeUniformBigIntDistribution } from "pure-rand/distribution/UnsafeUniformBigIntDistribution";
import { unsafeUniformIntDistribution } from "pure-rand/distribution/UnsafeUniformIntDistribution";
import { xoroshiro128plus } from "pure-rand/generator/XoroShiro";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import * as am from "../core/eigenlayer/allocationManager.ts";
import { type EigenCommand, execute } from "../core/eigenlayer/commands.ts";
import type { Context, EigenEvent } from "../core/eigenlayer/context.ts";
import { createEigenState } from "../core/eigenlayer/create.ts";
import * as dm from "../core/eigenlayer/delegationManager.ts";
import type { EigenParams } from "../core/eigenlayer/params.ts";
import { type Address, type EigenState, type SetKey, setKey } from "../core/eigenlayer/state.ts";
import * as sm from "../core/eigenlayer/strategyManager.ts";
import * as views from "../core/eigenlayer/views.ts";
import { isProtocolError } from "../core/shared/errors.ts";
import { WAD } from "../core/shared/math.ts";

/**
 * Seeded random operation sequences over the real engine. Every step picks a weighted random operation with
 * arguments read from the current state so that most of them are valid (queue at most what is held, complete
 * withdrawals that exist and have matured, allocate within the allocatable magnitude …); a small share is
 * deliberately invalid so that reverts are exercised too. A ProtocolError is an expected revert (`ok: false`); any
 * other error, an InvariantViolation above all, propagates. Same seed ⇒ same sequence ⇒ same state hash.
 */

export interface RandomRunOptions {
  seed: number;
  stakers?: number;
  operators?: number;
  strategies?: number;
  avss?: number;
  params?: Partial<EigenParams>;
}

/** One command a step executed, with what it returned. */
export interface ExecutedCall {
  caller: Address;
  command: EigenCommand;
  events: EigenEvent[];
  result: Record<string, unknown>;
}

export interface StepOutcome {
  type: string;
  ok: boolean;
  /** the ProtocolError code when the step reverted */
  error?: string;
  /** the block the step ran at */
  block?: bigint;
  /** the commands the step tried, in order (a step is atomic: on a revert none of them took effect) */
  calls?: { caller: Address; command: EigenCommand }[];
  /** on success, every command with its events and result */
  executed?: ExecutedCall[];
}

export interface SimOperatorSet {
  avs: Address;
  id: bigint;
  key: SetKey;
  strategies: Address[];
  redistributing: boolean;
}

export interface RandomRun {
  /** The engine state; it may be replaced (for example by a deserialized copy) between steps. */
  state: EigenState;
  block: bigint;
  step(): StepOutcome;
  stakers: Address[];
  operators: Address[];
  strategies: Address[];
  tokens: Address[];
  avss: Address[];
  operatorSets: SimOperatorSet[];
}

/** Short delays so that withdrawals, deallocations and slash clearing all mature within a run. */
export const SIM_DEFAULT_PARAMS = {
  minWithdrawalDelayBlocks: 50n,
  deallocationDelayBlocks: 50n,
  allocationConfigurationDelayBlocks: 60n,
  slashResolutionDelayBlocks: 20n,
} as const satisfies Partial<EigenParams>;

/** Seconds per block; the accounting is block-based, timestamps only have to move forward. */
const BLOCK_TIME = 12n;
const START_BLOCK = 1n;

/** Deterministic, distinct, lower-case addresses: a two-hex-digit prefix and an index. */
export function simAddress(prefix: string, i: number): Address {
  return `0x${prefix}${i.toString(16).padStart(40 - prefix.length, "0")}` as Address;
}

class Rng {
  private readonly g: RandomGenerator;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed | 0);
  }

  /** uniform integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return unsafeUniformIntDistribution(lo, hi, this.g);
  }

  /** uniform bigint in [lo, hi] */
  big(lo: bigint, hi: bigint): bigint {
    return unsafeUniformBigIntDistribution(lo, hi, this.g);
  }

  chance(p: number): boolean {
    return this.int(0, 9999) < p * 10000;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(0, items.length - 1)]!;
  }

  /** a non-empty random subset, in the original order */
  subset<T>(items: readonly T[]): T[] {
    if (items.length === 0) return [];
    for (;;) {
      const out = items.filter(() => this.chance(0.5));
      if (out.length > 0) return out;
    }
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((a, [, w]) => a + w, 0);
    let r = this.int(0, total - 1);
    for (const [item, w] of items) {
      if (r < w) return item;
      r -= w;
    }
    return items[items.length - 1]![0];
  }

  /** a positive amount spread over many orders of magnitude: 1 wei … 10^maxExp */
  amount(maxExp = 24): bigint {
    return this.big(1n, 10n ** BigInt(this.int(0, maxExp)));
  }

  /** a magnitude-like value in [lo, hi], often a round one */
  magnitude(lo: bigint, hi: bigint): bigint {
    if (hi <= lo) return lo;
    if (this.chance(0.4)) {
      const step = 10n ** 16n;
      const a = (lo + step - 1n) / step;
      const b = hi / step;
      if (a <= b) return this.big(a, b) * step;
    }
    return this.big(lo, hi);
  }
}

type Call = { caller: Address; command: EigenCommand };
type Plan = { type: string; calls: Call[] } | { type: "advanceBlocks"; blocks: bigint };

type OpKind =
  | "deposit"
  | "delegateTo"
  | "undelegate"
  | "redelegate"
  | "queueWithdrawals"
  | "completeQueuedWithdrawal"
  | "registerForOperatorSets"
  | "deregisterFromOperatorSets"
  | "modifyAllocations"
  | "slashOperator"
  | "clearBurnOrRedistributableShares"
  | "donate"
  | "advanceBlocks";

const WEIGHTS: readonly (readonly [OpKind, number])[] = [
  ["deposit", 14],
  ["delegateTo", 6],
  ["undelegate", 2],
  ["redelegate", 2],
  ["queueWithdrawals", 10],
  ["completeQueuedWithdrawal", 10],
  ["registerForOperatorSets", 5],
  ["deregisterFromOperatorSets", 2],
  ["modifyAllocations", 9],
  ["slashOperator", 7],
  ["clearBurnOrRedistributableShares", 3],
  ["donate", 2],
  ["advanceBlocks", 9],
];

class Run implements RandomRun {
  state: EigenState;
  block: bigint;
  readonly stakers: Address[];
  readonly operators: Address[];
  readonly strategies: Address[];
  readonly tokens: Address[];
  readonly avss: Address[];
  readonly operatorSets: SimOperatorSet[] = [];
  private readonly rng: Rng;
  private readonly donor = simAddress("d0", 1);

  constructor(opts: RandomRunOptions) {
    this.rng = new Rng(opts.seed);
    this.state = createEigenState({ ...SIM_DEFAULT_PARAMS, ...opts.params });
    this.block = START_BLOCK;
    const count = (n: number | undefined, dflt: number, min: number) => {
      const v = n ?? dflt;
      if (!Number.isInteger(v) || v < min) throw new RangeError(`need an integer ≥ ${min}, got ${v}`);
      return v;
    };
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    this.stakers = range(count(opts.stakers, 6, 1)).map((i) => simAddress("5a", i + 1));
    this.operators = range(count(opts.operators, 3, 1)).map((i) => simAddress("0b", i + 1));
    this.tokens = range(count(opts.strategies, 3, 1)).map((i) => simAddress("70", i + 1));
    this.strategies = this.tokens.map((_, i) => simAddress("57", i + 1));
    this.avss = range(count(opts.avss, 2, 1)).map((i) => simAddress("a5", i + 1));
    this.setup();
  }

  private get admin(): Address {
    return this.state.params.admin;
  }

  private get delay(): bigint {
    return this.state.params.minWithdrawalDelayBlocks;
  }

  private ctx(caller: Address): Context {
    return { block: this.block, timestamp: this.block * BLOCK_TIME, caller };
  }

  private setup(): void {
    const run = (caller: Address, command: EigenCommand) => execute(this.state, this.ctx(caller), command);
    this.tokens.forEach((token, i) => {
      run(this.admin, { type: "createToken", token, symbol: `TK${i}`, decimals: 18 });
      run(this.admin, { type: "addStrategy", strategy: this.strategies[i]!, token });
    });
    for (const operator of this.operators) {
      run(operator, { type: "registerAsOperator", allocationDelay: BigInt(this.rng.int(0, 5)) });
    }
    this.avss.forEach((avs, i) => {
      run(avs, { type: "updateAVSMetadataURI", avs, metadataURI: `avs-${i}` });
      for (const id of [0n, 1n]) {
        const strategies = this.rng.subset(this.strategies);
        const redistributing = id === 1n;
        run(avs, {
          type: "createOperatorSets",
          avs,
          operatorSets: [{ operatorSetId: id, strategies }],
          ...(redistributing ? { redistributionRecipients: [simAddress("2e", i + 1)] } : {}),
        });
        this.operatorSets.push({ avs, id, key: setKey(avs, id), strategies, redistributing });
      }
    });
  }

  step(): StepOutcome {
    for (let attempt = 0; attempt < 8; attempt++) {
      const plan = this.plan(this.rng.weighted(WEIGHTS));
      if (plan !== null) return this.perform(plan);
    }
    return this.perform(this.advance());
  }

  /** Runs a plan atomically: on a revert every command of the step is rolled back. */
  private perform(plan: Plan): StepOutcome {
    const block = this.block;
    if (!("calls" in plan)) {
      this.block += plan.blocks;
      return { type: plan.type, ok: true, block, calls: [], executed: [] };
    }
    const s = this.state;
    const mark = s.journal.begin();
    const executed: ExecutedCall[] = [];
    try {
      for (const call of plan.calls) {
        const r = execute(s, this.ctx(call.caller), call.command);
        executed.push({ ...call, events: r.events, result: r.result });
      }
      s.journal.commit();
      return { type: plan.type, ok: true, block, calls: plan.calls, executed };
    } catch (e) {
      s.journal.rollback(mark);
      if (isProtocolError(e)) return { type: plan.type, ok: false, error: e.code, block, calls: plan.calls };
      throw e;
    }
  }

  private plan(kind: OpKind): Plan | null {
    switch (kind) {
      case "deposit":
        return this.deposit();
      case "delegateTo":
        return this.delegateTo();
      case "undelegate":
        return this.undelegate();
      case "redelegate":
        return this.redelegate();
      case "queueWithdrawals":
        return this.queueWithdrawals();
      case "completeQueuedWithdrawal":
        return this.complete();
      case "registerForOperatorSets":
        return this.register();
      case "deregisterFromOperatorSets":
        return this.deregister();
      case "modifyAllocations":
        return this.modifyAllocations();
      case "slashOperator":
        return this.slash();
      case "clearBurnOrRedistributableShares":
        return this.clear();
      case "donate":
        return this.donate();
      case "advanceBlocks":
        return this.advance();
    }
  }

  /* ---------------------------------------------------------------- helpers over the current state */

  private get accounts(): Address[] {
    return [...this.stakers, ...this.operators];
  }

  private tokenOf(strategy: Address): Address {
    return sm.getStrategy(this.state, strategy).token;
  }

  /** Someone who is not `who`, for deliberately wrong callers. */
  private stranger(who: Address): Address {
    return this.rng.pick(this.accounts.filter((a) => a !== who).concat(this.donor));
  }

  /* ---------------------------------------------------------------- operations */

  private deposit(): Plan {
    const r = this.rng;
    const who = r.chance(0.85) ? r.pick(this.stakers) : r.pick(this.operators);
    const strategy = r.pick(this.strategies);
    const amount = r.chance(0.02) ? 0n : r.amount();
    return {
      type: "deposit",
      calls: [
        { caller: this.admin, command: { type: "mint", token: this.tokenOf(strategy), to: who, amount } },
        { caller: who, command: { type: "depositIntoStrategy", strategy, amount } },
      ],
    };
  }

  private delegateTo(): Plan | null {
    const r = this.rng;
    const free = this.stakers.filter((a) => dm.delegatedTo(this.state, a) === null);
    if (free.length === 0 && r.chance(0.9)) return null;
    const staker = free.length > 0 && r.chance(0.95) ? r.pick(free) : r.pick(this.stakers);
    return {
      type: "delegateTo",
      calls: [{ caller: staker, command: { type: "delegateTo", operator: r.pick(this.operators) } }],
    };
  }

  private undelegate(): Plan | null {
    const r = this.rng;
    const delegated = this.stakers.filter((a) => dm.delegatedTo(this.state, a) !== null);
    if (delegated.length === 0) return null;
    const staker = r.pick(delegated);
    const operator = dm.delegatedTo(this.state, staker)!;
    const caller = r.chance(0.8) ? staker : r.chance(0.9) ? operator : this.stranger(staker);
    return { type: "undelegate", calls: [{ caller, command: { type: "undelegate", staker } }] };
  }

  private redelegate(): Plan | null {
    const r = this.rng;
    const delegated = this.stakers.filter((a) => dm.delegatedTo(this.state, a) !== null);
    if (delegated.length === 0) return null;
    const staker = r.pick(delegated);
    const current = dm.delegatedTo(this.state, staker);
    const others = this.operators.filter((o) => o !== current);
    const operator = others.length > 0 ? r.pick(others) : r.pick(this.operators);
    return { type: "redelegate", calls: [{ caller: staker, command: { type: "redelegate", operator } }] };
  }

  private queueWithdrawals(): Plan | null {
    const r = this.rng;
    const holders = this.accounts.filter((a) => sm.getStaker(this.state, a).strategyList.length > 0);
    if (holders.length === 0) return null;
    const who = r.pick(holders);
    const chosen = r.subset(sm.getStaker(this.state, who).strategyList);
    const amountFor = (strategy: Address): bigint => {
      const held = sm.stakerDepositShares(this.state, who, strategy);
      const roll = r.int(0, 99);
      if (roll < 30) return held;
      if (roll < 96) return r.big(1n, held);
      if (roll < 98) return 0n;
      return held + r.big(1n, held);
    };
    // Sometimes two withdrawals in one call, over disjoint strategies.
    const split = chosen.length >= 2 && r.chance(0.25) ? r.int(1, chosen.length - 1) : chosen.length;
    const groups = [chosen.slice(0, split), chosen.slice(split)].filter((g) => g.length > 0);
    const params = groups.map((strategies) => ({ strategies, depositShares: strategies.map(amountFor) }));
    // Now and then a batch whose last element asks for more than is held: it fails after the first elements applied.
    if (r.chance(0.04)) {
      const strategy = chosen[0]!;
      params.push({ strategies: [strategy], depositShares: [sm.stakerDepositShares(this.state, who, strategy) + 1n] });
    }
    return { type: "queueWithdrawals", calls: [{ caller: who, command: { type: "queueWithdrawals", params } }] };
  }

  private complete(): Plan | null {
    const r = this.rng;
    const s = this.state;
    const waiting = this.accounts.filter((a) => sm.getStaker(s, a).withdrawalRoots.length > 0);
    if (waiting.length === 0) return null;
    const who = r.pick(waiting);
    const roots = sm.getStaker(s, who).withdrawalRoots;
    const ready = roots.filter((root) => s.withdrawals.get(root)!.startBlock + this.delay < this.block);
    if (ready.length === 0 && r.chance(0.8)) return null;
    const withdrawalRoot = ready.length > 0 && r.chance(0.95) ? r.pick(ready) : r.pick(roots);
    const caller = r.chance(0.98) ? who : this.stranger(who);
    const receiveAsTokens = r.chance(0.5);
    return {
      type: "completeQueuedWithdrawal",
      calls: [{ caller, command: { type: "completeQueuedWithdrawal", withdrawalRoot, receiveAsTokens } }],
    };
  }

  private register(): Plan | null {
    const r = this.rng;
    const pairs = this.operators.flatMap((operator) =>
      this.operatorSets
        .filter((set) => r.chance(0.02) || !am.isOperatorSlashable(this.state, this.block, operator, set.key))
        .map((set) => ({ operator, set })),
    );
    if (pairs.length === 0) return null;
    const { operator, set } = r.pick(pairs);
    const caller = r.chance(0.98) ? operator : this.stranger(operator);
    return {
      type: "registerForOperatorSets",
      calls: [
        { caller, command: { type: "registerForOperatorSets", operator, avs: set.avs, operatorSetIds: [set.id] } },
      ],
    };
  }

  private deregister(): Plan | null {
    const r = this.rng;
    const pairs = this.operators.flatMap((operator) =>
      this.operatorSets
        .filter((set) => am.isRegistered(this.state, operator, set.key))
        .map((set) => ({ operator, set })),
    );
    if (pairs.length === 0) return null;
    const { operator, set } = r.pick(pairs);
    const caller = r.chance(0.7) ? operator : set.avs;
    return {
      type: "deregisterFromOperatorSets",
      calls: [
        { caller, command: { type: "deregisterFromOperatorSets", operator, avs: set.avs, operatorSetIds: [set.id] } },
      ],
    };
  }

  private modifyAllocations(): Plan | null {
    const r = this.rng;
    const s = this.state;
    const operator = r.pick(this.operators);
    const set = r.pick(this.operatorSets);
    // Mostly the set's own strategies; allocating to a strategy outside the set is legal (and unslashable).
    const pool = r.chance(0.9) ? set.strategies : this.strategies;
    const strategies: Address[] = [];
    const newMagnitudes: bigint[] = [];
    for (const strategy of r.subset(pool)) {
      const a = am.getAllocation(s, this.block, operator, set.key, strategy);
      if (a.effectBlock !== 0n && r.chance(0.95)) continue;
      const cap = a.currentMagnitude + am.getAllocatableMagnitude(s, this.block, operator, strategy);
      let target: bigint;
      if (a.currentMagnitude > 0n && r.chance(0.35)) target = r.chance(0.7) ? 0n : r.big(0n, a.currentMagnitude);
      else if (r.chance(0.04)) target = cap + r.amount(17);
      else if (r.chance(0.1)) target = cap;
      else target = r.magnitude(0n, cap);
      if (target === a.currentMagnitude) {
        if (target < cap) target += 1n;
        else if (target > 0n) target -= 1n;
        else continue;
      }
      strategies.push(strategy);
      newMagnitudes.push(target);
    }
    if (strategies.length === 0) return null;
    const caller = r.chance(0.98) ? operator : this.stranger(operator);
    return {
      type: "modifyAllocations",
      calls: [
        {
          caller,
          command: {
            type: "modifyAllocations",
            operator,
            allocations: [{ avs: set.avs, operatorSetId: set.id, strategies, newMagnitudes }],
          },
        },
      ],
    };
  }

  private slash(): Plan | null {
    const r = this.rng;
    const s = this.state;
    const targets = this.operatorSets.flatMap((set) =>
      views.slashableOperators(s, this.block, set.key).map((operator) => ({ set, operator })),
    );
    if (targets.length === 0) return null;
    const { set, operator } = r.pick(targets);
    const strategies = r.subset(set.strategies).sort();
    if (r.chance(0.03) && strategies.length >= 2) strategies.reverse();
    const wadsToSlash = strategies.map(() => {
      const roll = r.int(0, 99);
      if (roll < 10) return WAD;
      if (roll < 25) return r.big(1n, 10n ** 6n);
      if (roll < 27) return r.chance(0.5) ? 0n : WAD + 1n;
      return r.big(1n, WAD);
    });
    const slasher = am.getSlasher(s, this.block, set.key);
    const caller = r.chance(0.97) ? slasher : this.stranger(slasher);
    return {
      type: "slashOperator",
      calls: [
        {
          caller,
          command: { type: "slashOperator", avs: set.avs, operator, operatorSetId: set.id, strategies, wadsToSlash },
        },
      ],
    };
  }

  private clear(): Plan | null {
    const r = this.rng;
    const pending = [...this.state.pendingSlashes.values()];
    if (pending.length === 0) return null;
    const ready = pending.filter((p) => this.block > p.resolutionBlock);
    const p = ready.length > 0 && r.chance(0.9) ? r.pick(ready) : r.pick(pending);
    const strategy = r.chance(0.3) ? r.pick(p.shares)[0] : undefined;
    return {
      type: "clearBurnOrRedistributableShares",
      calls: [
        {
          caller: r.pick(this.accounts),
          command: {
            type: "clearBurnOrRedistributableShares",
            operatorSet: p.operatorSet,
            slashId: p.slashId,
            ...(strategy !== undefined ? { strategy } : {}),
          },
        },
      ],
    };
  }

  /** Tokens sent straight to a strategy: its exchange rate moves for everyone. */
  private donate(): Plan {
    const r = this.rng;
    const strategy = r.pick(this.strategies);
    const token = this.tokenOf(strategy);
    const amount = r.amount(19);
    return {
      type: "donate",
      calls: [
        { caller: this.admin, command: { type: "mint", token, to: this.donor, amount } },
        { caller: this.donor, command: { type: "transfer", token, to: strategy, amount } },
      ],
    };
  }

  private advance(): Plan {
    const r = this.rng;
    const roll = r.int(0, 99);
    const d = this.delay > 4n ? this.delay : 4n;
    const blocks = roll < 55 ? r.big(1n, 3n) : roll < 90 ? r.big(4n, d) : r.big(d, 3n * d);
    return { type: "advanceBlocks", blocks };
  }
}

/** A seeded random run over a fresh deployment (tokens, strategies, operators, AVSs and their operator sets). */
export function createRandomRun(opts: RandomRunOptions): RandomRun {
  return new Run(opts);
}
