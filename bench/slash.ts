import type { SlashResult } from "../src/core/eigenlayer/allocationManager.ts";
import { type EigenCommand, execute } from "../src/core/eigenlayer/commands.ts";
import type { Context } from "../src/core/eigenlayer/context.ts";
import { createEigenState } from "../src/core/eigenlayer/create.ts";
import { type Address, type EigenState, k2, setKey } from "../src/core/eigenlayer/state.ts";
import { type Figures, heapMB, load1, median, now, percentile, progress, round } from "./lib.ts";

/**
 * slashOperator on an operator with 10 delegated stakers vs one with 1,000,000, same allocation, same wads.
 *
 * EigenLayer's slash is O(strategies): it lowers the operator's max magnitude and its operatorShares, and every
 * staker's withdrawable shares fall through the slashing factor when next read, so no staker is visited. The
 * ratio t(1e6)/t(10) shows that the engine kept that property (it must stay ≤ 1.5).
 *
 * Both worlds are built entirely through `execute`, the same commands a client would send (admin mints, the
 * staker deposits, the staker delegates), so each is exactly a state the engine produces. Every timed slash
 * runs inside an outer journal transaction that is rolled back afterwards, so every repeat slashes the same
 * state and does the same work; the rollback is not timed.
 */

const ADMIN = "0x000000000000000000000000000000000000ad01" as Address;
const WAD = 10n ** 18n;
const SMALL = 10;
const LARGE = 1_000_000;
/** Magnitude each operator allocates to the operator set, in every strategy. */
const MAGNITUDE = WAD / 2n;
/** 1% of the allocated magnitude, in every strategy. */
const WAD_TO_SLASH = WAD / 100n;
const WARMUP = 2_000;
const SAMPLES = 20_000;

/** A lower-case 20-byte address: a hex prefix naming the role, then the index. */
function addr(prefix: string, i: number): Address {
  return `0x${prefix}${i.toString(16).padStart(40 - prefix.length, "0")}` as Address;
}

interface World {
  stakers: number;
  state: EigenState;
  slash: EigenCommand & { type: "slashOperator" };
  ctx: Context;
  buildSeconds: number;
}

const STRATEGIES = [addr("5700", 1), addr("5700", 2)].sort();
const TOKENS = [addr("7000", 1), addr("7000", 2)];
const AVS = addr("a5", 1);
const OPERATOR = addr("0b", 1);
const SET_ID = 0n;

function ctxAt(block: bigint, caller: Address): Context {
  return { block, timestamp: block * 12n, caller };
}

/** One deployment: two strategies, one AVS with one operator set, one operator allocated 50%, n delegated stakers. */
function buildWorld(n: number): World {
  const t0 = now();
  const s = createEigenState({ admin: ADMIN });
  const run = (caller: Address, cmd: EigenCommand, block = 1n) => execute(s, ctxAt(block, caller), cmd);
  STRATEGIES.forEach((strategy, i) => {
    const token = TOKENS[i]!;
    run(ADMIN, { type: "createToken", token, symbol: `TOK${i}`, decimals: 18 });
    run(ADMIN, { type: "addStrategy", strategy, token });
  });
  run(AVS, { type: "updateAVSMetadataURI", avs: AVS, metadataURI: "bench" });
  run(AVS, {
    type: "createOperatorSets",
    avs: AVS,
    operatorSets: [{ operatorSetId: SET_ID, strategies: STRATEGIES }],
  });
  run(OPERATOR, { type: "registerAsOperator", allocationDelay: 0n });
  run(OPERATOR, { type: "registerForOperatorSets", operator: OPERATOR, avs: AVS, operatorSetIds: [SET_ID] });
  run(OPERATOR, {
    type: "modifyAllocations",
    operator: OPERATOR,
    allocations: [
      { avs: AVS, operatorSetId: SET_ID, strategies: STRATEGIES, newMagnitudes: STRATEGIES.map(() => MAGNITUDE) },
    ],
  });
  const step = Math.max(1, Math.floor(n / 10));
  for (let i = 0; i < n; i++) {
    const staker = addr("5a", i);
    const k = i % STRATEGIES.length;
    const amount = WAD * BigInt(1 + (i % 32));
    run(ADMIN, { type: "mint", token: TOKENS[k]!, to: staker, amount });
    run(staker, { type: "depositIntoStrategy", strategy: STRATEGIES[k]!, amount });
    run(staker, { type: "delegateTo", operator: OPERATOR });
    if (n >= 100_000 && (i + 1) % step === 0) progress(`built ${i + 1} / ${n} delegated stakers`);
  }
  const buildSeconds = (now() - t0) / 1e9;
  return {
    stakers: n,
    state: s,
    ctx: ctxAt(2n, AVS),
    slash: {
      type: "slashOperator",
      avs: AVS,
      operator: OPERATOR,
      operatorSetId: SET_ID,
      strategies: STRATEGIES,
      wadsToSlash: STRATEGIES.map(() => WAD_TO_SLASH),
      description: "bench",
    },
    buildSeconds,
  };
}

