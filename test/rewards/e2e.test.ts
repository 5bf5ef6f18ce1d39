import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../soak/lib.ts";
import { claimFor } from "../../src/core/eigenlayer/merkle.ts";
import { GENESIS } from "../../src/node/clock.ts";
import { configForStore, ledgerOptions, type NodeConfig } from "../../src/node/config.ts";
import { accountOf, devKey } from "../../src/node/keys.ts";
import { Ledger, type Outcome } from "../../src/node/ledger.ts";
import { signTx } from "../../src/node/tx.ts";
import { type LogRewardsRun, rewardsFromLog } from "../../src/rewards/run.ts";
import { DAY, formatDay } from "../../src/rewards/time.ts";
import { openStore } from "../../src/store/index.ts";
import type { EventStore } from "../../src/store/types.ts";
import { account, addr } from "../node/ledgerHarness.ts";

/**
 * End to end through the node: a ledger on a temp SQLite store with a manual clock, every step a signed
 * transaction; the calculation replays that log; the rewards updater posts the root; after the activation delay the
 * earners claim with proofs from claimFor (and from the CLI), and are paid exactly their cumulative earnings.
 */

const run = promisify(execFile);
const BIN = join(REPO_ROOT, "bin/restake.mjs");

const admin = accountOf(devKey("admin"));
const staker = account("rewards-staker");
const staker2 = account("rewards-staker-2");
const operator = account("rewards-operator");
const avs = account("rewards-avs");
const TOKEN = "0x00000000000000000000000000000000000000a1";
const STRATEGY = "0x00000000000000000000000000000000000000b1";
const REWARD = "0x00000000000000000000000000000000000000c1";
const WAD = 10n ** 18n;
const BLOCKS_PER_DAY = DAY / 12n;

let dir: string;
let db: string;
let store: EventStore;
let config: NodeConfig;
let ledger: Ledger;

async function send(who: PrivateKeyAccount, command: string, params: Record<string, unknown>): Promise<Outcome> {
  const tx = await signTx(
    who,
    { chainId: config.chainId, deployment: config.deployment },
    {
      nonce: ledger.nonceOf(addr(who)),
      deadline: 4_000_000_000n,
      command,
      params,
    },
  );
  return ledger.submit(tx);
}

async function ok(who: PrivateKeyAccount, command: string, params: Record<string, unknown>): Promise<Outcome> {
  const out = await send(who, command, params);
  if (out.status !== "accepted") throw new Error(`${command}: ${out.code} ${out.message}`);
  return out;
}

const wire = (v: unknown): Record<string, unknown> =>
  JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

