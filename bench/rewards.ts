import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { type EigenCommand, execute } from "../src/core/eigenlayer/commands.ts";
import { createEigenState } from "../src/core/eigenlayer/create.ts";
import type { EigenParams } from "../src/core/eigenlayer/params.ts";
import type { Address, EigenState } from "../src/core/eigenlayer/state.ts";
import { GENESIS } from "../src/node/clock.ts";
import type { LedgerOptions } from "../src/node/ledger.ts";
import { deploymentAddress } from "../src/node/tx.ts";
import { parseCommand } from "../src/node/wire.ts";
import { rewardsFromLog } from "../src/rewards/run.ts";
import { DAY } from "../src/rewards/time.ts";
import { prng } from "../src/sim/prng.ts";
import { type EventStore, type NewEntry, openStore } from "../src/store/index.ts";
import { type Figures, progress, round } from "./lib.ts";
import { freshTarget } from "./node-lib.ts";

/**
 * The daily rewards calculation at scale: 1,000,000 stakers delegated across 200 operators, 20 AVSs (one operator
 * set each, every operator registered to two of them), 30 days of history, every kind of submission, and the Merkle
 * root over the cumulative earnings — timed against a bare pass that reads the same rows from the store.
 *
 * Building the input (the log). Signing and submitting 3.3 million transactions through the ledger would take hours
 * (EIP-712 signatures); the calculation only replays the log, and replay never re-checks signatures. So the log is
 * written the way the ledger writes it, without the signatures: every command is parsed from its wire parameters
 * (the schemas replay uses), executed on an engine state (`execute`, so it is valid and its events are the real
 * ones), and appended with its block, timestamp, sender, nonce and events by `store.append` in batches of 5,000
 * (one SQLite transaction each) into a temp SQLite file. Blocks and timestamps move together (12 s per block), as the
 * node's manual clock moves them. Day 0 (2026-01-01): 3 strategies, 2 reward tokens, 200 operators, 20 AVSs with
 * their sets, registrations and allocations, then 1,000,000 stakers (mint, deposit 1–32 tokens, delegate; 1,000 per
 * block) and the submissions: a v1 AVS submission per AVS, 5 unique-stake and 5 total-stake ones, and one
 * rewards-for-all-earners, all over days 0–29. Days 1–30: 3,000 deposits, 1,000 queued withdrawals (half of a
 * staker's shares), the completion of those queued 3 days earlier, 100 redelegations, 4 allocation changes and one
 * deregistration a day, a slash every 5 days, splits set on day 1 (activating on day 8); on day 30 operator-directed
 * submissions (5 operator-set, 1 AVS-wide) over days 0–28, each with one operator that is not registered (refunds).
 * Then one entry on day 31, so that the log reaches the cutoff.
 *
 * Measuring. The build runs in this process; the measurement runs in a fresh child process (so that its peak RSS
 * is the calculation's, not the builder's): a bare pass (`store.read` pages of 1,000 until the log is exhausted,
 * decoding every row, nothing applied), then `rewardsFromLog` with cutoff day 31 (replay with daily snapshots,
 * the calculation of 30 snapshot days, the distribution root). `ratio` = rewards time / bare-pass time. Peak memory:
 * `process.resourceUsage().maxRSS` of the child (after the bare pass, and at the end), and `heapUsed` at the end.
 *
 * RESTAKE_BENCH_REWARDS_STAKERS overrides the staker count (e.g. 20000 for a quick run).
 */

export const name = "rewards";
export const description =
  "daily rewards calculation + Merkle root: 1e6 stakers, 200 operators, 20 AVSs, 30 days (vs a bare read of the log)";

const STAKERS = Number(process.env.RESTAKE_BENCH_REWARDS_STAKERS ?? 1_000_000);
const OPERATORS = 200;
const AVSS = 20;
const DAYS = 30;
const DEPOSITS_PER_DAY = 3000;
const QUEUES_PER_DAY = 1000;
const REDELEGATIONS_PER_DAY = 100;
const STAKERS_PER_BLOCK = 1000;
const BATCH = 5000;
const WAD = 10n ** 18n;
const T0 = GENESIS.timestamp;
const CUTOFF = T0 + BigInt(DAYS + 1) * DAY;

