import * as am from "../core/eigenlayer/allocationManager.ts";
import { execute } from "../core/eigenlayer/commands.ts";
import type { Context } from "../core/eigenlayer/context.ts";
import { createEigenState } from "../core/eigenlayer/create.ts";
import * as dm from "../core/eigenlayer/delegationManager.ts";
import type { Address, EigenState } from "../core/eigenlayer/state.ts";
import { setKey } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import * as views from "../core/eigenlayer/views.ts";
import { isProtocolError } from "../core/shared/errors.ts";

/**
 * Replays `eigenlayer-core-vectors/v1` files (recorded from EigenLayer's own contracts) against the engine and
 * compares every status, revert name, result and state field, as decimal strings, with no tolerance.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface VectorStep {
  i: number;
  op: string;
  args: Obj;
  block: string;
  status: "ok" | "reverted";
  error?: string;
  result?: Obj;
  state: Obj;
}

export interface Vector {
  format: string;
  config: {
    minWithdrawalDelayBlocks: string;
    deallocationDelayBlocks: string;
    allocationConfigurationDelayBlocks: string;
    startBlock: string;
    stakers: string[];
    operators: { id: string; allocationDelay: string }[];
    strategies: { id: string; kind: string; underlyingDecimals: string }[];
    avs: string[];
    operatorSets: { id: string; avs: string; operatorSetId: string; strategies: string[]; redistributing: boolean }[];
    addresses: Record<string, string>;
  };
  initialState: Obj;
  steps: VectorStep[];
}

export interface Mismatch {
  step: number;
  op: string;
  quantity: string;
  expected: string;
  actual: string;
}

export interface VectorReport {
  steps: number;
  mismatch: Mismatch | null;
}

const ADMIN = "0x000000000000000000000000000000000000ad01" as Address;
/** Seconds per block, only to give commands a monotonic timestamp; EigenLayer's core accounting is block-based. */
const BLOCK_TIME = 12n;

class Replay {
  readonly s: EigenState;
  readonly v: Vector;
  block: bigint;
  readonly addr = new Map<string, Address>();
  readonly name = new Map<string, string>();
  readonly withdrawalIds = new Map<string, string>();
  readonly withdrawalNames = new Map<string, string>();
  readonly setsByName = new Map<string, { avs: string; id: bigint }>();

  constructor(v: Vector) {
    this.v = v;
    const c = v.config;
    this.block = BigInt(c.startBlock);
    this.s = createEigenState({
      minWithdrawalDelayBlocks: BigInt(c.minWithdrawalDelayBlocks),
      deallocationDelayBlocks: BigInt(c.deallocationDelayBlocks),
      allocationConfigurationDelayBlocks: BigInt(c.allocationConfigurationDelayBlocks),
      admin: ADMIN,
    });
    for (const [n, a] of Object.entries(c.addresses)) {
      const lower = a.toLowerCase() as Address;
      this.addr.set(n, lower);
      this.name.set(lower, n);
    }
    for (const st of c.strategies) {
      const token = this.a(`TOKEN_${st.id}`);
      this.run(ADMIN, {
        type: "createToken",
        token,
        symbol: `TOKEN_${st.id}`,
        decimals: Number(st.underlyingDecimals),
      });
      this.run(ADMIN, { type: "addStrategy", strategy: this.a(st.id), token });
    }
  }

  a(n: string): Address {
    const a = this.addr.get(n);
    if (a === undefined) throw new Error(`vector names no address for ${n}`);
    return a;
  }

  ctx(caller: Address): Context {
    return { block: this.block, timestamp: this.block * BLOCK_TIME, caller };
  }

  run(caller: Address, cmd: Parameters<typeof execute>[2]) {
    return execute(this.s, this.ctx(caller), cmd);
  }

