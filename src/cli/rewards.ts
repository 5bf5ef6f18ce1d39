import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Address } from "../core/eigenlayer/state.ts";
import type { Earnings, PayoutRow } from "../rewards/calculate.ts";
import type { LogRewardsRun } from "../rewards/run.ts";
import { DAY, formatDay, parseDay } from "../rewards/time.ts";
import type { EventStore } from "../store/types.ts";
import type { ProtocolFlags, StoreFlags } from "./common.ts";

/**
 * `restake rewards calculate|proof`. Registered from commands.ts; like every command, the implementation loads the
 * node, the store drivers and the engine only when it runs (dynamic imports), so `--help` stays light.
 */

export function registerRewardsCommands(program: Command, withStoreOptions: (cmd: Command) => Command): void {
  const rewards = program
    .command("rewards")
    .description("the off-chain daily rewards calculation (the Sidecar's role): distribution roots and claim proofs");
  withStoreOptions(
    rewards
      .command("calculate")
      .description(
        "replay the log up to a cutoff, compute every submission's daily payouts and print the distribution root",
      )
      .requiredOption(
        "--until <YYYY-MM-DD|unix>",
        "cutoff, exclusive: the snapshot days before it are included (unix seconds are rounded down to 00:00 UTC)",
      )
      .option("--previous <file>", "the --json output of an earlier run: fail if any cumulative amount decreased")
      .option("--full-recompute", "re-read every staker at every snapshot instead of the touched ones (a cross-check)")
      .option("--json", "print everything: submissions, cumulative earnings, every payout row")
      .addHelpText(
        "after",
        `
Snapshot day d is the state after every log entry before d 00:00 UTC; deregistrations and allocation decreases during
day d already count on it. A submission [start, start + duration) pays on the snapshot days start + 1 … start +
duration. The log must reach the cutoff. rewardsCalculationEndTimestamp (to pass to submitRoot) is the cutoff − 1 day.`,
      ),
  ).action(async (flags: RewardsFlags) => {
    await rewardsCalculateCommand(flags);
  });
  withStoreOptions(
    rewards
      .command("proof")
      .description("print the RewardsMerkleClaim (proofs and leaves) of an earner against a submitted root")
      .argument("<earner>", "the earner's address")
      .option("--until <YYYY-MM-DD|unix>", "cutoff of the distribution (default: that of the chosen root)")
      .option(
        "--root-index <n>",
        "the distribution root to claim against (default: the one matching --until, else the newest)",
      ),
  ).action(async (earner: string, flags: RewardsFlags) => {
    await rewardsProofCommand(earner, flags);
  });
}

/** The modules the commands need, loaded when one runs. */
async function load() {
  const [common, config, ledger, run, merkle, coordinator] = await Promise.all([
    import("./common.ts"),
    import("../node/config.ts"),
    import("../node/ledger.ts"),
    import("../rewards/run.ts"),
    import("../core/eigenlayer/merkle.ts"),
    import("../core/eigenlayer/rewardsCoordinator.ts"),
  ]);
  return { ...common, ...config, ...ledger, ...run, ...merkle, ...coordinator };
}

type Modules = Awaited<ReturnType<typeof load>>;

export type RewardsFlags = StoreFlags &
  ProtocolFlags & { until?: string; json?: boolean; previous?: string; rootIndex?: string; fullRecompute?: boolean };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

