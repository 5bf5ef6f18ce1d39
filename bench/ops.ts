import { type EigenCommand, execute } from "../src/core/eigenlayer/commands.ts";
import { calculateWithdrawalRoot } from "../src/core/eigenlayer/delegationManager.ts";
import { stateHash } from "../src/core/eigenlayer/snapshot.ts";
import type { Address, EigenState } from "../src/core/eigenlayer/state.ts";
import { isProtocolError } from "../src/core/shared/errors.ts";
import { createRandomRun, type RandomRun } from "../src/sim/randomOps.ts";
import { type Figures, heapMB, load1, median, now, progress, round } from "./lib.ts";

/**
 * Throughput on a valid random sequence of 1,000,000 operations (src/sim/randomOps.ts, seed 1), next to the
 * ceiling: a bare loop of 1,000,000 bigint mulDivs (x·y)/d on WAD-scale values, measured in the same run,
 * interleaved with the engine runs.
 *
 * Two engine figures:
 *  - ops_per_s: RandomRun.step() end to end: the generator reads the state to plan a mostly valid operation,
 *    then executes it (one or two commands, atomically). This is what a simulation achieves.
 *  - engine_ops_per_s: the same sequence replayed from a recording, straight through `execute` (same blocks,
 *    callers and commands, same per-step atomicity), so the generator's planning is not counted. The replayed
 *    state's hash must equal the generator's, which proves the replay did the same work.
 * The ratios say how far each is from pure bigint arithmetic.
 */

export const name = "ops";
export const description = "1,000,000 random valid operations (ops/s) vs a bare bigint mulDiv loop (the ceiling)";

const OPS = 1_000_000;
const SEED = 1;
const WARMUP_SEED = 2;
const WARMUP_OPS = 20_000;
/** Full runs of the sequence (same seed, so the same work); fewer once the time budget is spent. */
const MAX_REPEATS = 3;
const TIME_BUDGET_NS = 90e9;
const MULDIV_N = 1_000_000;
const MULDIV_REPEATS = 5;
const WAD = 10n ** 18n;
/** As in randomOps: timestamps only have to move forward with the block. */
const BLOCK_TIME = 12n;

/* ------------------------------------------------------------------ the ceiling */

const XS: bigint[] = [];
const YS: bigint[] = [];
for (let j = 0; j < 1024; j++) {
  // Balances and shares of 1–1e6 tokens (18 decimals), and WAD-scale factors just under 1.0.
  XS.push(WAD * BigInt(1 + ((j * 7919) % 1_000_000)) + BigInt(j * 104_729));
  YS.push(WAD - BigInt(j * 1_000_003));
}
/** Results land here so that the loop's work is observable. */
const SINK: bigint[] = new Array(1024).fill(0n);

/** ns for MULDIV_N mulDivs. */
function mulDivLoop(): number {
  const t0 = now();
  for (let i = 0; i < MULDIV_N; i++) {
    SINK[i & 1023] = (XS[i & 1023]! * YS[(i >> 10) & 1023]!) / WAD;
  }
  return now() - t0;
}

function measureMulDiv(times: number[]): void {
  for (let r = 0; r < MULDIV_REPEATS; r++) times.push(mulDivLoop());
}

/* ------------------------------------------------------------------ the engine's known hot spot */

const ROOT_N = 2_000;

/**
 * ns for one withdrawal root (ABI encoding + keccak256 of a two-strategy withdrawal), the engine's largest
 * single cost in this mix: queueWithdrawals and undelegate compute one per withdrawal.
 */
function withdrawalRootNs(): number {
  const w = {
    staker: "0x5a00000000000000000000000000000000000001" as Address,
    delegatedTo: "0x0b00000000000000000000000000000000000001" as Address,
    withdrawer: "0x5a00000000000000000000000000000000000001" as Address,
    nonce: 0n,
    startBlock: 123_456n,
    strategies: [
      "0x5700000000000000000000000000000000000001",
      "0x5700000000000000000000000000000000000002",
    ] as Address[],
    scaledShares: [1234n * WAD, 5n * 10n ** 15n],
  };
  const t0 = now();
  for (let i = 0; i < ROOT_N; i++) {
    w.nonce = BigInt(i);
    calculateWithdrawalRoot(w);
  }
  return (now() - t0) / ROOT_N;
}

/* ------------------------------------------------------------------ the generator, end to end */

interface RecordedStep {
  type: string;
  block: bigint;
  calls: { caller: Address; command: EigenCommand }[];
}

interface Tally {
  ok: number;
  reverted: number;
  byType: Map<string, [number, number]>;
  errors: Map<string, number>;
}

function generate(run: RandomRun, n: number, tally: Tally | null, record: RecordedStep[] | null): number {
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const o = run.step();
    if (record !== null && o.calls !== undefined && o.calls.length > 0 && o.block !== undefined) {
      record.push({ type: o.type, block: o.block, calls: o.calls });
    }
    if (tally === null) continue;
    let t = tally.byType.get(o.type);
    if (t === undefined) {
      t = [0, 0];
      tally.byType.set(o.type, t);
    }
    if (o.ok) {
      tally.ok++;
      t[0]++;
    } else {
      tally.reverted++;
      t[1]++;
      const e = o.error ?? "?";
      tally.errors.set(e, (tally.errors.get(e) ?? 0) + 1);
    }
  }
  return now() - t0;
}