const ADMIN = "0x000000000000000000000000000000000000ad01" as Address;
const RFA = "0x00000000000000000000000000000000000000f1" as Address;
const hex = (prefix: string, i: number) => `0x${prefix}${i.toString(16).padStart(40 - prefix.length, "0")}` as Address;
const STRATEGIES = [0, 1, 2].map((i) => hex("5e", i + 1));
const TOKENS = [0, 1, 2].map((i) => hex("70", i + 1));
const REWARDS = [0, 1].map((i) => hex("c0", i + 1));
const OPS = Array.from({ length: OPERATORS }, (_, i) => hex("0b", i + 1));
const AVS = Array.from({ length: AVSS }, (_, i) => hex("a5", i + 1));
const staker = (k: number) => hex("5a", k + 1);

const PARAMS: Partial<EigenParams> = {
  admin: ADMIN,
  beaconReporter: hex("be", 1),
  minWithdrawalDelayBlocks: 14_400n, // 2 days
  deallocationDelayBlocks: 14_400n,
  allocationConfigurationDelayBlocks: 100n,
  slashResolutionDelayBlocks: 100n,
};

export function benchLedgerOptions(store: EventStore): LedgerOptions {
  return {
    store,
    chainId: 31337n,
    deployment: deploymentAddress("bench-rewards"),
    params: PARAMS,
    clock: { mode: "manual", blockTimeSeconds: 12n },
  };
}

/** The strategies of AVS i's set 0 (two of the three, ascending). */
const setStrategies = (i: number) => [STRATEGIES[i % 3]!, STRATEGIES[(i + 1) % 3]!].sort();
/** The AVSs operator j is registered to. */
const avsOf = (j: number) => [j % AVSS, (j + 7) % AVSS];

/** Writes the log as the ledger would: parsed, executed, appended with events (no signatures). */
class LogBuilder {
  readonly s: EigenState = createEigenState(PARAMS);
  private pending: NewEntry[] = [];
  private nonces = new Map<Address, bigint>();
  private txs = 0;
  block = 1n;
  entries = 0;

  constructor(private readonly store: EventStore) {}

  get timestamp(): bigint {
    return T0 + (this.block - 1n) * 12n;
  }

  /** Moves the clock to the block at or after `t`. */
  at(t: bigint): void {
    const block = (t - T0 + 11n) / 12n + 1n;
    if (block > this.block) this.block = block;
  }

  async tx(sender: Address, command: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ctx = { block: this.block, timestamp: this.timestamp, caller: sender };
    const r = execute(this.s, ctx, toCommand(command, params));
    const nonce = this.nonces.get(sender) ?? 0n;
    this.nonces.set(sender, nonce + 1n);
    this.txs++;
    this.pending.push({
      block: ctx.block,
      timestamp: ctx.timestamp,
      txHash: `0x${this.txs.toString(16).padStart(64, "0")}`,
      sender,
      tx: { sender, nonce: nonce.toString(), deadline: "4000000000", command, params, signature: "0x" },
      events: r.events,
    });
    this.entries++;
    if (this.pending.length >= BATCH) await this.flush();
    return r.result;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.store.append(batch);
  }
}

const dec = (x: bigint) => x.toString();

/**
 * The engine command of wire parameters: the three commands a staker's setup repeats a million times are converted
 * directly (their wire parameters are plain addresses and decimal amounts), every other one goes through the wire
 * schemas. Replay parses every entry with the schemas again, so a mismatch could not go unnoticed.
 */
function toCommand(command: string, params: Record<string, unknown>): EigenCommand {
  const p = params as Record<string, string>;
  switch (command) {
    case "mint":
      return { type: "mint", token: p.token as Address, to: p.to as Address, amount: BigInt(p.amount!) };
    case "depositIntoStrategy":
      return { type: "depositIntoStrategy", strategy: p.strategy as Address, amount: BigInt(p.amount!) };
    case "delegateTo":
      return { type: "delegateTo", operator: p.operator as Address };
  }
  const parsed = parseCommand(command, params);
  if (!parsed.ok) throw new Error(`${command}: ${parsed.issues.join("; ")}`);
  if (parsed.command.type === "advanceClock") throw new Error("advanceClock is not an engine command");
  return parsed.command;
}