  /** Executes one vector step; returns its result in the vector's shape, or throws the protocol error. */
  step(st: VectorStep): Obj {
    const g = st.args;
    const str = (k: string) => g[k] as string;
    const list = (k: string) => (g[k] as string[]).map((n) => this.a(n));
    const nums = (k: string) => (g[k] as string[]).map((x) => BigInt(x));
    switch (st.op) {
      case "advanceBlocks":
        this.block += BigInt(str("blocks"));
        return {};
      case "registerAsOperator":
        this.run(this.a(str("operator")), {
          type: "registerAsOperator",
          allocationDelay: BigInt(str("allocationDelay")),
        });
        return {};
      case "createOperatorSet": {
        const avs = this.a(str("avs"));
        const id = BigInt(str("operatorSetId"));
        this.setsByName.set(str("operatorSet"), { avs, id });
        // The AVS is registered on first use, in the same transaction as the set.
        const mark = this.s.journal.begin();
        try {
          if (!this.s.avss.has(avs)) this.run(avs, { type: "updateAVSMetadataURI", avs, metadataURI: "" });
          if (g.redistributing === true)
            throw new Error("redistributing sets need a recipient the format does not give");
          this.run(avs, {
            type: "createOperatorSets",
            avs,
            operatorSets: [{ operatorSetId: id, strategies: list("strategies") }],
          });
          this.s.journal.commit();
        } catch (e) {
          this.s.journal.rollback(mark);
          throw e;
        }
        return {};
      }
      case "registerForOperatorSet":
      case "deregisterFromOperatorSet": {
        const set = this.set(str("operatorSet"));
        const operator = this.a(str("operator"));
        this.run(operator, {
          type: st.op === "registerForOperatorSet" ? "registerForOperatorSets" : "deregisterFromOperatorSets",
          operator,
          avs: set.avs as Address,
          operatorSetIds: [set.id],
        });
        return {};
      }
      case "modifyAllocation": {
        const set = this.set(str("operatorSet"));
        const operator = this.a(str("operator"));
        this.run(operator, {
          type: "modifyAllocations",
          operator,
          allocations: [
            {
              avs: set.avs as Address,
              operatorSetId: set.id,
              strategies: list("strategies"),
              newMagnitudes: nums("newMagnitudes"),
            },
          ],
        });
        return {};
      }
      case "slash": {
        const set = this.set(str("operatorSet"));
        const r = this.run(set.avs as Address, {
          type: "slashOperator",
          avs: set.avs as Address,
          operator: this.a(str("operator")),
          operatorSetId: set.id,
          strategies: list("strategies"),
          wadsToSlash: nums("wadsToSlash"),
        }).result as unknown as am.SlashResult;
        const names = g.strategies as string[];
        return {
          slashId: r.slashId.toString(),
          sharesSlashed: Object.fromEntries(names.map((n, i) => [n, r.shares[i]!.toString()])),
        };
      }
      case "delegateTo":
        this.run(this.a(str("staker")), { type: "delegateTo", operator: this.a(str("operator")) });
        return {};
      case "undelegate": {
        const staker = this.a(str("staker"));
        return { withdrawals: this.name_w(this.run(staker, { type: "undelegate", staker }).result.withdrawalRoots) };
      }
      case "redelegate": {
        const staker = this.a(str("staker"));
        return {
          withdrawals: this.name_w(
            this.run(staker, { type: "redelegate", operator: this.a(str("operator")) }).result.withdrawalRoots,
          ),
        };
      }
      case "deposit": {
        const staker = this.a(str("staker"));
        const strategy = this.a(str("strategy"));
        const amount = BigInt(str("amount"));
        const token = this.s.strategies.get(strategy)!.token;
        // Funding and deposit are one transaction in the recorder: a reverted deposit leaves no tokens behind.
        const mark = this.s.journal.begin();
        try {
          this.run(ADMIN, { type: "mint", token, to: staker, amount });
          const r = this.run(staker, { type: "depositIntoStrategy", strategy, amount });
          this.s.journal.commit();
          return { depositShares: (r.result.depositShares as bigint).toString() };
        } catch (e) {
          this.s.journal.rollback(mark);
          throw e;
        }
      }
      case "queueWithdrawal": {
        const staker = this.a(str("staker"));
        const r = this.run(staker, {
          type: "queueWithdrawals",
          params: [{ strategies: list("strategies"), depositShares: nums("depositShares") }],
        });
        return { withdrawals: this.name_w(r.result.withdrawalRoots) };
      }
      case "completeWithdrawal": {
        const staker = this.a(str("staker"));
        const root = this.withdrawalIds.get(str("withdrawal"));
        if (root === undefined) throw new Error(`unknown withdrawal ${str("withdrawal")}`);
        const asTokens = g.receiveAsTokens === true;
        const r = this.run(staker, {
          type: "completeQueuedWithdrawal",
          withdrawalRoot: root,
          receiveAsTokens: asTokens,
        }).result as unknown as dm.CompletedWithdrawal;
        const per = Object.fromEntries(
          r.strategies.map((st, i) => [this.nameOf(st), (asTokens ? r.tokens[i]! : r.shares[i]!).toString()]),
        );
        return asTokens ? { tokensReceived: per } : { depositSharesAdded: per };
      }
      default:
        throw new Error(`unsupported op ${st.op}`);
    }
  }

