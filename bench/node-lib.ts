import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Ledger } from "../src/node/ledger.ts";
import { type SignedTx, signTx } from "../src/node/tx.ts";
import { type EventStore, openStore, type StoreKind } from "../src/store/index.ts";
import { account, addr, DOMAIN, keys, STRATEGY, seedSmall, TOKEN } from "../test/node/ledgerHarness.ts";

/**
 * Shared pieces of the node benchmarks (node-deposits, node-replay): throwaway store targets on both backends,
 * the bench network (the test harness's small network plus funded, delegated stakers) and pre-signed deposits.
 * Not a benchmark itself; bench/run.ts does not register it.
 */

/** The PostgreSQL server the node benchmarks use; each run creates its own schema there and drops it afterwards. */
export const PG_URL = process.env.RESTAKE_BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export const BACKENDS: readonly StoreKind[] = ["sqlite", "postgres"];

/** Where one benchmark run keeps its log: a SQLite file in a temp dir, or a fresh PostgreSQL schema. */
export interface Target {
  kind: StoreKind;
  db: string;
  schema?: string;
  /** Removes the temp dir or drops the schema (CASCADE); safe to call twice. */
  cleanup(): Promise<void>;
}

export async function freshTarget(kind: StoreKind, label: string): Promise<Target> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), `restake-bench-${label}-`));
    return { kind, db: join(dir, "restake.db"), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_${label.replace(/\W/g, "_")}_${process.pid}_${randomBytes(4).toString("hex")}`;
  return {
    kind,
    db: PG_URL,
    schema,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

export function openTarget(t: Pick<Target, "db" | "schema">): Promise<EventStore> {
  return openStore(t.schema === undefined ? { db: t.db } : { db: t.db, schema: t.schema });
}

/** Bench stakers: keys derived from their names like the test harness's, so every run signs the same bytes. */
export function benchStakers(n: number): PrivateKeyAccount[] {
  return Array.from({ length: n }, (_, i) => account(`bench-staker-${i}`));
}

const MINT_PER_STAKER = 10n ** 24n;
/** Each deposit moves 0.001 token: a staker's mint covers a million of them. */
export const DEPOSIT_AMOUNT = 10n ** 15n;
const DEADLINE = 4_000_000_000n;

/**
 * seedSmall (token, strategy, a delegated staker, an operator allocated to one set), then for every bench
 * staker an admin mint and a delegateTo the operator, so that every deposit also moves delegated shares.
 * Returns each staker's next nonce.
 */
export async function setupNetwork(ledger: Ledger, stakers: readonly PrivateKeyAccount[]): Promise<bigint[]> {
  await seedSmall(ledger);
  const submit = async (who: PrivateKeyAccount, command: string, params: Record<string, unknown>) => {
    const tx = await signTx(who, DOMAIN, { nonce: ledger.nonceOf(addr(who)), deadline: DEADLINE, command, params });
    const out = await ledger.submit(tx);
    if (out.status !== "accepted") throw new Error(`setup ${command}: ${out.code} ${out.message}`);
  };
  for (const s of stakers) {
    await submit(keys.admin, "mint", { token: TOKEN, to: addr(s), amount: MINT_PER_STAKER.toString() });
    await submit(s, "delegateTo", { operator: addr(keys.operator) });
  }
  return stakers.map((s) => ledger.nonceOf(addr(s)));
}

/** `perStaker` deposits for every staker, nonces from `nonces[i]` on; result[i] is staker i's list in nonce order. */
export async function signDeposits(
  stakers: readonly PrivateKeyAccount[],
  nonces: readonly bigint[],
  perStaker: number,
): Promise<SignedTx[][]> {
  const out: SignedTx[][] = stakers.map(() => []);
  for (let k = 0; k < perStaker; k++) {
    for (const [i, s] of stakers.entries()) {
      out[i]!.push(
        await signTx(s, DOMAIN, {
          nonce: nonces[i]! + BigInt(k),
          deadline: DEADLINE,
          command: "depositIntoStrategy",
          params: { strategy: STRATEGY, amount: DEPOSIT_AMOUNT.toString() },
        }),
      );
    }
  }
  return out;
}

/** Round-robin over the stakers' lists: every staker's transactions stay in nonce order. */
export function interleave<T>(lanes: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lanes.map((l) => l.length));
  for (let k = 0; k < longest; k++) for (const l of lanes) if (k < l.length) out.push(l[k]!);
  return out;
}

export function sameNonces(a: readonly bigint[], b: readonly bigint[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