export async function build(store: EventStore): Promise<{ entries: number; seconds: number }> {
  const t0 = performance.now();
  const b = new LogBuilder(store);
  const rng = prng(20_260_101);
  const pick = (n: number) => Math.floor(rng() * n);
  b.at(T0);
  // protocol setup
  for (let i = 0; i < 3; i++) {
    await b.tx(ADMIN, "createToken", { token: TOKENS[i]!, symbol: `ST${i}`, decimals: 18 });
    await b.tx(ADMIN, "addStrategy", { strategy: STRATEGIES[i]!, token: TOKENS[i]! });
  }
  for (let i = 0; i < 2; i++) await b.tx(ADMIN, "createToken", { token: REWARDS[i]!, symbol: `RW${i}`, decimals: 18 });
  await b.tx(ADMIN, "setRewardsForAllSubmitter", { submitter: RFA, newValue: true });
  for (const op of OPS) await b.tx(op, "registerAsOperator", { allocationDelay: "0" });
  for (let i = 0; i < AVSS; i++) {
    await b.tx(AVS[i]!, "updateAVSMetadataURI", { avs: AVS[i]!, metadataURI: `avs-${i}` });
    await b.tx(AVS[i]!, "createOperatorSets", {
      avs: AVS[i]!,
      operatorSets: [{ operatorSetId: "0", strategies: setStrategies(i) }],
    });
  }
  for (let j = 0; j < OPERATORS; j++) {
    for (const i of avsOf(j)) {
      await b.tx(OPS[j]!, "registerForOperatorSets", { operator: OPS[j]!, avs: AVS[i]!, operatorSetIds: ["0"] });
      await b.tx(OPS[j]!, "modifyAllocations", {
        operator: OPS[j]!,
        allocations: [
          {
            avs: AVS[i]!,
            operatorSetId: "0",
            strategies: setStrategies(i),
            newMagnitudes: setStrategies(i).map(() => dec((4n * WAD) / 10n)),
          },
        ],
      });
    }
  }
  // a million stakers
  progress(`building: ${STAKERS.toLocaleString("en-US")} stakers (mint, deposit, delegate)`);
  const stakerStrategy = (k: number) => k % 3;
  for (let k = 0; k < STAKERS; k++) {
    if (k % STAKERS_PER_BLOCK === 0) b.block++;
    const who = staker(k);
    const amount = dec(BigInt(1 + (k % 32)) * WAD);
    await b.tx(ADMIN, "mint", { token: TOKENS[stakerStrategy(k)]!, to: who, amount });
    await b.tx(who, "depositIntoStrategy", { strategy: STRATEGIES[stakerStrategy(k)]!, amount });
    await b.tx(who, "delegateTo", { operator: OPS[k % OPERATORS]! });
    if (k % 200_000 === 199_999) progress(`  ${(k + 1).toLocaleString("en-US")} stakers, ${b.entries} entries`);
  }
  // the submissions, over days 0 … 29
  const submission = (i: number, token: Address, amount: bigint) => ({
    strategiesAndMultipliers: setStrategies(i).map((strategy) => ({ strategy, multiplier: dec(WAD) })),
    token,
    amount: dec(amount),
    startTimestamp: dec(T0),
    duration: dec(BigInt(DAYS) * DAY),
  });
  const fund = async (who: Address, token: Address, amount: bigint) =>
    b.tx(ADMIN, "mint", { token, to: who, amount: dec(amount) });
  for (let i = 0; i < AVSS; i++) {
    const token = REWARDS[i % 2]!;
    await fund(AVS[i]!, token, 60_000n * WAD);
    await b.tx(AVS[i]!, "createAVSRewardsSubmission", { rewardsSubmissions: [submission(i, token, 30_000n * WAD)] });
    if (i < 10) {
      await b.tx(AVS[i]!, i < 5 ? "createUniqueStakeRewardsSubmission" : "createTotalStakeRewardsSubmission", {
        avs: AVS[i]!,
        operatorSetId: "0",
        rewardsSubmissions: [submission(i, token, 30_000n * WAD)],
      });
    }
  }
  await fund(RFA, REWARDS[0]!, 90_000n * WAD);
  await b.tx(RFA, "createRewardsForAllEarners", {
    rewardsSubmissions: [
      {
        ...submission(0, REWARDS[0]!, 90_000n * WAD),
        strategiesAndMultipliers: [...STRATEGIES].sort().map((strategy) => ({ strategy, multiplier: dec(WAD) })),
      },
    ],
  });
  // 30 days of activity
  const queued = new Map<number, string[]>(); // day → withdrawal roots queued that day, by staker index
  const queuedBy = new Map<string, Address>();
  const deregistered = new Set<number>();
  for (let d = 1; d <= DAYS; d++) {
    b.at(T0 + BigInt(d) * DAY + 600n);
    const step = () => {
      b.block += 1n;
    };
    for (let n = 0; n < DEPOSITS_PER_DAY; n++) {
      const k = pick(STAKERS);
      const amount = dec(BigInt(1 + pick(8)) * WAD);
      await b.tx(ADMIN, "mint", { token: TOKENS[stakerStrategy(k)]!, to: staker(k), amount });
      await b.tx(staker(k), "depositIntoStrategy", { strategy: STRATEGIES[stakerStrategy(k)]!, amount });
      if (n % 3 === 0) step();
    }
    const roots: string[] = [];
    for (let n = 0; n < QUEUES_PER_DAY; n++) {
      const k = pick(STAKERS);
      const who = staker(k);
      const strategy = STRATEGIES[stakerStrategy(k)]!;
      const shares = b.s.depositShares.get(`${who}|${strategy}`) ?? 0n;
      if (shares < 2n) continue;
      const r = await b.tx(who, "queueWithdrawals", {
        params: [{ strategies: [strategy], depositShares: [dec(shares / 2n)] }],
      });
      for (const root of r.withdrawalRoots as string[]) {
        roots.push(root);
        queuedBy.set(root, who);
      }
      step();
    }
    queued.set(d, roots);
    for (const root of queued.get(d - 3) ?? []) {
      const who = queuedBy.get(root)!;
      if (!b.s.withdrawals.has(root)) continue;
      await b.tx(who, "completeQueuedWithdrawal", { withdrawalRoot: root, receiveAsTokens: false });
      queuedBy.delete(root);
      step();
    }
    queued.delete(d - 3);
    for (let n = 0; n < REDELEGATIONS_PER_DAY; n++) {
      const k = pick(STAKERS);
      const who = staker(k);
      const rec = b.s.stakers.get(who);
      if (rec?.delegatedTo === null || rec === undefined) continue;
      await b.tx(who, "redelegate", { operator: OPS[(OPS.indexOf(rec.delegatedTo) + 1 + pick(5)) % OPERATORS]! });
      step();
    }
    b.at(T0 + BigInt(d) * DAY + 12n * 3600n);
    for (let m = 0; m < 4; m++) {
      const j = (d * 4 + m) % OPERATORS;
      const i = avsOf(j)[0]!;
      if (deregistered.has(j)) continue;
      const current = b.s.allocations.get(`${OPS[j]}|${AVS[i]}/0|${setStrategies(i)[0]}`);
      if (current !== undefined && current.pendingDiff !== 0n) continue;
      const target = d % 2 === 0 ? (4n * WAD) / 10n : (2n * WAD) / 10n;
      if (current?.currentMagnitude === target) continue;
      await b.tx(OPS[j]!, "modifyAllocations", {
        operator: OPS[j]!,
        allocations: [
          {
            avs: AVS[i]!,
            operatorSetId: "0",
            strategies: setStrategies(i),
            newMagnitudes: setStrategies(i).map(() => dec(target)),
          },
        ],
      });
      step();
    }
    const gone = (d * 37) % OPERATORS;
    if (!deregistered.has(gone)) {
      deregistered.add(gone);
      await b.tx(OPS[gone]!, "deregisterFromOperatorSets", {
        operator: OPS[gone]!,
        avs: AVS[avsOf(gone)[1]!]!,
        operatorSetIds: ["0"],
      });
    }
    if (d % 5 === 0) {
      const j = (d * 13) % OPERATORS;
      const i = avsOf(j)[0]!;
      await b.tx(AVS[i]!, "slashOperator", {
        avs: AVS[i]!,
        operator: OPS[j]!,
        operatorSetId: "0",
        strategies: setStrategies(i),
        wadsToSlash: setStrategies(i).map(() => dec(WAD / 10n)),
      });
    }
    if (d === 1) {
      for (let j = 0; j < 20; j++) {
        await b.tx(OPS[j]!, "setOperatorAVSSplit", { operator: OPS[j]!, avs: AVS[avsOf(j)[0]!]!, split: "2000" });
        await b.tx(OPS[j + 20]!, "setOperatorPISplit", { operator: OPS[j + 20]!, split: "500" });
        const i = avsOf(j + 40)[0]!;
        await b.tx(OPS[j + 40]!, "setOperatorSetSplit", {
          operator: OPS[j + 40]!,
          avs: AVS[i]!,
          operatorSetId: "0",
          split: "3000",
        });
      }
    }
    if (d === DAYS) {
      // operator-directed, strictly retroactive: days 0 … 28
      for (let i = 10; i < 16; i++) {
        const members = OPS.filter((_, j) => avsOf(j).includes(i));
        const outsider = OPS.find((_, j) => !avsOf(j).includes(i))!;
        const operatorRewards = [...members, outsider]
          .sort()
          .map((operator) => ({ operator, amount: dec(1000n * WAD) }));
        const total = 1000n * WAD * BigInt(operatorRewards.length);
        const token = REWARDS[i % 2]!;
        await fund(AVS[i]!, token, total);
        const od = {
          strategiesAndMultipliers: setStrategies(i).map((strategy) => ({ strategy, multiplier: dec(WAD) })),
          token,
          operatorRewards,
          startTimestamp: dec(T0),
          duration: dec(BigInt(DAYS - 1) * DAY),
        };
        if (i < 15) {
          await b.tx(AVS[i]!, "createOperatorDirectedOperatorSetRewardsSubmission", {
            avs: AVS[i]!,
            operatorSetId: "0",
            operatorDirectedRewardsSubmissions: [od],
          });
        } else {
          await b.tx(AVS[i]!, "createOperatorDirectedAVSRewardsSubmission", {
            avs: AVS[i]!,
            operatorDirectedRewardsSubmissions: [od],
          });
        }
      }
    }
    if (d % 10 === 0) progress(`  day ${d}: ${b.entries.toLocaleString("en-US")} entries`);
  }
  b.at(CUTOFF + 3600n);
  await b.tx(ADMIN, "mint", { token: TOKENS[0]!, to: ADMIN, amount: "1" });
  await b.flush();
  return { entries: b.entries, seconds: (performance.now() - t0) / 1000 };
}

