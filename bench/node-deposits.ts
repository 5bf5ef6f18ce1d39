import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Ledger } from "../src/node/ledger.ts";
import { recoverTxSigner, type SignedTx } from "../src/node/tx.ts";
import type { StoreKind } from "../src/store/index.ts";
import { DOMAIN, ledgerOptions } from "../test/node/ledgerHarness.ts";
import { type Figures, median, now, percentile, progress, round } from "./lib.ts";
import { BACKENDS, benchStakers, freshTarget, openTarget, sameNonces, setupNetwork, signDeposits } from "./node-lib.ts";

/**
 * Signed deposits through the HTTP API, on SQLite (temp file) and PostgreSQL (fresh schema, dropped afterwards),
 * next to the bare EIP-712 verify rate of one core, measured in the same run.
 *
 * Per backend: the harness's small network plus 32 funded stakers delegated to its operator is seeded through the
 * ledger; then a child process (bench/node-server.ts) opens the ledger on that store and serves `createApp(ledger)`
 * with @hono/node-server on 127.0.0.1 at a free port, rate limit off. The server runs in its own process so that
 * it has a core of its own and the load generator's work (HTTP client, timing) is not charged to it.
 *
 * The load: every deposit is signed before any server starts (the same signed bytes serve both backends, whose
 * seeded states are identical). Each staker is one lane that POSTs its deposits to /api/tx one after another over
 * a keep-alive connection, in nonce order, so 32 requests are in flight at all times. A warm-up of 8 deposits
 * per staker is sent first and not timed; then 150 per staker are timed (a lane stops early past 75 s). Latency is
 * request written → response read; throughput is timed deposits / wall time of the timed phase. Every response
 * must be 200, and the server's final seq must equal the seeded entries plus every deposit sent.
 *
 * verify_per_s: `recoverTxSigner(domain, tx)` in a tight loop over the first 2,000 pre-signed deposits, in this
 * process while no server runs (before, between and after the backends; median of the three). The server does
 * that recovery once per transaction plus everything else, so tx/s ÷ verify/s is the fraction of the signature
 * ceiling the node reaches.
 */

export const name = "node-deposits";
export const description =
  "signed deposits via POST /api/tx on SQLite and PostgreSQL (tx/s, p50/p99 ms, 32 in flight) vs bare EIP-712 verify/s";

const LANES = 32;
const WARMUP_PER_LANE = 8;
const TIMED_PER_LANE = 150;
const PHASE_LIMIT_NS = 75e9;
const REQUEST_TIMEOUT_MS = 30_000;
const VERIFY_N = 2_000;
const SERVER_SCRIPT = fileURLToPath(new URL("./node-server.ts", import.meta.url));

/* ------------------------------------------------------------------ verify ceiling */

/** Signatures recovered per second over `txs`; each must recover its sender. */
function verifyRate(txs: readonly SignedTx[]): number {
  const t0 = now();
  for (const tx of txs) {
    if (recoverTxSigner(DOMAIN, tx) !== tx.sender) throw new Error("a pre-signed deposit does not verify");
  }
  return txs.length / ((now() - t0) / 1e9);
}

/* ------------------------------------------------------------------ server child */

interface Server {
  child: ChildProcess;
  port: number;
  seq: number;
}

type ServerMessage = { type: "listening"; port: number; seq: number } | { type: "stopped"; seq: number; hash: string };