function describeMix(t: Tally): void {
  const types = [...t.byType.entries()].sort((a, b) => b[1][0] + b[1][1] - (a[1][0] + a[1][1]));
  progress(`mix (type ok/reverted): ${types.map(([k, [o, r]]) => `${k} ${o}/${r}`).join(", ")}`);
  const errors = [...t.errors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  progress(`top reverts: ${errors.map(([k, n]) => `${k} ${n}`).join(", ") || "none"}`);
}

/* ------------------------------------------------------------------ the engine alone: replay */

/**
 * Replays recorded steps through `execute`, each step atomic as in the generator. Returns [ns, ok steps].
 * Adds each step's time to `perType` (two clock reads per step, well under 1% of a step).
 */
function replay(s: EigenState, steps: readonly RecordedStep[], perType: Map<string, number> | null): [number, number] {
  let ok = 0;
  const t0 = now();
  for (const st of steps) {
    const a = perType === null ? 0 : now();
    const mark = s.journal.begin();
    try {
      for (const c of st.calls) {
        execute(s, { block: st.block, timestamp: st.block * BLOCK_TIME, caller: c.caller }, c.command);
      }
      s.journal.commit();
      ok++;
    } catch (e) {
      s.journal.rollback(mark);
      if (!isProtocolError(e)) throw e;
    }
    if (perType !== null) perType.set(st.type, (perType.get(st.type) ?? 0) + (now() - a));
  }
  return [now() - t0, ok];
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(0)}%`;
}

export async function run(): Promise<Figures> {
  const loadStart = load1();
  const mulDivTimes: number[] = [];
  for (let r = 0; r < 2; r++) mulDivLoop(); // warm-up
  measureMulDiv(mulDivTimes);

  progress(`warm-up: ${WARMUP_OPS} operations (seed ${WARMUP_SEED}), generated and replayed`);
  const warm: RecordedStep[] = [];
  generate(createRandomRun({ seed: WARMUP_SEED }), WARMUP_OPS, null, warm);
  replay(createRandomRun({ seed: WARMUP_SEED }).state, warm, new Map());

  // End to end: the generator plans and executes.
  const genTimes: number[] = [];
  const recorded: RecordedStep[] = [];
  let first: Tally | null = null;
  let finalHash = "";
  let spent = 0;
  for (let r = 0; r < MAX_REPEATS && spent < TIME_BUDGET_NS; r++) {
    const rr = createRandomRun({ seed: SEED });
    const tally: Tally = { ok: 0, reverted: 0, byType: new Map(), errors: new Map() };
    const t = generate(rr, OPS, tally, r === 0 ? recorded : null);
    spent += t;
    genTimes.push(t);
    progress(`generated run ${r + 1}: ${OPS} operations in ${(t / 1e9).toFixed(2)} s (${tally.ok} ok)`);
    if (first === null) {
      first = tally;
      finalHash = stateHash(rr.state);
      describeMix(tally);
    } else if (tally.ok !== first.ok || tally.reverted !== first.reverted) {
      throw new Error("the same seed gave a different sequence: repeats would not measure the same work");
    }
    measureMulDiv(mulDivTimes);
  }
  const tally = first!;

  // The engine alone: the recorded sequence, straight through execute.
  const steps = recorded.length;
  const okWithCalls = tally.ok - (OPS - steps); // steps without commands (advanceBlocks) always succeed
  const replayTimes: number[] = [];
  const perType = new Map<string, number>();
  spent = 0;
  for (let r = 0; r < MAX_REPEATS && spent < TIME_BUDGET_NS; r++) {
    const s = createRandomRun({ seed: SEED }).state;
    const [t, ok] = replay(s, recorded, perType);
    spent += t;
    replayTimes.push(t);
    progress(`replay ${r + 1}: ${steps} steps with commands in ${(t / 1e9).toFixed(2)} s (${ok} ok)`);
    if (ok !== okWithCalls) throw new Error(`replay: ${ok} steps succeeded, the generator had ${okWithCalls}`);
    if (r === 0 && stateHash(s) !== finalHash) throw new Error("replay: final state differs from the generator's");
    measureMulDiv(mulDivTimes);
  }

  const top = [...perType.entries()].sort((a, b) => b[1] - a[1]);
  const perTypeTotal = top.reduce((a, [, ns]) => a + ns, 0);
  progress(`engine time by step type: ${top.map(([k, ns]) => `${k} ${pct(ns, perTypeTotal)}`).join(", ")}`);

  withdrawalRootNs(); // warm-up
  const rootNs = median(Array.from({ length: 5 }, withdrawalRootNs));

  const genNs = median(genTimes);
  const engineNs = median(replayTimes);
  const mulDivNs = median(mulDivTimes);
  const opsPerS = OPS / (genNs / 1e9);
  const engineOpsPerS = OPS / (engineNs / 1e9);
  const mulDivPerS = MULDIV_N / (mulDivNs / 1e9);
  return {
    ops: OPS,
    seed: SEED,
    ok: tally.ok,
    reverted: tally.reverted,
    ok_pct: round((100 * tally.ok) / OPS, 3),
    repeats: genTimes.length,
    replay_repeats: replayTimes.length,
    ops_per_s: round(opsPerS),
    us_per_op: round(genNs / OPS / 1e3),
    engine_ops_per_s: round(engineOpsPerS),
    engine_us_per_op: round(engineNs / OPS / 1e3),
    muldiv_per_s: round(mulDivPerS),
    muldiv_ns: round(mulDivNs / MULDIV_N),
    ratio: round(opsPerS / mulDivPerS, 3),
    engine_ratio: round(engineOpsPerS / mulDivPerS, 3),
    slowdown: round(mulDivPerS / opsPerS),
    engine_slowdown: round(mulDivPerS / engineOpsPerS),
    engine_top: top
      .slice(0, 3)
      .map(([k, ns]) => `${k} ${pct(ns, perTypeTotal)}`)
      .join(", "),
    withdrawal_root_us: round(rootNs / 1e3),
    heap_mb: heapMB(),
    load_1m_start: loadStart,
    load_1m_end: load1(),
  };
}