/* ------------------------------------------------------------------ the measurement (child process) */

async function readAll(store: EventStore): Promise<number> {
  let n = 0;
  for (let from = 1; ; ) {
    const batch = await store.read(from, 1000);
    if (batch.length === 0) return n;
    n += batch.length;
    from = batch[batch.length - 1]!.seq + 1;
  }
}

const mb = (bytes: number) => round(bytes / 1e6, 4);
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function measure(db: string): Promise<Figures> {
  const store = await openStore({ db });
  try {
    const heap0 = process.memoryUsage().heapUsed;
    let t = performance.now();
    let c = cpu();
    const rows = await readAll(store);
    const read1 = (performance.now() - t) / 1000;
    const readCpu = cpu() - c;
    const rssAfterRead = process.resourceUsage().maxRSS * 1024;
    progress(`bare pass: ${rows.toLocaleString("en-US")} rows in ${read1.toFixed(1)} s`);
    const phases: Record<string, { maxRss: number; heap: number }> = {};
    t = performance.now();
    c = cpu();
    const run = await rewardsFromLog(benchLedgerOptions(store), {
      cutoff: CUTOFF,
      onPhase: (phase) => {
        phases[phase] = { maxRss: process.resourceUsage().maxRSS * 1024, heap: process.memoryUsage().heapUsed };
      },
    });
    const rewardsS = (performance.now() - t) / 1000;
    const rewardsCpu = cpu() - c;
    const heapAfter = process.memoryUsage().heapUsed;
    const peakRss = process.resourceUsage().maxRSS * 1024;
    progress(
      `rewards: ${rewardsS.toFixed(1)} s (replay ${run.seconds.replay.toFixed(1)}, calculation ${run.seconds.calculate.toFixed(1)}, Merkle ${run.seconds.merkle.toFixed(1)}), root ${run.root}`,
    );
    let leaves = 0;
    for (const byToken of run.cumulative.values()) leaves += byToken.size;
    const subs = run.submissions;
    const paid = subs.reduce((a, s) => a + s.toStakers + s.toOperators + s.refunded, 0n);
    const submitted = subs.reduce((a, s) => a + s.amount, 0n);
    const read = read1;
    return {
      stakers: STAKERS,
      operators: OPERATORS,
      avss: AVSS,
      snapshot_days: run.snapshotDays,
      log_entries: rows,
      entries_replayed: run.entries,
      submissions: subs.length,
      earners: run.cumulative.size,
      leaves,
      paid_of_submitted: round(Number((paid * 1_000_000n) / submitted) / 1e6, 6),
      root: run.root,
      rewards_s: round(rewardsS, 4),
      replay_with_snapshots_s: round(run.seconds.replay, 4),
      calculation_s: round(run.seconds.calculate, 4),
      merkle_s: round(run.seconds.merkle, 4),
      bare_read_s: round(read, 4),
      ratio: round(rewardsS / read, 3),
      rewards_cpu_s: round(rewardsCpu, 4),
      replay_cpu_s: round(run.cpuSeconds.replay, 4),
      calculation_cpu_s: round(run.cpuSeconds.calculate, 4),
      merkle_cpu_s: round(run.cpuSeconds.merkle, 4),
      bare_read_cpu_s: round(readCpu, 4),
      cpu_ratio: round(rewardsCpu / readCpu, 3),
      peak_rss_mb: mb(peakRss),
      max_rss_after_bare_read_mb: mb(rssAfterRead),
      max_rss_after_replay_mb: mb(phases.replayed?.maxRss ?? 0),
      max_rss_after_calculation_mb: mb(phases.calculated?.maxRss ?? 0),
      heap_used_after_replay_mb: mb(phases.replayed?.heap ?? 0),
      heap_used_after_calculation_mb: mb(phases.calculated?.heap ?? 0),
      heap_used_end_mb: mb(heapAfter),
      heap_used_start_mb: mb(heap0),
    };
  } finally {
    await store.close();
  }
}

/** Runs the measurement in a child process (this file, `--measure <db>`); returns its JSON line. */
function measureInChild(db: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--max-old-space-size=16384", ...process.execArgv, fileURLToPath(import.meta.url), "--measure", db],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("close", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) reject(new Error(`measurement child exited with ${code}`));
      else resolve(JSON.parse(last) as Figures);
    });
  });
}

export async function run(): Promise<Figures> {
  const loadStart = loadavg()[0]!;
  const target = await freshTarget("sqlite", "rewards");
  try {
    const store = await openStore({ db: target.db });
    let built: { entries: number; seconds: number };
    try {
      progress(`building the log in ${target.db}`);
      built = await build(store);
    } finally {
      await store.close();
    }
    progress(`built ${built.entries.toLocaleString("en-US")} entries in ${built.seconds.toFixed(1)} s; measuring`);
    const figures = await measureInChild(target.db);
    return {
      ...figures,
      build_s: round(built.seconds, 4),
      load_1m_start: round(loadStart, 3),
      load_1m_end: round(loadavg()[0]!, 3),
    };
  } finally {
    await target.cleanup();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--measure") {
  const figures = await measure(process.argv[3]!);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