  set(n: string): { avs: string; id: bigint } {
    const set = this.setsByName.get(n);
    if (set !== undefined) return set;
    const c = this.v.config.operatorSets.find((o) => o.id === n);
    if (c === undefined) throw new Error(`unknown operator set ${n}`);
    return { avs: this.a(c.avs), id: BigInt(c.operatorSetId) };
  }

  name_w(roots: unknown): string[] {
    return (roots as string[]).map((root) => {
      const id = `W${this.withdrawalIds.size}`;
      this.withdrawalIds.set(id, root);
      this.withdrawalNames.set(root, id);
      return id;
    });
  }

  nameOf(a: Address): string {
    return this.name.get(a) ?? a;
  }

  /** Our state in the vector's shape. */
  observe(): Obj {
    const c = this.v.config;
    const s = this.s;
    const b = this.block;
    const strategies = c.strategies.map((st) => st.id);
    const stakers: Obj = {};
    for (const n of c.stakers) {
      const staker = this.a(n);
      const operator = dm.delegatedTo(s, staker);
      stakers[n] = {
        delegatedTo: operator === null ? null : this.nameOf(operator),
        strategies: Object.fromEntries(
          strategies.map((st) => [
            st,
            {
              depositShares: views.depositSharesOf(s, staker, this.a(st)).toString(),
              withdrawableShares: views.withdrawableShares(s, staker, this.a(st)).toString(),
              depositScalingFactor: dm.depositScalingFactor(s, staker, this.a(st)).toString(),
            },
          ]),
        ),
        tokenBalances: Object.fromEntries(
          strategies.map((st) => [st, balanceOf(s, s.strategies.get(this.a(st))!.token, staker).toString()]),
        ),
        // The recorder lists a staker's queued withdrawals in the order they were queued.
        queuedWithdrawals: views
          .queuedWithdrawals(s, b, staker)
          .sort((x, y) => (x.withdrawal.nonce < y.withdrawal.nonce ? -1 : 1))
          .map((q) => ({
            id: this.withdrawalNames.get(q.withdrawal.root) ?? q.withdrawal.root,
            delegatedTo: q.withdrawal.delegatedTo === null ? null : this.nameOf(q.withdrawal.delegatedTo),
            startBlock: q.withdrawal.startBlock.toString(),
            nonce: q.withdrawal.nonce.toString(),
            strategies: q.withdrawal.strategies.map((x) => this.nameOf(x)),
            scaledShares: q.withdrawal.scaledShares.map(String),
            withdrawableShares: q.shares.map(String),
          })),
      };
    }
    const operators: Obj = {};
    const sets = [...new Set([...c.operatorSets.map((o) => o.id), ...this.setsByName.keys()])];
    for (const o of c.operators) {
      const operator = this.a(o.id);
      const delay = am.getAllocationDelay(s, b, operator);
      operators[o.id] = {
        isOperator: dm.isOperator(s, operator),
        allocationDelay: delay.isSet ? delay.delay.toString() : null,
        strategies: Object.fromEntries(
          strategies.map((st) => {
            const v = views.operatorStrategy(s, b, operator, this.a(st));
            return [
              st,
              {
                operatorShares: v.operatorShares.toString(),
                maxMagnitude: v.maxMagnitude.toString(),
                encumberedMagnitude: v.encumberedMagnitude.toString(),
                allocatableMagnitude: v.allocatableMagnitude.toString(),
                slashableSharesInQueue: v.slashableSharesInQueue.toString(),
              },
            ];
          }),
        ),
        sets: Object.fromEntries(
          sets.map((n) => {
            const set = this.set(n);
            const key = setKey(set.avs as Address, set.id);
            return [
              n,
              {
                registered: am.isRegistered(s, operator, key),
                slashable: am.isOperatorSlashable(s, b, operator, key),
                allocations: Object.fromEntries(
                  strategies.map((st) => {
                    const a = am.getAllocation(s, b, operator, key, this.a(st));
                    return [
                      st,
                      {
                        currentMagnitude: a.currentMagnitude.toString(),
                        pendingDiff: a.pendingDiff.toString(),
                        effectBlock: a.effectBlock.toString(),
                      },
                    ];
                  }),
                ),
              },
            ];
          }),
        ),
      };
    }
    const strategiesOut: Obj = {};
    for (const st of strategies) {
      const rec = s.strategies.get(this.a(st))!;
      strategiesOut[st] = {
        totalShares: rec.totalShares.toString(),
        tokenBalance: balanceOf(s, rec.token, rec.address).toString(),
      };
    }
    return { block: b.toString(), stakers, operators, strategies: strategiesOut };
  }
}