function nextMessage<T extends ServerMessage["type"]>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, msg?: Extract<ServerMessage, { type: T }>) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(msg!);
    };
    const onMessage = (m: ServerMessage) => {
      if (m.type === type) done(null, m as Extract<ServerMessage, { type: T }>);
    };
    const onExit = (code: number | null) => done(new Error(`node-server exited (${code}) before "${type}"`));
    const timer = setTimeout(() => done(new Error(`node-server: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

async function startServer(target: { db: string; schema?: string }): Promise<Server> {
  const child = spawn(process.execPath, [...process.execArgv, SERVER_SCRIPT], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, RESTAKE_BENCH_TARGET: JSON.stringify(target) },
  });
  try {
    const m = await nextMessage(child, "listening", 60_000);
    return { child, port: m.port, seq: m.seq };
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
}

async function stopServer(s: Server): Promise<{ seq: number; hash: string }> {
  const stopped = nextMessage(s.child, "stopped", 60_000);
  s.child.send({ type: "stop" });
  const m = await stopped;
  if (s.child.exitCode === null) await new Promise((r) => s.child.once("exit", r));
  return m;
}

/* ------------------------------------------------------------------ load */

interface Reply {
  status: number;
  body: string;
}

function post(agent: Agent, port: number, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/tx",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

interface Phase {
  sent: number;
  latenciesNs: number[];
  wallNs: number;
}

/** Every lane POSTs its bodies in order, one at a time; all lanes run at once. Throws on any non-200. */
async function fire(agent: Agent, port: number, lanes: readonly string[][], limitNs: number): Promise<Phase> {
  const latenciesNs: number[] = [];
  const failures: string[] = [];
  const t0 = now();
  const deadline = t0 + limitNs;
  await Promise.all(
    lanes.map(async (bodies) => {
      for (const body of bodies) {
        if (failures.length > 0 || now() > deadline) return;
        const s = now();
        const reply = await post(agent, port, body);
        latenciesNs.push(now() - s);
        if (reply.status !== 200) failures.push(`${reply.status} ${reply.body.slice(0, 300)}`);
      }
    }),
  );
  const wallNs = now() - t0;
  if (failures.length > 0) throw new Error(`${failures.length} requests failed; first: ${failures[0]}`);
  return { sent: latenciesNs.length, latenciesNs, wallNs };
}

/* ------------------------------------------------------------------ run */

interface BackendResult {
  txPerS: number;
  p50Ms: number;
  p99Ms: number;
  timed: number;
  wallS: number;
}

export async function run(): Promise<Figures> {
  const loadStart = loadavg()[0]!;
  const stakers = benchStakers(LANES);
  let lanes: string[][] = [];
  let signed: SignedTx[] = [];
  let nonces: bigint[] | null = null;
  const verifyRates: number[] = [];
  const results: Partial<Record<StoreKind, BackendResult>> = {};
  let signS = 0;

  for (const kind of BACKENDS) {
    const target = await freshTarget(kind, "deposits");
    let server: Server | null = null;
    try {
      const store = await openTarget(target);
      let seeded: number;
      try {
        const ledger = await Ledger.open(ledgerOptions(store));
        const next = await setupNetwork(ledger, stakers);
        seeded = ledger.seq;
        if (nonces === null) nonces = next;
        else if (!sameNonces(nonces, next)) throw new Error(`${kind}: seeded nonces differ from the first backend's`);
      } finally {
        await store.close();
      }

      if (signed.length === 0) {
        progress(`signing ${(WARMUP_PER_LANE + TIMED_PER_LANE) * LANES} deposits for ${LANES} stakers`);
        const t0 = now();
        const perLane = await signDeposits(stakers, nonces, WARMUP_PER_LANE + TIMED_PER_LANE);
        signS = (now() - t0) / 1e9;
        signed = perLane.flat();
        lanes = perLane.map((txs) => txs.map((tx) => JSON.stringify(tx)));
        verifyRate(signed.slice(0, 500)); // warm-up
        verifyRates.push(verifyRate(signed.slice(0, VERIFY_N)));
        progress(`verify: ${round(verifyRates.at(-1)!)} signatures/s`);
      }

      server = await startServer(target);
      if (server.seq !== seeded) throw new Error(`${kind}: server opened at seq ${server.seq}, seeded ${seeded}`);
      progress(`${kind}: serving on 127.0.0.1:${server.port}; warm-up ${WARMUP_PER_LANE * LANES} deposits`);
      const agent = new Agent({ keepAlive: true, maxSockets: LANES });
      let sent = 0;
      let timed: Phase;
      try {
        const warm = await fire(
          agent,
          server.port,
          lanes.map((l) => l.slice(0, WARMUP_PER_LANE)),
          PHASE_LIMIT_NS,
        );
        sent += warm.sent;
        if (warm.sent !== WARMUP_PER_LANE * LANES) throw new Error(`${kind}: warm-up ran out of time`);
        progress(`${kind}: timing ${TIMED_PER_LANE * LANES} deposits, ${LANES} in flight`);
        timed = await fire(
          agent,
          server.port,
          lanes.map((l) => l.slice(WARMUP_PER_LANE)),
          PHASE_LIMIT_NS,
        );
        sent += timed.sent;
      } finally {
        agent.destroy();
      }
      const stopped = await stopServer(server);
      server = null;
      if (stopped.seq !== seeded + sent) {
        throw new Error(`${kind}: the log holds ${stopped.seq - seeded} deposits, ${sent} were acknowledged`);
      }
      const r: BackendResult = {
        txPerS: timed.sent / (timed.wallNs / 1e9),
        p50Ms: median(timed.latenciesNs) / 1e6,
        p99Ms: percentile(timed.latenciesNs, 99) / 1e6,
        timed: timed.sent,
        wallS: timed.wallNs / 1e9,
      };
      results[kind] = r;
      progress(`${kind}: ${round(r.txPerS)} tx/s, p50 ${round(r.p50Ms)} ms, p99 ${round(r.p99Ms)} ms`);
    } finally {
      if (server !== null) server.child.kill("SIGKILL");
      await target.cleanup();
    }
    verifyRates.push(verifyRate(signed.slice(0, VERIFY_N)));
    progress(`verify: ${round(verifyRates.at(-1)!)} signatures/s`);
  }

  const verify = median(verifyRates);
  const figures: Figures = {
    in_flight: LANES,
    timed_per_backend: TIMED_PER_LANE * LANES,
    warmup_per_backend: WARMUP_PER_LANE * LANES,
    verify_per_s: round(verify),
  };
  for (const kind of BACKENDS) {
    const r = results[kind]!;
    figures[`${kind}_tx_per_s`] = round(r.txPerS);
    figures[`${kind}_p50_ms`] = round(r.p50Ms, 3);
    figures[`${kind}_p99_ms`] = round(r.p99Ms, 3);
    figures[`${kind}_tx_per_verify`] = round(r.txPerS / verify, 3);
    figures[`${kind}_timed`] = r.timed;
  }
  figures.verify_runs = verifyRates.map((v) => round(v, 3)).join(" ");
  figures.sign_s = round(signS, 3);
  figures.load_1m_start = round(loadStart, 3);
  figures.load_1m_end = round(loadavg()[0]!, 3);
  return figures;
}