async function withStore<T>(m: Modules, flags: StoreFlags, fn: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await m.openStoreFrom(flags);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Earnings from the JSON of an earlier `rewards calculate --json`. */
function readPrevious(path: string): Earnings {
  const doc = JSON.parse(readFileSync(path, "utf8")) as {
    earnings?: { earner: string; token: string; amount: string }[];
  };
  if (!Array.isArray(doc.earnings)) throw new Error(`${path}: no "earnings" array (expected rewards calculate --json)`);
  const out: Earnings = new Map();
  for (const e of doc.earnings) {
    const earner = e.earner.toLowerCase() as Address;
    const byToken = out.get(earner) ?? new Map<Address, bigint>();
    byToken.set(e.token.toLowerCase() as Address, BigInt(e.amount));
    out.set(earner, byToken);
  }
  return out;
}

async function calculate(
  m: Modules,
  store: EventStore,
  flags: RewardsFlags,
  cutoff: bigint,
  onRow?: (row: PayoutRow) => void,
): Promise<LogRewardsRun> {
  const config = await m.storeConfig(store, flags as Record<string, unknown>);
  const bar = m.progressBar("rewards replay", await store.head());
  try {
    return await m.rewardsFromLog(m.ledgerOptions(config, store), {
      cutoff,
      onRow,
      previous: flags.previous === undefined ? undefined : readPrevious(flags.previous),
      fullRecompute: flags.fullRecompute,
      onEntry: (e) => bar.update(e.seq),
    });
  } finally {
    bar.stop();
  }
}

function earningsList(cumulative: Earnings): { earner: Address; token: Address; amount: bigint }[] {
  const out: { earner: Address; token: Address; amount: bigint }[] = [];
  for (const earner of [...cumulative.keys()].sort()) {
    const byToken = cumulative.get(earner)!;
    for (const token of [...byToken.keys()].sort()) out.push({ earner, token, amount: byToken.get(token)! });
  }
  return out;
}

export async function rewardsCalculateCommand(flags: RewardsFlags): Promise<void> {
  const m = await load();
  try {
    const cutoff = parseDay(flags.until ?? "");
    await withStore(m, flags, async (store) => {
      // --json reports every payout row, summed per (snapshot, earner, token, kind, submission)
      const rows = new Map<string, PayoutRow>();
      const onRow = flags.json
        ? (r: PayoutRow) => {
            const key = `${r.snapshot}|${r.earner}|${r.token}|${r.kind}|${r.submission}`;
            const prev = rows.get(key);
            if (prev === undefined) rows.set(key, { ...r });
            else prev.amount += r.amount;
          }
        : undefined;
      const run = await calculate(m, store, flags, cutoff, onRow);
      const earnings = earningsList(run.cumulative);
      if (flags.json) {
        m.printJson({
          cutoff: run.cutoff,
          cutoffDate: formatDay(run.cutoff),
          rewardsCalculationEndTimestamp: run.rewardsCalculationEndTimestamp,
          root: run.root,
          entriesReplayed: run.entries,
          snapshotDays: run.snapshotDays,
          submissions: run.submissions,
          earnings,
          rows: [...rows.values()].map((r) => ({ ...r, date: formatDay(r.snapshot) })),
        });
        return;
      }
      const tokens = new Set(earnings.map((e) => e.token));
      console.log(`cutoff                          ${formatDay(cutoff)} 00:00 UTC (exclusive)`);
      console.log(
        `rewardsCalculationEndTimestamp  ${run.rewardsCalculationEndTimestamp} (${formatDay(run.rewardsCalculationEndTimestamp)}, the last snapshot)`,
      );
      console.log(`root                            ${run.root}`);
      console.log(
        `earners                         ${run.cumulative.size} (${tokens.size} tokens, ${earnings.length} leaves)`,
      );
      console.log(`log entries replayed            ${run.entries}`);
      console.log(`submissions                     ${run.submissions.length}`);
      for (const s of run.submissions) {
        console.log(
          `  ${s.hash} ${s.kind.padEnd(27)} amount ${s.amount}: stakers ${s.toStakers}, operators ${s.toOperators}, refunded ${s.refunded} over ${s.snapshots} snapshots`,
        );
      }
    });
  } catch (e) {
    m.reportError(e);
  }
}

/**
 * The claim for `earner` against a distribution root. Which root: `--root-index N` (its end timestamp gives the
 * cutoff unless --until is given, and the recomputed root must equal it); else `--until` (the recomputed root must
 * have been submitted; the newest matching index is used); else the newest submitted root.
 */
export async function rewardsProofCommand(earnerArg: string, flags: RewardsFlags): Promise<void> {
  const m = await load();
  try {
    if (!ADDRESS.test(earnerArg))
      throw new Error(`earner must be a 20-byte hex address, got ${JSON.stringify(earnerArg)}`);
    const earner = earnerArg.toLowerCase() as Address;
    await withStore(m, flags, async (store) => {
      const config = await m.storeConfig(store, flags as Record<string, unknown>);
      const head = await m.Ledger.open(m.ledgerOptions(config, store));
      const roots = m.distributionRoots(head.state);
      let index: number | undefined;
      if (flags.rootIndex !== undefined) {
        if (!/^\d+$/.test(flags.rootIndex)) throw new Error("--root-index must be a non-negative integer");
        index = Number(flags.rootIndex);
        if (index >= roots.length) throw new Error(`there are ${roots.length} distribution roots; no index ${index}`);
      } else if (flags.until === undefined) {
        if (roots.length === 0) throw new Error("no distribution root has been submitted; pass --until");
        index = roots.length - 1;
      }
      const cutoff =
        flags.until !== undefined ? parseDay(flags.until) : roots[index!]!.rewardsCalculationEndTimestamp + DAY;
      const run = await calculate(m, store, flags, cutoff);
      if (index === undefined) {
        for (let i = roots.length - 1; i >= 0; i--) {
          if (roots[i]!.root.toLowerCase() === run.root.toLowerCase()) {
            index = i;
            break;
          }
        }
        if (index === undefined) {
          throw new Error(
            `the distribution up to ${formatDay(cutoff)} (root ${run.root}) has not been submitted; submit it with submitRoot first`,
          );
        }
      } else if (roots[index]!.root.toLowerCase() !== run.root.toLowerCase()) {
        throw new Error(
          `root ${index} is ${roots[index]!.root}, but the calculation up to ${formatDay(cutoff)} gives ${run.root}`,
        );
      }
      if (!run.cumulative.has(earner)) throw new Error(`${earner} has no earnings in this distribution`);
      m.printJson(m.claimFor(run.distribution(), earner, index));
    });
  } catch (e) {
    m.reportError(e);
  }
}