const balance = (holder: PrivateKeyAccount) => ledger.state.balances.get(`${REWARD}|${addr(holder)}`) ?? 0n;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args, "--db", db], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: "" },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "restake-rewards-"));
  db = join(dir, "restake.db");
  store = await openStore({ db });
  // the settings `serve --manual-clock --delays demo` would store, so that the CLI reads the same protocol
  config = await configForStore(store, { manualClock: true, delays: "demo" }, { persist: true });
  ledger = await Ledger.open(ledgerOptions(config, store));
  // day 0 (2026-01-01): a token and strategy, an AVS with set 1, an operator in it, two stakers (1 and 3 tokens)
  await ok(admin, "createToken", { token: TOKEN, symbol: "stETH", decimals: 18 });
  await ok(admin, "addStrategy", { strategy: STRATEGY, token: TOKEN });
  await ok(admin, "createToken", { token: REWARD, symbol: "RWD", decimals: 18 });
  await ok(operator, "registerAsOperator", { allocationDelay: "0" });
  await ok(avs, "updateAVSMetadataURI", { avs: addr(avs), metadataURI: "ipfs://avs" });
  await ok(avs, "createOperatorSets", {
    avs: addr(avs),
    operatorSets: [{ operatorSetId: "1", strategies: [STRATEGY] }],
  });
  await ok(operator, "registerForOperatorSets", {
    operator: addr(operator),
    avs: addr(avs),
    operatorSetIds: ["1"],
  });
  for (const [who, amount] of [
    [staker, 1n * WAD],
    [staker2, 3n * WAD],
  ] as const) {
    await ok(admin, "mint", { token: TOKEN, to: addr(who), amount: amount.toString() });
    await ok(who, "depositIntoStrategy", { strategy: STRATEGY, amount: amount.toString() });
    await ok(who, "delegateTo", { operator: addr(operator) });
  }
  // 1000 RWD over days 0–1: 500 per snapshot (days 1 and 2)
  await ok(admin, "mint", { token: REWARD, to: addr(avs), amount: (1000n * WAD).toString() });
  await ok(avs, "createAVSRewardsSubmission", {
    rewardsSubmissions: [
      {
        strategiesAndMultipliers: [{ strategy: STRATEGY, multiplier: WAD.toString() }],
        token: REWARD,
        amount: (1000n * WAD).toString(),
        startTimestamp: GENESIS.timestamp.toString(),
        duration: (2n * DAY).toString(),
      },
    ],
  });
  // three days later: snapshot days 1 and 2 are final
  await ok(admin, "advanceClock", { blocks: (3n * BLOCKS_PER_DAY).toString() });
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("rewards end to end", () => {
  let result: LogRewardsRun;
  const cutoff = GENESIS.timestamp + 3n * DAY;

  it("calculates over the replayed log", async () => {
    result = await rewardsFromLog(ledgerOptions(config, store), { cutoff });
    expect(result.rewardsCalculationEndTimestamp).toBe(GENESIS.timestamp + 2n * DAY);
    // per snapshot: 500 RWD; the stakers' proportions are exactly 1/4 and 3/4; the operator takes 10 %
    expect(result.cumulative.get(addr(staker))?.get(REWARD)).toBe(2n * (125n * WAD - (125n * WAD) / 10n));
    expect(result.cumulative.get(addr(staker2))?.get(REWARD)).toBe(2n * (375n * WAD - (375n * WAD) / 10n));
    expect(result.cumulative.get(addr(operator))?.get(REWARD)).toBe(2n * 50n * WAD);
    // the CLI computes the same root from the same database
    const cliOut = await cli(["rewards", "calculate", "--until", formatDay(cutoff), "--json"]);
    expect(cliOut.code, cliOut.stderr).toBe(0);
    const doc = JSON.parse(cliOut.stdout) as { root: string; earnings: unknown[]; rows: unknown[] };
    expect(doc.root).toBe(result.root);
    expect(doc.earnings).toHaveLength(3);
    expect(doc.rows.length).toBeGreaterThan(0);
  });

  it("a claim with the proof from claimFor pays exactly the cumulative amount, once", async () => {
    const posted = await ok(admin, "submitRoot", {
      root: result.root,
      rewardsCalculationEndTimestamp: result.rewardsCalculationEndTimestamp.toString(),
    });
    expect(posted.status === "accepted" && posted.result.rootIndex).toBe(0n);
    // a claim before activation fails
    const early = await send(staker, "processClaim", {
      claim: wire(claimFor(result.distribution(), addr(staker), 0)),
      recipient: addr(staker),
    });
    expect(early.status === "rejected" && early.code).toBe("RootNotActivated");
    // past the activation delay (7 days)
    await ok(admin, "advanceClock", { blocks: (7n * BLOCKS_PER_DAY + 1n).toString() });
    const before = balance(staker);
    await ok(staker, "processClaim", {
      claim: wire(claimFor(result.distribution(), addr(staker), 0)),
      recipient: addr(staker),
    });
    expect(balance(staker) - before).toBe(result.cumulative.get(addr(staker))!.get(REWARD)!);
    // the same root again: nothing more to claim
    const again = await send(staker, "processClaim", {
      claim: wire(claimFor(result.distribution(), addr(staker), 0)),
      recipient: addr(staker),
    });
    expect(again.status === "rejected" && again.code).toBe("EarningsNotGreaterThanClaimed");
  });

  it("the CLI's proof for the operator is accepted by processClaim", async () => {
    const out = await cli(["rewards", "proof", addr(operator)]);
    expect(out.code, out.stderr).toBe(0);
    const claim = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(claim.rootIndex).toBe("0");
    const before = balance(operator);
    await ok(operator, "processClaim", { claim, recipient: addr(operator) });
    expect(balance(operator) - before).toBe(100n * WAD);
    // an earner with nothing is refused, with a message
    const none = await cli(["rewards", "proof", addr(avs)]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no earnings/);
  });

  it("refuses a cutoff the log has not reached, and a decrease against an earlier run", async () => {
    const late = await cli(["rewards", "calculate", "--until", formatDay(GENESIS.timestamp + 400n * DAY)]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/final only once the log/);
    const previous = join(dir, "previous.json");
    writeFileSync(
      previous,
      JSON.stringify({ earnings: [{ earner: addr(staker), token: REWARD, amount: (10n ** 30n).toString() }] }),
    );
    const dec = await cli(["rewards", "calculate", "--until", formatDay(cutoff), "--previous", previous]);
    expect(dec.code).toBe(1);
    expect(dec.stderr).toMatch(/cumulative earnings decreased/);
  });
});
