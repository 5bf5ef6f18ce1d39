import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as am from "../../src/core/eigenlayer/allocationManager.ts";
import type { EigenCommand } from "../../src/core/eigenlayer/commands.ts";
import * as dm from "../../src/core/eigenlayer/delegationManager.ts";
import { deserializeState, serializeState, stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import { type Address, type EigenState, k2 } from "../../src/core/eigenlayer/state.ts";
import * as sm from "../../src/core/eigenlayer/strategyManager.ts";
import { balanceOf } from "../../src/core/eigenlayer/tokens.ts";
import * as views from "../../src/core/eigenlayer/views.ts";
import { calcSlashedAmount, mulDiv, mulWad, WAD } from "../../src/core/shared/math.ts";
import { createRandomRun, type RandomRun, type StepOutcome } from "../../src/sim/randomOps.ts";

/**
 * Properties of the engine over seeded random operation sequences (src/sim/randomOps.ts), checked after every
 * step. The expectations are the reference's invariants (§5, §6, §7, §12) restated independently of the engine:
 * token and share flows are tracked from the commands executed and their results, not read back from the engine.
 */

const STEPS = 300;

/** Everything a step may compare against: read before the step runs. */
interface Before {
  delegatedTo: Map<Address, Address | null>;
  /** `${account}|${strategy}` */
  withdrawable: Map<string, bigint>;
  deposit: Map<string, bigint>;
  /** `${operator}|${strategy}` */
  operatorShares: Map<string, bigint>;
  maxMagnitude: Map<string, bigint>;
  allocatable: Map<string, bigint>;
}

/** A failed expectation, with enough context to replay it (seed and step). */
class PropertyFailure extends Error {
  override readonly name = "PropertyFailure";
}

class Checker {
  readonly run: RandomRun;
  readonly accounts: Address[];
  /** expected underlying balance and totalShares of each strategy, from the commands executed */
  readonly tokensHeld = new Map<Address, bigint>();
  readonly totalShares = new Map<Address, bigint>();
  /** root → sharesToWithdraw from SlashingWithdrawalQueued */
  readonly queued = new Map<string, bigint[]>();
  /** `${set}|${slashId}` → strategy → shares marked for burning or redistribution */
  readonly burnable = new Map<string, Map<Address, bigint>>();
  /** max magnitude per `${operator}|${strategy}` as last seen: it may only fall */
  readonly lastMax = new Map<string, bigint>();
  step = -1;
  outcome: StepOutcome | null = null;

  constructor(
    run: RandomRun,
    readonly seed: number,
  ) {
    this.run = run;
    this.accounts = [...run.stakers, ...run.operators];
    for (const st of run.strategies) {
      this.tokensHeld.set(st, 0n);
      this.totalShares.set(st, 0n);
    }
  }

  get s(): EigenState {
    return this.run.state;
  }

  check(cond: boolean, what: string, detail: Record<string, unknown> = {}): asserts cond {
    if (cond) return;
    const o = this.outcome;
    const info = JSON.stringify(
      {
        seed: this.seed,
        step: this.step,
        op: o && { type: o.type, ok: o.ok, error: o.error, calls: o.calls },
        ...detail,
      },
      (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    );
    throw new PropertyFailure(`${what}\n${info}`);
  }

  snapshot(): Before {
    const s = this.s;
    const b: Before = {
      delegatedTo: new Map(),
      withdrawable: new Map(),
      deposit: new Map(),
      operatorShares: new Map(),
      maxMagnitude: new Map(),
      allocatable: new Map(),
    };
    for (const a of this.accounts) {
      b.delegatedTo.set(a, dm.delegatedTo(s, a));
      for (const st of this.run.strategies) {
        b.withdrawable.set(k2(a, st), views.withdrawableShares(s, a, st));
        b.deposit.set(k2(a, st), views.depositSharesOf(s, a, st));
      }
    }
    for (const op of this.run.operators) {
      for (const st of this.run.strategies) {
        const key = k2(op, st);
        b.operatorShares.set(key, dm.operatorShares(s, op, st));
        b.maxMagnitude.set(key, am.getMaxMagnitude(s, op, st));
        b.allocatable.set(key, am.getAllocatableMagnitude(s, this.run.block, op, st));
      }
    }
    return b;
  }

  /** Applies what a step did to the independent ledgers, checking the per-operation properties. */
  afterStep(outcome: StepOutcome, before: Before): void {
    this.step++;
    this.outcome = outcome;
    for (const call of outcome.executed ?? []) {
      const c = call.command;
      switch (c.type) {
        case "depositIntoStrategy": {
          const minted = call.result.depositShares as bigint;
          this.add(this.tokensHeld, c.strategy, c.amount);
          this.add(this.totalShares, c.strategy, minted);
          const key = k2(call.caller, c.strategy);
          this.check(
            views.depositSharesOf(this.s, call.caller, c.strategy) === before.deposit.get(key)! + minted,
            "a deposit credits exactly the shares the strategy minted",
          );
          break;
        }
        case "transfer":
          if (this.s.strategies.get(c.to)?.token === c.token) this.add(this.tokensHeld, c.to, c.amount);
          break;
        case "completeQueuedWithdrawal":
          this.completed(c, call.result as unknown as dm.CompletedWithdrawal, call.caller, before);
          break;
        case "clearBurnOrRedistributableShares":
          this.cleared(c, call.result.amounts as bigint[]);
          break;
        case "slashOperator":
          this.slashed(c, call.events, call.result as unknown as am.SlashResult, before);
          break;
        default:
          break;
      }
      for (const e of call.events) {
        if (e.event === "SlashingWithdrawalQueued") {
          this.queued.set(e.args.withdrawalRoot as string, [...(e.args.sharesToWithdraw as bigint[])]);
        } else if (e.event === "BurnOrRedistributableSharesIncreased") {
          const key = `${e.args.operatorSet as string}|${e.args.slashId as bigint}`;
          const m = this.burnable.get(key) ?? new Map<Address, bigint>();
          this.check(!m.has(e.args.strategy as Address), "a strategy is recorded once per slash");
          m.set(e.args.strategy as Address, e.args.shares as bigint);
          this.burnable.set(key, m);
        }
      }
    }
    this.invariants();
  }

  private add(m: Map<Address, bigint>, k: Address, v: bigint): void {
    m.set(k, (m.get(k) ?? 0n) + v);
  }

  private completed(
    c: Extract<EigenCommand, { type: "completeQueuedWithdrawal" }>,
    r: dm.CompletedWithdrawal,
    staker: Address,
    before: Before,
  ): void {
    const worth = this.queued.get(c.withdrawalRoot);
    this.check(worth !== undefined, "only a withdrawal that was queued completes");
    this.queued.delete(c.withdrawalRoot);
    const credited = new Map<Address, bigint>();
    r.strategies.forEach((st, i) => {
      const out = r.shares[i]!;
      this.check(out <= worth[i]!, "a queued withdrawal never pays more than it was worth when queued", {
        strategy: st,
        paid: out,
        worthAtQueue: worth[i],
      });
      if (c.receiveAsTokens) {
        this.add(this.tokensHeld, st, -r.tokens[i]!);
        this.add(this.totalShares, st, -out);
      } else {
        credited.set(st, (credited.get(st) ?? 0n) + out);
      }
    });
    for (const [st, out] of credited) {
      this.check(
        views.depositSharesOf(this.s, staker, st) === before.deposit.get(k2(staker, st))! + out,
        "completing as shares credits exactly sharesOut as deposit shares",
      );
    }
  }

  private cleared(c: Extract<EigenCommand, { type: "clearBurnOrRedistributableShares" }>, amounts: bigint[]): void {
    const key = `${c.operatorSet}|${c.slashId}`;
    const pending = this.burnable.get(key);
    this.check(pending !== undefined, "only a recorded slash is cleared");
    const strategies = c.strategy !== undefined ? [c.strategy] : [...pending.keys()];
    this.check(amounts.length === strategies.length, "one amount per cleared strategy");
    strategies.forEach((st, i) => {
      const shares = pending.get(st);
      this.check(shares !== undefined, "a cleared strategy was marked by that slash");
      this.add(this.tokensHeld, st, -amounts[i]!);
      this.add(this.totalShares, st, -shares);
      pending.delete(st);
    });
    if (pending.size === 0) this.burnable.delete(key);
  }

  private slashed(
    c: Extract<EigenCommand, { type: "slashOperator" }>,
    events: { event: string; args: Record<string, unknown> }[],
    r: am.SlashResult,
    before: Before,
  ): void {
    const s = this.s;
    const op = c.operator;
    const cut = new Map<Address, { prevMax: bigint; newMax: bigint }>();
    for (const e of events.filter((x) => x.event === "MaxMagnitudeUpdated")) {
      const st = e.args.strategy as Address;
      cut.set(st, { prevMax: before.maxMagnitude.get(k2(op, st))!, newMax: e.args.maxMagnitude as bigint });
    }
    c.strategies.forEach((st, i) => {
      const m = cut.get(st);
      if (m === undefined) {
        this.check(r.shares[i] === 0n, "a skipped strategy slashes nothing");
        return;
      }
      const { prevMax, newMax } = m;
      this.check(newMax < prevMax, "a slash lowers the max magnitude", { prevMax, newMax });
      for (const a of this.accounts) {
        if (before.delegatedTo.get(a) !== op) continue;
        const wb = before.withdrawable.get(k2(a, st))!;
        const wa = views.withdrawableShares(s, a, st);
        const expected = mulDiv(wb, newMax, prevMax);
        this.check(wa <= wb, "a slash never raises a staker's withdrawable shares", { staker: a, wb, wa });
        this.check(
          wa >= expected && wa <= expected + 1n,
          "a slash cuts every delegated staker in proportion newMax/prevMax, within 1 wei (§12.1)",
          { staker: a, strategy: st, before: wb, after: wa, expected, prevMax, newMax },
        );
      }
      const key = k2(op, st);
      const opBefore = before.operatorShares.get(key)!;
      const opSlashed = calcSlashedAmount(opBefore, prevMax, newMax);
      this.check(
        dm.operatorShares(s, op, st) === opBefore - opSlashed,
        "operator shares fall by exactly calcSlashedAmount (§12.1)",
      );
      this.check(r.shares[i]! >= opSlashed, "burn/redistributable shares ≥ the operator-share decrease");
      this.check(
        am.getAllocatableMagnitude(s, this.run.block, op, st) === before.allocatable.get(key),
        "a slash leaves the allocatable magnitude unchanged (§12.1)",
      );
    });
    // Nobody else is touched: other operators' stakers, and strategies that were not cut.
    for (const a of this.accounts) {
      for (const st of this.run.strategies) {
        if (before.delegatedTo.get(a) === op && cut.has(st)) continue;
        this.check(
          views.withdrawableShares(s, a, st) === before.withdrawable.get(k2(a, st)),
          "a slash changes only the slashed operator's stakers in the slashed strategies",
          { staker: a, strategy: st },
        );
      }
    }
  }

  /** State-wide invariants, after every step whatever it was. */
  invariants(): void {
    const s = this.s;
    const strategies = this.run.strategies;

    // No stored value is ever negative (pendingDiff is the one signed quantity; it is bounded below).
    for (const [name, table] of s.tables()) {
      for (const [key, value] of table.entries()) this.nonNegative(value, `${name}[${key}]`);
    }

    this.magnitudes();

    // Operator shares cover what their stakers could withdraw: op ≥ Σ w (§5.1, §12).
    for (const op of this.run.operators) {
      for (const st of strategies) {
        let sum = 0n;
        // Σ ⌊s·k/WAD⌋·m: the stakers' value before the last floor. Directed rounding keeps op above even this.
        let exact = 0n;
        const m = am.getMaxMagnitude(s, op, st);
        for (const [a, rec] of s.stakers.entries()) {
          if (rec.delegatedTo !== op) continue;
          sum += views.withdrawableShares(s, a, st);
          exact += mulWad(views.depositSharesOf(s, a, st), dm.depositScalingFactor(s, a, st)) * m;
        }
        const opShares = dm.operatorShares(s, op, st);
        this.check(opShares >= sum, "operator shares ≥ Σ delegated withdrawable shares", {
          operator: op,
          strategy: st,
          operatorShares: opShares,
          sum,
        });
        this.check(opShares * WAD >= exact, "operator shares · WAD ≥ Σ ⌊s·k/WAD⌋·maxMagnitude", {
          operator: op,
          strategy: st,
        });
      }
    }

    // Per staker: deposit ≥ withdrawable; the strategy list is exactly the strategies with deposit shares.
    for (const a of this.accounts) {
      const list = sm.getStaker(s, a).strategyList;
      this.check(new Set(list).size === list.length && list.length <= 32, "strategy list has no duplicates, ≤ 32");
      for (const st of strategies) {
        const d = views.depositSharesOf(s, a, st);
        this.check(d >= views.withdrawableShares(s, a, st), "deposit shares ≥ withdrawable shares (§12.1)");
        this.check(list.includes(st) === d > 0n, "strategy list ⇔ non-zero deposit shares", { account: a, st });
        this.check(d > 0n || !s.dsf.has(k2(a, st)), "a zero balance carries the reset DSF (§5.2)", { account: a, st });
      }
    }

    // Token and share conservation per strategy.
    for (const st of strategies) {
      const rec = s.strategies.get(st)!;
      this.check(
        balanceOf(s, rec.token, st) === this.tokensHeld.get(st),
        "strategy token balance = deposits − withdrawn − cleared + donations",
        { strategy: st, actual: balanceOf(s, rec.token, st), expected: this.tokensHeld.get(st) },
      );
      this.check(rec.totalShares === this.totalShares.get(st), "totalShares = minted − withdrawn − cleared", {
        strategy: st,
      });
    }

    // Queued withdrawals: exactly the ones we saw queued and not yet completed, each in its staker's set.
    this.check(s.withdrawals.size === this.queued.size, "the queue holds exactly the uncompleted withdrawals");
    for (const [root, w] of s.withdrawals.entries()) {
      this.check(this.queued.has(root), "every stored withdrawal was queued through an event");
      this.check(sm.getStaker(s, w.staker).withdrawalRoots.includes(root), "a withdrawal is in its staker's set");
    }

    // Shares marked for burning or redistribution: exactly what the slashes recorded and nobody cleared.
    this.check(s.pendingSlashes.size === this.burnable.size, "pending slashes match the recorded ones");
    for (const [key, p] of s.pendingSlashes.entries()) {
      const mine = this.burnable.get(key);
      this.check(mine !== undefined && mine.size === p.shares.length, "pending slash strategies match", { key });
      for (const [st, shares] of p.shares) this.check(mine.get(st) === shares, "pending slash shares match");
    }
  }

  private magnitudes(): void {
    const s = this.s;
    const block = this.run.block;
    const sums = new Map<string, bigint>();
    for (const [key, a] of s.allocations.entries()) {
      const [op, set, st] = key.split("|") as [Address, string, Address];
      const mk = k2(op, st);
      const positive = a.pendingDiff > 0n ? a.pendingDiff : 0n;
      sums.set(mk, (sums.get(mk) ?? 0n) + a.currentMagnitude + positive);
      this.check(a.pendingDiff >= 0n || -a.pendingDiff <= a.currentMagnitude, "a deallocation ≤ the allocation");
      this.check(a.effectBlock !== 0n || a.pendingDiff === 0n, "effectBlock 0 ⇒ nothing pending");
      const lazy = am.getAllocation(s, block, op, set, st);
      this.check(lazy.currentMagnitude <= am.getMaxMagnitude(s, op, st), "current magnitude ≤ max magnitude");
    }
    for (const op of this.run.operators) {
      for (const st of this.run.strategies) {
        const mk = k2(op, st);
        const history = s.maxMagnitudeHistory.get(mk) ?? [];
        for (let i = 1; i < history.length; i++) {
          this.check(history[i]!.key > history[i - 1]!.key, "max magnitude snapshots have increasing keys");
          this.check(history[i]!.value <= history[i - 1]!.value, "max magnitude history never increases");
        }
        const max = am.getMaxMagnitude(s, op, st);
        const last = this.lastMax.get(mk) ?? WAD;
        this.check(max <= WAD && max >= 0n, "0 ≤ max magnitude ≤ WAD");
        this.check(max <= last, "max magnitude never increases", { operator: op, strategy: st, last, max });
        this.lastMax.set(mk, max);
        const encumbered = s.encumberedMagnitude.get(mk) ?? 0n;
        const sum = sums.get(mk) ?? 0n;
        this.check(encumbered <= max, "encumbered magnitude ≤ max magnitude", { encumbered, max });
        this.check(sum <= max, "Σ sets (current + positive pending) ≤ max magnitude", { sum, max });
        this.check(sum === encumbered, "encumbered = Σ sets (current + positive pending) (Certora)", {
          sum,
          encumbered,
        });
      }
    }
  }

  private nonNegative(value: unknown, path: string): void {
    if (typeof value === "bigint") {
      this.check(value >= 0n || path.endsWith(".pendingDiff"), "no stored value is negative", { path, value });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        this.nonNegative(v, `${path}[${i}]`);
      });
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) this.nonNegative(v, `${path}.${k}`);
    }
  }
}

