import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "../src/node/app.ts";
import { Ledger } from "../src/node/ledger.ts";
import { ledgerOptions } from "../test/node/ledgerHarness.ts";
import { openTarget } from "./node-lib.ts";

/**
 * The node-deposits benchmark's server: a child process (spawned with the parent's node flags and an IPC channel)
 * that opens the store named in RESTAKE_BENCH_TARGET (`{"db": …, "schema"?: …}`), opens the ledger on it (the
 * harness's ledger options: test domain, manual clock, snapshot every 1000 entries) and serves `createApp(ledger)`
 * with @hono/node-server on 127.0.0.1 at a free port, rate limit off. It reports
 * `{ type: "listening", port, seq }`; on `{ type: "stop" }` it stops accepting, waits for the ledger to go idle,
 * closes the store, reports `{ type: "stopped", seq, hash }` and exits. It exits on its own if the parent goes away.
 * Not a benchmark: bench/run.ts does not register it.
 */

interface StopMessage {
  type: "stop";
}

function send(msg: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error("node-server must be spawned with an IPC channel"));
      return;
    }
    process.send(msg, undefined, {}, (err) => (err ? reject(err) : resolve()));
  });
}

async function main(): Promise<void> {
  const target = JSON.parse(process.env.RESTAKE_BENCH_TARGET ?? "null") as { db: string; schema?: string } | null;
  if (target === null) throw new Error("RESTAKE_BENCH_TARGET is not set");
  process.on("disconnect", () => process.exit(1));

  const store = await openTarget(target);
  const ledger = await Ledger.open(ledgerOptions(store));
  const app = createApp(ledger, {
    rateLimit: false,
    logError: (err, where) => process.stderr.write(`[node-server] ${where}: ${String(err)}\n`),
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
    void send({ type: "listening", port: info.port, seq: ledger.seq });
  });
  server.on("error", (err) => {
    process.stderr.write(`[node-server] server error: ${err.message}\n`);
    process.exit(1);
  });

  process.on("message", (msg: StopMessage) => {
    if (msg?.type !== "stop") return;
    void (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await ledger.idle();
      const seq = ledger.seq;
      const hash = ledger.hash();
      await store.close();
      await send({ type: "stopped", seq, hash });
      process.exit(0);
    })().catch((e: unknown) => {
      process.stderr.write(`[node-server] stop failed: ${String(e)}\n`);
      process.exit(1);
    });
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`[node-server] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
