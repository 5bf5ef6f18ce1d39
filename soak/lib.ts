import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type { Address } from "../src/core/eigenlayer/state.ts";
import { accountOf, devKey, type KeyFile } from "../src/node/keys.ts";
import { type SignedTx, signTx, type TxDomain } from "../src/node/tx.ts";
import { prng } from "../src/sim/prng.ts";

/**
 * Crash-recovery soak: a load generator submits signed transactions over HTTP to a real node process while the
 * process is killed with SIGKILL at random (seeded) moments and restarted. Afterwards:
 * - every transaction the node answered 200 for is in the log, at the seq its receipt named (lost = 0);
 * - each sender's nonces in the log are exactly 0, 1, 2, … (nothing applied twice, no gaps);
 * - after every restart the node's nonce for each sender is past every acknowledged nonce;
 * - the node shuts down cleanly on SIGTERM (snapshot on shutdown) and `restake verify` passes.
 * Used by test/node/crash.test.ts (a few kills) and soak/run.ts (`npm run soak`, the full run).
 */

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface SoakOptions {
  kills: number;
  seed: number;
  /** SQLite path or postgres:// URL */
  db: string;
  pgSchema?: string;
  /** concurrent senders besides the admin */
  senders?: number;
  /** how long the node runs before a kill, in ms (uniform) */
  upMs?: [number, number];
  /** share of kills that land during startup (before the node answers), after the first start */
  startupKillShare?: number;
  /** seed the demo network on the first start */
  demo?: boolean;
  /** snapshot interval passed to the node (small, so kills also land around snapshots) */
  snapshotEvery?: number;
  log?: (line: string) => void;
  onProgress?: (done: number, total: number, acked: number) => void;
}

export interface SoakReport {
  kills: number;
  startupKills: number;
  restarts: number;
  acknowledged: number;
  /** transactions logged whose response was lost in a kill */
  loggedUnacknowledged: number;
  /** requests that failed because the node died (outcome unknown until the next start) */
  interrupted: number;
  rejected: Record<string, number>;
  logEntries: number;
  lost: number;
  duplicates: number;
  gaps: number;
  nonceRegressions: number;
  cleanShutdown: boolean;
  verify: { ok: boolean; hash: string; seq: number; exitCode: number | null; report?: unknown };
  seconds: number;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, "close");
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A node process in its own process group, so SIGKILL takes down everything it started. */
class NodeProcess {
  child: ChildProcess | null = null;
  output = "";
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(private readonly args: string[]) {}

  start(): void {
    this.output = "";
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...this.args], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DATABASE_URL: "" },
    });
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(signal === null ? code : -1)));
    this.child = child;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (child?.pid === undefined) return null;
    if (this.alive) {
      try {
        process.kill(signal === "SIGKILL" ? -child.pid : child.pid, signal);
      } catch {
        // already gone
      }
    }
    return this.exited;
  }

  wait(): Promise<number | null> {
    return this.exited;
  }
}

interface Acked {
  sender: Address;
  nonce: bigint;
  txHash: string;
  seq: number;
}

async function getJson<T>(base: string, path: string, timeoutMs = 2000): Promise<T> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Load: per-sender sequential submissions, senders concurrent; survives the node going away and coming back. */
class LoadGenerator {
  readonly acked: Acked[] = [];
  interrupted = 0;
  readonly rejected: Record<string, number> = {};
  private stopped = false;
  private up = false;
  private upWaiters: (() => void)[] = [];
  private loops: Promise<void>[] = [];

  constructor(
    private readonly base: string,
    private readonly domain: TxDomain,
    private readonly admin: KeyFile,
    private readonly senders: KeyFile[],
    private readonly token: Address,
    private readonly strategy: Address,
    private readonly rand: () => number,
  ) {}

  setUp(up: boolean): void {
    this.up = up;
    if (up) for (const w of this.upWaiters.splice(0)) w();
  }

  private waitUp(): Promise<void> {
    if (this.up || this.stopped) return Promise.resolve();
    return new Promise((r) => this.upWaiters.push(r));
  }

  start(): void {
    this.loops = [this.loop(this.admin, true), ...this.senders.map((s) => this.loop(s, false))];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.setUp(true);
    await Promise.all(this.loops);
  }

  private nextCall(key: KeyFile, isAdmin: boolean): [string, Record<string, unknown>] {
    const r = this.rand();
    if (isAdmin) {
      if (r < 0.1) return ["advanceClock", { blocks: String(1 + Math.floor(this.rand() * 5)) }];
      const to = this.senders[Math.floor(this.rand() * this.senders.length)]!.address;
      return [
        "mint",
        { token: this.token, to, amount: String(10n ** 18n * BigInt(1 + Math.floor(this.rand() * 100))) },
      ];
    }
    if (r < 0.4) {
      const to = this.senders[Math.floor(this.rand() * this.senders.length)]!.address;
      return ["transfer", { token: this.token, to, amount: String(1 + Math.floor(this.rand() * 1000)) }];
    }
    if (r < 0.75) {
      return [
        "depositIntoStrategy",
        { strategy: this.strategy, amount: String(10n ** 12n * BigInt(1 + Math.floor(this.rand() * 1000))) },
      ];
    }
    return [
      "updateAVSMetadataURI",
      { avs: key.address, metadataURI: `https://soak.restake.dev/${key.name}/${Math.floor(this.rand() * 1e9)}` },
    ];
  }