const shapes = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  stakers: fc.integer({ min: 1, max: 7 }),
  operators: fc.integer({ min: 1, max: 4 }),
  strategies: fc.integer({ min: 1, max: 4 }),
  avss: fc.integer({ min: 1, max: 3 }),
});

describe("random operation sequences over the engine", () => {
  it("keep every accounting invariant after every step", () => {
    let failures = 0;
    let steps = 0;
    fc.assert(
      fc.property(shapes, (shape) => {
        const run = createRandomRun(shape);
        const checker = new Checker(run, shape.seed);
        checker.invariants();
        for (let i = 0; i < STEPS; i++) {
          const before = checker.snapshot();
          const outcome = run.step();
          if (!outcome.ok) failures++;
          steps++;
          checker.afterStep(outcome, before);
        }
      }),
      { numRuns: 150 },
    );
    // The generator must mostly produce valid operations, or the properties above say little.
    expect(failures / steps).toBeLessThan(0.15);
  });

  it("exercise every operation, successfully, across runs", () => {
    const ok = new Map<string, number>();
    for (let seed = 0; seed < 10; seed++) {
      const run = createRandomRun({ seed });
      for (let i = 0; i < STEPS; i++) {
        const o = run.step();
        if (o.ok) ok.set(o.type, (ok.get(o.type) ?? 0) + 1);
      }
    }
    for (const type of [
      "deposit",
      "delegateTo",
      "undelegate",
      "redelegate",
      "queueWithdrawals",
      "completeQueuedWithdrawal",
      "registerForOperatorSets",
      "deregisterFromOperatorSets",
      "modifyAllocations",
      "slashOperator",
      "clearBurnOrRedistributableShares",
      "donate",
      "advanceBlocks",
    ]) {
      expect(ok.get(type) ?? 0, type).toBeGreaterThan(5);
    }
  });

  it("leave the state untouched when a step reverts", () => {
    let reverted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const run = createRandomRun({ seed });
        let hash = stateHash(run.state);
        for (let i = 0; i < 200; i++) {
          const o = run.step();
          const next = stateHash(run.state);
          if (!o.ok) {
            reverted++;
            expect(next, `seed ${seed} step ${i}: ${o.type} reverted with ${o.error} but changed the state`).toBe(hash);
          }
          hash = next;
        }
      }),
      { numRuns: 12 },
    );
    expect(reverted).toBeGreaterThan(0);
  });

  it("are deterministic: the same seed gives the same steps and the same state hash", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const a = createRandomRun({ seed });
        const b = createRandomRun({ seed });
        const c = createRandomRun({ seed: seed + 1 });
        for (let i = 0; i < 150; i++) {
          const x = a.step();
          const y = b.step();
          c.step();
          expect([y.type, y.ok, y.error, y.block]).toEqual([x.type, x.ok, x.error, x.block]);
        }
        expect(stateHash(b.state)).toBe(stateHash(a.state));
        expect(b.block).toBe(a.block);
        expect(stateHash(c.state)).not.toBe(stateHash(a.state));
      }),
      { numRuns: 8 },
    );
  });

  it("round-trip through serialize → deserialize with the same hash, and continue identically", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const a = createRandomRun({ seed });
        const b = createRandomRun({ seed });
        for (let i = 1; i <= 200; i++) {
          const x = a.step();
          const y = b.step();
          expect([y.type, y.ok, y.error]).toEqual([x.type, x.ok, x.error]);
          if (i % 40 === 0) {
            const text = serializeState(b.state);
            const copy = deserializeState(text);
            expect(stateHash(copy)).toBe(stateHash(b.state));
            expect(serializeState(copy)).toBe(text);
            b.state = copy; // b goes on from the copy, a from the original
          }
        }
        expect(stateHash(b.state)).toBe(stateHash(a.state));
      }),
      { numRuns: 5 },
    );
  });
});