/** What a slash changes; must be identical before and after each rolled-back repeat. */
function fingerprint(w: World): string {
  const s = w.state;
  const parts = [
    String(s.operatorSets.get(setKey(AVS, SET_ID))?.slashCount),
    String(s.pendingSlashes.size),
    String(s.globals.get("block")),
  ];
  for (const st of STRATEGIES) {
    const key = k2(OPERATOR, st);
    parts.push(
      String(s.operatorShares.get(key)),
      JSON.stringify(s.maxMagnitudeHistory.get(key), (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
  }
  return parts.join(",");
}

/** Times one slash (ns) and rolls it back. Throws if the slash does not succeed or slashes nothing. */
function timedSlash(w: World): number {
  const s = w.state;
  const mark = s.journal.begin();
  let t: number;
  let r: SlashResult;
  try {
    const t0 = now();
    const out = execute(s, w.ctx, w.slash);
    t = now() - t0;
    r = out.result as unknown as SlashResult;
  } finally {
    s.journal.rollback(mark);
  }
  if (r.slashId !== 1n || r.shares.some((x) => x <= 0n))
    throw new Error(`slash of ${w.stakers} stakers slashed nothing`);
  return t;
}

function measure(worlds: World[], warmup: number, samples: number): number[][] {
  const times = worlds.map(() => [] as number[]);
  for (let i = 0; i < warmup; i++) for (const w of worlds) timedSlash(w);
  for (let i = 0; i < samples; i++) {
    // Alternate the order (ABBA…) so neither world always runs right after the other.
    const order = i % 2 === 0 ? worlds.map((_, j) => j) : worlds.map((_, j) => worlds.length - 1 - j);
    for (const j of order) times[j]!.push(timedSlash(worlds[j]!));
  }
  return times;
}

export const name = "slash";
export const description =
  "slashOperator on an operator with 10 vs 1,000,000 delegated stakers (must be O(strategies))";

export async function run(): Promise<Figures> {
  const loadStart = load1();
  const small = buildWorld(SMALL);
  const smallBefore = fingerprint(small);
  // The small world on a small heap, before the large world exists (for reference only).
  const [alone] = measure([small], WARMUP, SAMPLES);

  progress(`building ${LARGE} delegated stakers through execute (mint + depositIntoStrategy + delegateTo each)`);
  const large = buildWorld(LARGE);
  progress(`built in ${large.buildSeconds.toFixed(1)} s; heap ${heapMB()} MB`);
  const largeBefore = fingerprint(large);
  const delegated = large.state.operatorShares.get(k2(OPERATOR, STRATEGIES[0]!));
  if (delegated === undefined || delegated === 0n) throw new Error("large world has no delegated shares");

  progress(`timing ${SAMPLES} slashes per world, interleaved, after ${WARMUP} warm-ups each`);
  const [tSmall, tLarge] = measure([small, large], WARMUP, SAMPLES);
  if (fingerprint(small) !== smallBefore || fingerprint(large) !== largeBefore) {
    throw new Error("a rolled-back slash left the state changed; repeats would not measure the same work");
  }
  const mSmall = median(tSmall!);
  const mLarge = median(tLarge!);
  const ratio = mLarge / mSmall;
  return {
    stakers_small: SMALL,
    stakers_large: LARGE,
    strategies: STRATEGIES.length,
    samples_per_world: SAMPLES,
    slash_10_ns: round(mSmall),
    slash_1e6_ns: round(mLarge),
    ratio: round(ratio, 3),
    ratio_ok: ratio <= 1.5 ? "yes" : "NO",
    slash_10_p90_ns: round(percentile(tSmall!, 90)),
    slash_1e6_p90_ns: round(percentile(tLarge!, 90)),
    slash_10_alone_ns: round(median(alone!)),
    build_1e6_s: round(large.buildSeconds, 3),
    build_1e6_us_per_staker: round((large.buildSeconds * 1e6) / LARGE, 3),
    heap_mb: heapMB(),
    load_1m_start: loadStart,
    load_1m_end: load1(),
  };
}