  private async loop(key: KeyFile, isAdmin: boolean): Promise<void> {
    const account = accountOf(key);
    let nonce: bigint | null = null;
    while (!this.stopped) {
      await this.waitUp();
      if (this.stopped) return;
      try {
        if (nonce === null)
          nonce = BigInt((await getJson<{ nonce: string }>(this.base, `/api/nonces/${key.address}`)).nonce);
        const [command, params] = this.nextCall(key, isAdmin);
        const tx: SignedTx = await signTx(account, this.domain, { nonce, deadline: 1n << 60n, command, params });
        const res = await fetch(`${this.base}/api/tx`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(tx),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await res.json()) as { seq?: number; txHash?: string; code?: string };
        if (res.status === 200) {
          this.acked.push({ sender: key.address, nonce, txHash: body.txHash!, seq: body.seq! });
          nonce++;
        } else {
          this.rejected[body.code ?? String(res.status)] = (this.rejected[body.code ?? String(res.status)] ?? 0) + 1;
          nonce = null;
          if (res.status >= 500) await sleep(20);
        }
      } catch {
        // the node died under us (or is starting): the outcome is unknown until it is back
        this.interrupted++;
        nonce = null;
        await sleep(20);
      }
    }
  }
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const rand = prng(opts.seed);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const storeArgs = ["--db", opts.db, ...(opts.pgSchema !== undefined ? ["--pg-schema", opts.pgSchema] : [])];
  const serveArgs = [
    "serve",
    ...storeArgs,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--manual-clock",
    "--rate-limit",
    "0",
    "--snapshot-every",
    String(opts.snapshotEvery ?? 200),
    "--log-level",
    "warn",
  ];
  const node = new NodeProcess([...serveArgs, ...(opts.demo ? ["--demo"] : [])]);
  const [upMin, upMax] = opts.upMs ?? [300, 1500];
  const report: SoakReport = {
    kills: 0,
    startupKills: 0,
    restarts: 0,
    acknowledged: 0,
    loggedUnacknowledged: 0,
    interrupted: 0,
    rejected: {},
    logEntries: 0,
    lost: 0,
    duplicates: 0,
    gaps: 0,
    nonceRegressions: 0,
    cleanShutdown: false,
    verify: { ok: false, hash: "", seq: 0, exitCode: null },
    seconds: 0,
  };