/** The first path at which `actual` differs from `expected` (only keys present in `expected` are compared). */
export function firstDifference(expected: Json, actual: Json, path: string): [string, string, string] | null {
  if (expected === null || typeof expected !== "object") {
    return expected === actual ? null : [path, JSON.stringify(expected), JSON.stringify(actual)];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [path, "array", JSON.stringify(actual)];
    if (expected.length !== actual.length) return [`${path}.length`, String(expected.length), String(actual.length)];
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(expected[i]!, actual[i]!, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (actual === null || typeof actual !== "object" || Array.isArray(actual))
    return [path, "object", JSON.stringify(actual)];
  for (const [k, v] of Object.entries(expected)) {
    const d = firstDifference(v, (actual as Obj)[k] ?? null, path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return null;
}

export function replayVector(v: Vector): VectorReport {
  if (v.format !== "eigenlayer-core-vectors/v1") {
    return {
      steps: 0,
      mismatch: {
        step: -1,
        op: "format",
        quantity: "format",
        expected: "eigenlayer-core-vectors/v1",
        actual: v.format,
      },
    };
  }
  const r = new Replay(v);
  const init = firstDifference(v.initialState as Json, r.observe(), "initialState");
  if (init)
    return { steps: 0, mismatch: { step: -1, op: "init", quantity: init[0], expected: init[1], actual: init[2] } };
  for (const st of v.steps) {
    const fail = (quantity: string, expected: string, actual: string): VectorReport => ({
      steps: v.steps.length,
      mismatch: { step: st.i, op: st.op, quantity, expected, actual },
    });
    let result: Obj = {};
    let status: "ok" | "reverted" = "ok";
    let error: string | undefined;
    try {
      result = r.step(st);
    } catch (e) {
      if (!isProtocolError(e)) return fail("exception", st.status, `${(e as Error).name}: ${(e as Error).message}`);
      status = "reverted";
      error = e.code;
    }
    if (status !== st.status)
      return fail("status", `${st.status}${st.error ? ` ${st.error}` : ""}`, `${status}${error ? ` ${error}` : ""}`);
    if (status === "reverted" && error !== st.error) return fail("error", st.error ?? "", error ?? "");
    if (r.block.toString() !== st.block) return fail("block", st.block, r.block.toString());
    if (st.result) {
      const d = firstDifference(st.result as Json, result, "result");
      if (d) return fail(d[0], d[1], d[2]);
    }
    const d = firstDifference(st.state as Json, r.observe(), "state");
    if (d) return fail(d[0], d[1], d[2]);
  }
  return { steps: v.steps.length, mismatch: null };
}
