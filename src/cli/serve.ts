import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import pino from "pino";
import { configForStore, ledgerOptions, type NodeConfig } from "../node/config.ts";
import { type DemoSummary, seedDemo } from "../node/demo.ts";
import { devKey } from "../node/keys.ts";
import { Ledger } from "../node/ledger.ts";
import { configInput, openStoreFrom, type ProtocolFlags, reportError, type StoreFlags } from "./common.ts";

export interface ServeFlags extends StoreFlags, ProtocolFlags {
  port: string;
  host: string;
  demo?: boolean;
  manualClock?: boolean;
  blockTime?: string;
  snapshotEvery?: string;
  rateLimit: string;
  web?: string;
  logLevel: string;
}

/** The built dashboard, if there is one: web/dist at the package root. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../web/dist", import.meta.url));

function printDevKeys(summary: DemoSummary): void {
  const lines = [
    "",
    'Demo accounts. These are PUBLIC TEST KEYS derived from their names (keccak256("restake-dev-key:" + name)):',
    "anyone can recompute them. Use them here and nowhere else. Sign as any of them with --key dev:<name>.",
    "",
  ];
  for (const a of summary.accounts) lines.push(`  ${a.name.padEnd(28)} ${a.address}  ${devKey(a.name).privateKey}`);
  lines.push("");
  process.stdout.write(`${lines.join("\n")}\n`);
}

export async function serveCommand(flags: ServeFlags): Promise<void> {
  try {
    await runServe(flags);
  } catch (e) {
    reportError(e);
    process.exit(1);
  }
}

async function runServe(flags: ServeFlags): Promise<void> {
  const log = pino({ level: flags.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 1, sync: true }));
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be 0-65535");
  const rate = Number(flags.rateLimit);
  if (!Number.isInteger(rate) || rate < 0) throw new Error("--rate-limit must be a non-negative integer");

  const store = await openStoreFrom(flags);
  let config: NodeConfig;
  let ledger: Ledger;
  try {
    config = await configForStore(
      store,
      {
        ...configInput(flags as ServeFlags & Record<string, unknown>),
        demo: flags.demo,
        manualClock: flags.manualClock,
        blockTime: flags.blockTime,
        snapshotEvery: flags.snapshotEvery,
      },
      { persist: true },
    );
    const started = performance.now();
    ledger = await Ledger.open(ledgerOptions(config, store));
    log.info(
      {
        store: store.kind,
        seq: ledger.seq,
        block: ledger.time.block.toString(),
        hash: ledger.hash(),
        ms: Math.round(performance.now() - started),
      },
      "ledger opened",
    );
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  log.info(
    {
      chainId: config.chainId.toString(),
      deployment: `${config.deploymentName} (${config.deployment})`,
      admin: config.admin,
      beaconReporter: config.beaconReporter,
      delays: Object.fromEntries(Object.entries(config.delays).map(([k, v]) => [k, v.toString()])),
      clock: `${config.clock.mode}, ${config.clock.blockTimeSeconds} s per block`,
    },
    "config",
  );

  if (flags.demo) {
    const started = performance.now();
    const summary = await seedDemo(ledger);
    if (summary.seeded) {
      log.info(
        {
          transactions: summary.transactions,
          operators: summary.operators,
          avss: summary.avss,
          stakers: summary.stakers,
          ms: Math.round(performance.now() - started),
        },
        "demo network seeded",
      );
    } else {
      log.info({ seq: ledger.seq }, "the log is not empty: demo not reseeded");
    }
    printDevKeys(summary);
  }

  const webDir = flags.web ?? DEFAULT_WEB_DIR;
  const staticDir = existsSync(`${webDir}/index.html`) ? webDir : undefined;
  if (flags.web !== undefined && staticDir === undefined)
    log.warn({ dir: flags.web }, "no index.html there: not serving a dashboard");
  // loaded here so that the other commands start without the HTTP stack
  const { createApp } = await import("../node/app.ts");
  const app = createApp(ledger, {
    rateLimit: rate === 0 ? false : { windowMs: 60_000, max: rate },
    ...(staticDir !== undefined ? { staticDir } : {}),
    logError: (err, where) => log.error({ err, where }, "request failed"),
  });

  // one log line per request (debug; warn for server errors), around the app rather than inside it
  const fetchLogged = async (req: Request, env: unknown): Promise<Response> => {
    const started = performance.now();
    const res = await app.fetch(req, env as never);
    const line = {
      method: req.method,
      path: new URL(req.url).pathname,
      status: res.status,
      ms: Number((performance.now() - started).toFixed(1)),
    };
    if (res.status >= 500) log.warn(line, "request");
    else log.debug(line, "request");
    return res;
  };
  const server = serve({ fetch: fetchLogged, port, hostname: flags.host }, (info) => {
    log.info(
      { url: `http://${flags.host}:${info.port}`, api: "/api", dashboard: staticDir !== undefined },
      `listening on http://${flags.host}:${info.port}`,
    );
  });
  server.on("error", (err) => {
    log.fatal({ err }, "the server failed");
    process.exit(1);
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      log.warn({ signal }, "second signal: exiting without a snapshot");
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, "shutting down");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    try {
      await ledger.idle();
      const snap = await ledger.snapshot();
      log.info(snap, "snapshot written");
      await store.close();
    } catch (err) {
      log.error({ err }, "clean shutdown failed; the log is intact and the next start replays it");
      process.exit(1);
    }
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