  const waitHealthy = async (timeoutMs = 60_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!node.alive) throw new Error(`the node exited during startup:\n${node.output}`);
      try {
        await getJson(base, "/api/health", 500);
        return;
      } catch {
        await sleep(25);
      }
    }
    throw new Error(`the node did not become healthy in ${timeoutMs} ms:\n${node.output}`);
  };

  let load: LoadGenerator | null = null;
  try {
    node.start();
    await waitHealthy();
    const params = await getJson<{ eip712Domain: { chainId: string; verifyingContract: Address } }>(
      base,
      "/api/params",
    );
    const domain: TxDomain = {
      chainId: BigInt(params.eip712Domain.chainId),
      deployment: params.eip712Domain.verifyingContract,
    };
    const admin = devKey("admin");
    const senders = Array.from({ length: opts.senders ?? 6 }, (_, i) => devKey(`soak-${i}`));
    const token = `0x${"50a6".repeat(10)}` as Address;
    const strategy = `0x${"57a7".repeat(10)}` as Address;

    // what was there before the soak (the demo network) is not the load generator's
    const startHead = (await getJson<{ storeHead: number }>(base, "/api/health")).storeHead;
    // set-up: a token and its strategy, and funds for every sender (one batch)
    const adminNonce = BigInt((await getJson<{ nonce: string }>(base, `/api/nonces/${admin.address}`)).nonce);
    const setup: SignedTx[] = [];
    const calls: [string, Record<string, unknown>][] = [
      ["createToken", { token, symbol: "SOAK", decimals: 18 }],
      ["addStrategy", { strategy, token }],
      ...senders.map((s): [string, Record<string, unknown>] => [
        "mint",
        { token, to: s.address, amount: String(10n ** 30n) },
      ]),
    ];
    for (const [i, [command, p]] of calls.entries()) {
      setup.push(
        await signTx(accountOf(admin), domain, {
          nonce: adminNonce + BigInt(i),
          deadline: 1n << 60n,
          command,
          params: p,
        }),
      );
    }
    const res = await fetch(`${base}/api/tx/batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ txs: setup }),
    });
    const batch = (await res.json()) as {
      accepted: number;
      results: { code?: string; seq?: number; txHash?: string }[];
    };
    if (batch.accepted !== setup.length) throw new Error(`soak set-up rejected: ${JSON.stringify(batch.results)}`);

    load = new LoadGenerator(base, domain, admin, senders, token, strategy, prng(opts.seed ^ 0x5eed));
    batch.results.forEach((r, i) => {
      load?.acked.push({ sender: admin.address, nonce: adminNonce + BigInt(i), txHash: r.txHash!, seq: r.seq! });
    });
    load.setUp(true);
    load.start();

    for (let k = 1; k <= opts.kills; k++) {
      await sleep(upMin + rand() * (upMax - upMin));
      const killed = await node.kill("SIGKILL");
      load.setUp(false);
      report.kills++;
      log(`kill ${k}/${opts.kills}: SIGKILL (exit ${killed}), ${load.acked.length} acknowledged so far`);
      // some kills land while the node is starting: opening the store, replaying the tail, listening
      while (rand() < (opts.startupKillShare ?? 0.2) && k < opts.kills) {
        node.start();
        report.restarts++;
        await sleep(rand() * 800);
        await node.kill("SIGKILL");
        report.startupKills++;
        log("  killed again during startup");
      }
      node.start();
      report.restarts++;
      await waitHealthy();
      // durability right away: the node's nonce for each sender is past everything it acknowledged
      const maxAcked = new Map<Address, bigint>();
      for (const a of load.acked) if ((maxAcked.get(a.sender) ?? -1n) < a.nonce) maxAcked.set(a.sender, a.nonce);
      for (const [sender, n] of maxAcked) {
        const now = BigInt((await getJson<{ nonce: string }>(base, `/api/nonces/${sender}`)).nonce);
        if (now <= n) {
          report.nonceRegressions++;
          log(`  LOST: ${sender} acknowledged nonce ${n} but the node's next nonce is ${now}`);
        }
      }
      load.setUp(true);
      opts.onProgress?.(k, opts.kills, load.acked.length);
    }
    await sleep(upMin);
    await load.stop();

    // everything acknowledged is in the log, once, in nonce order
    const entries: { seq: number; txHash: string; sender: Address; tx: { nonce: string } }[] = [];
    for (let cursor = 1; ; ) {
      const page = await getJson<{ entries: typeof entries; nextCursor: number; hasMore: boolean }>(
        base,
        `/api/events?cursor=${cursor}&limit=1000`,
        10_000,
      );
      entries.push(...page.entries);
      if (!page.hasMore || page.entries.length === 0) break;
      cursor = page.nextCursor;
    }
    report.logEntries = entries.length;
    const byHash = new Map(entries.map((e) => [e.txHash, e]));
    for (const a of load.acked) {
      const e = byHash.get(a.txHash);
      if (e === undefined || e.seq !== a.seq || e.sender !== a.sender || BigInt(e.tx.nonce) !== a.nonce) {
        report.lost++;
        log(`LOST: ${a.sender} nonce ${a.nonce} (seq ${a.seq}, ${a.txHash})`);
      }
    }
    const ackedHashes = new Set(load.acked.map((a) => a.txHash));
    const bySender = new Map<Address, bigint[]>();
    entries.forEach((e, i) => {
      if (e.seq !== i + 1) report.gaps++;
      bySender.set(e.sender, [...(bySender.get(e.sender) ?? []), BigInt(e.tx.nonce)]);
    });
    for (const [sender, nonces] of bySender) {
      // strictly sequential from 0: a repeat (or a step back) is a transaction applied twice, a jump is a gap
      let prev = -1n;
      for (const n of nonces) {
        if (n <= prev) {
          report.duplicates++;
          log(`DUPLICATE: ${sender} nonce ${n} after ${prev}`);
        } else {
          if (n !== prev + 1n) {
            report.gaps++;
            log(`GAP: ${sender} nonce ${n} after ${prev}`);
          }
          prev = n;
        }
      }
    }
    const soakSenders = new Set([admin.address, ...senders.map((s) => s.address)]);
    report.loggedUnacknowledged = entries.filter(
      (e) => e.seq > startHead && soakSenders.has(e.sender) && !ackedHashes.has(e.txHash),
    ).length;

    // a clean stop writes a snapshot; then verify compares snapshot + tail with a full replay
    const code = await node.kill("SIGTERM");
    report.cleanShutdown = code === 0;
    if (!report.cleanShutdown) log(`clean shutdown failed (exit ${code}):\n${node.output}`);
    report.verify = await runVerify(storeArgs);
  } finally {
    await load?.stop();
    if (node.alive) await node.kill("SIGKILL");
  }
  report.acknowledged = load?.acked.length ?? 0;
  report.interrupted = load?.interrupted ?? 0;
  report.rejected = load?.rejected ?? {};
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  return report;
}

/** Runs `restake verify --json` as its own process. */
export async function runVerify(storeArgs: string[]): Promise<SoakReport["verify"]> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "verify", ...storeArgs, "--json"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: "" },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  try {
    const r = JSON.parse(out) as { ok: boolean; fullReplay: { hash: string; seq: number } };
    const ok = r.ok && code === 0;
    return { ok, hash: r.fullReplay.hash, seq: r.fullReplay.seq, exitCode: code, ...(ok ? {} : { report: r }) };
  } catch {
    throw new Error(`restake verify printed no report (exit ${code}):\n${out}\n${err}`);
  }
}
