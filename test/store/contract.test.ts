import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EventStore, isStoreError, type NewEntry, openStore, type StoreErrorCode } from "../../src/store/index.ts";
import { type Backend, postgresBackend, sqliteBackend, type Target } from "./backends.ts";

const MAX = 2n ** 256n - 1n;
const CRASH_WRITER = fileURLToPath(new URL("./fixtures/crash-writer.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

function entry(i: number, over: Partial<NewEntry> = {}): NewEntry {
  return {
    block: BigInt(100 + i),
    timestamp: BigInt(1_700_000_000 + i),
    txHash: `0x${i.toString(16).padStart(64, "0")}`,
    sender: `0xsender${i}`,
    tx: { kind: "deposit", amount: BigInt(i) * 10n ** 18n },
    events: [{ kind: "Deposit", shares: BigInt(i) }],
    ...over,
  };
}

const range = (from: number, n: number): NewEntry[] => Array.from({ length: n }, (_, k) => entry(from + k));

async function rejection(p: Promise<unknown>, code: StoreErrorCode): Promise<Record<string, unknown>> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isStoreError(e, code), `expected StoreError ${code}, got ${String(e)}`).toBe(true);
  return isStoreError(e) ? { ...e.context } : {};
}

describe.each<Backend>([sqliteBackend(), postgresBackend()])("EventStore contract: $name", (backend) => {
  let target: Target;
  let store: EventStore;
  const extra: EventStore[] = [];
  const reopen = async (): Promise<EventStore> => {
    const s = await openStore(target);
    extra.push(s);
    return s;
  };

  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    target = backend.fresh();
    store = await openStore(target);
  });
  afterEach(async () => {
    await store.close();
    for (const s of extra.splice(0)) await s.close();
  });

  it("opens the requested backend", () => {
    expect(store.kind).toBe(backend.name);
  });

  it("starts empty", async () => {
    expect(await store.head()).toBe(0);
    expect(await store.read(1, 10)).toEqual([]);
    expect(await store.hasTx(entry(1).txHash)).toBe(false);
    expect(await store.latestSnapshot()).toBeNull();
    expect(await store.getMeta("chainId")).toBeNull();
  });

  it("assigns consecutive seq from 1 and reads back in ascending order", async () => {
    const input = range(1, 3);
    const appended = await store.append(input);
    expect(appended).toEqual(input.map((e, i) => ({ ...e, seq: i + 1 })));
    expect(await store.head()).toBe(3);
    expect(await store.read(1, 100)).toEqual(appended);
    expect(await store.read(0, 100)).toEqual(appended);
    expect(await store.read(2, 1)).toEqual([appended[1]]);
    expect(await store.read(3, 10)).toEqual([appended[2]]);
    expect(await store.read(4, 10)).toEqual([]);
    expect(await store.read(1, 0)).toEqual([]);
  });

  it("continues numbering across batches; an empty batch is a no-op", async () => {
    expect((await store.append(range(1, 2))).map((e) => e.seq)).toEqual([1, 2]);
    expect(await store.append([])).toEqual([]);
    expect((await store.append(range(3, 3))).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect((await store.append([entry(6)])).map((e) => e.seq)).toEqual([6]);
    const all = await store.read(1, 100);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.map((e) => e.txHash)).toEqual(range(1, 6).map((e) => e.txHash));
  });

  it("pages through a large batch", async () => {
    await store.append(range(1, 1_000));
    const seen: number[] = [];
    for (let from = 1; ; ) {
      const page = await store.read(from, 128);
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.seq));
      from = page.at(-1)!.seq + 1;
    }
    expect(seen).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
  });

  it("answers hasTx for appended hashes only", async () => {
    await store.append(range(1, 2));
    expect(await store.hasTx(entry(1).txHash)).toBe(true);
    expect(await store.hasTx(entry(2).txHash)).toBe(true);
    expect(await store.hasTx(entry(3).txHash)).toBe(false);
    expect(await store.hasTx("")).toBe(false);
  });

  it("round-trips 2^256−1, negative and zero bigints in block, timestamp, tx and events exactly", async () => {
    const input: NewEntry[] = [
      entry(1, {
        block: MAX,
        timestamp: 0n,
        tx: {
          amount: MAX,
          negative: -MAX,
          zero: 0n,
          minusOne: -1n,
          nested: [{ v: MAX, w: [-(2n ** 255n), 2n ** 255n - 1n] }],
          looksLikeBigint: "123n",
          tilde: "~escaped",
          unicode: "Ωé😀\u2028",
          quotes: 'a "b" \\ c',
          float: 1.5,
          nothing: null,
        },
        events: [{ kind: "Slashed", wads: MAX, delta: -MAX }, 0n, -1n, "0n", [], {}],
      }),
      entry(2, { block: -MAX, timestamp: -1n, tx: MAX, events: [] }),
      entry(3, { block: 0n, timestamp: 10n ** 78n - 1n, tx: null, events: [-(10n ** 77n)] }),
      entry(4, { block: -(10n ** 78n - 1n), tx: "plain string" }),
    ];
    await store.append(input);
    const back = await store.read(1, 10);
    expect(back).toEqual(input.map((e, i) => ({ ...e, seq: i + 1 })));
    expect(typeof back[0]!.block).toBe("bigint");
    expect(back[0]!.block).toBe(MAX);
    expect(back[1]!.block).toBe(-MAX);
    expect((back[0]!.tx as { amount: bigint }).amount).toBe(MAX);
  });

  it("keeps the snapshot with the highest seq as latest and prunes to the last 3", async () => {
    await store.append(range(1, 10));
    await store.putSnapshot({ seq: 0, state: "genesis", stateHash: "h0" });
    expect(await store.latestSnapshot()).toEqual({ seq: 0, state: "genesis", stateHash: "h0" });
    await store.putSnapshot({ seq: 2, state: "s2", stateHash: "h2" });
    await store.putSnapshot({ seq: 5, state: "s5 Ω😀", stateHash: "h5" });
    expect(await store.latestSnapshot()).toEqual({ seq: 5, state: "s5 Ω😀", stateHash: "h5" });
    // An older snapshot arriving late does not displace the latest.
    await store.putSnapshot({ seq: 3, state: "s3", stateHash: "h3" });
    expect((await store.latestSnapshot())?.seq).toBe(5);
    const big = "x".repeat(2_000_000);
    await store.putSnapshot({ seq: 9, state: big, stateHash: "h9" });
    expect(await store.latestSnapshot()).toEqual({ seq: 9, state: big, stateHash: "h9" });
    await store.putSnapshot({ seq: 10, state: "s10", stateHash: "h10" });
    expect((await store.latestSnapshot())?.seq).toBe(10);
    expect(await backend.countSnapshots(target)).toBe(3);
  });

  it("accepts an identical snapshot again but rejects a conflicting or premature one", async () => {
    await store.append(range(1, 2));
    await store.putSnapshot({ seq: 2, state: "s2", stateHash: "h2" });
    await store.putSnapshot({ seq: 2, state: "s2", stateHash: "h2" });
    const conflict = await rejection(
      store.putSnapshot({ seq: 2, state: "other", stateHash: "hX" }),
      "SNAPSHOT_CONFLICT",
    );
    expect(conflict).toMatchObject({ seq: 2, stored: "h2", given: "hX" });
    await rejection(store.putSnapshot({ seq: 3, state: "s3", stateHash: "h3" }), "SNAPSHOT_AHEAD");
    expect(await store.latestSnapshot()).toEqual({ seq: 2, state: "s2", stateHash: "h2" });
  });

  it("stores and overwrites meta", async () => {
    await store.setMeta("chainId", "31337");
    await store.setMeta("salt", "");
    expect(await store.getMeta("chainId")).toBe("31337");
    expect(await store.getMeta("salt")).toBe("");
    await store.setMeta("chainId", "1");
    expect(await store.getMeta("chainId")).toBe("1");
    expect(await store.getMeta("other")).toBeNull();
  });

  it("keeps log, snapshots and meta across close and reopen, and continues numbering", async () => {
    const appended = await store.append([entry(1, { block: MAX, tx: { v: -MAX } }), entry(2)]);
    await store.putSnapshot({ seq: 2, state: "s2", stateHash: "h2" });
    await store.setMeta("chainId", "31337");
    await store.close();
    await store.close(); // idempotent
    await rejection(store.head(), "CLOSED");
    await rejection(store.append([entry(3)]), "CLOSED");

    const again = await reopen();
    expect(await again.head()).toBe(2);
    expect(await again.read(1, 10)).toEqual(appended);
    expect(await again.hasTx(entry(1).txHash)).toBe(true);
    expect(await again.latestSnapshot()).toEqual({ seq: 2, state: "s2", stateHash: "h2" });
    expect(await again.getMeta("chainId")).toBe("31337");
    expect((await again.append([entry(3)])).map((e) => e.seq)).toEqual([3]);
  });

  it("keeps what append resolved even when the writer is killed without close", async () => {
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", CRASH_WRITER, JSON.stringify({ ...target, count: 5 })],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000 },
    );
    expect(child.signal, child.stderr).toBe("SIGKILL");
    expect(JSON.parse(child.stdout)).toEqual([1, 2, 3, 4, 5]);
    const after = await reopen();
    const back = await after.read(1, 10);
    expect(back.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(back[0]).toMatchObject({ block: MAX, txHash: "0xcrash0", tx: { i: 0n } });
  });

  it("rolls back a batch that fails midway on a txHash already logged", async () => {
    await store.append([entry(1)]);
    const ctx = await rejection(store.append([entry(2), entry(3), entry(1)]), "DUPLICATE_TX");
    expect(ctx.txHash).toBe(entry(1).txHash);
    expect(await store.head()).toBe(1);
    expect(await store.hasTx(entry(2).txHash)).toBe(false);
    expect(await store.hasTx(entry(3).txHash)).toBe(false);
    // The failed batch consumed no seq: numbering resumes without a gap.
    expect((await store.append([entry(2)])).map((e) => e.seq)).toEqual([2]);
  });

  it("rejects a batch that repeats a txHash within itself", async () => {
    const ctx = await rejection(store.append([entry(1), entry(2), entry(1)]), "DUPLICATE_TX");
    expect(ctx).toMatchObject({ txHash: entry(1).txHash, index: 2 });
    expect(await store.head()).toBe(0);
  });

  it("fails loudly and rolls back when another writer takes the seq", async () => {
    await store.append([entry(1)]);
    await backend.installSeqThief(target);
    await rejection(store.append([entry(2), entry(3, { txHash: "thief-bait" }), entry(4)]), "SEQ_CONFLICT");
    expect(await store.head()).toBe(1);
    expect(await store.hasTx("thief")).toBe(false);
    expect(await store.hasTx(entry(2).txHash)).toBe(false);
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const invalid: [string, Partial<NewEntry> | Record<string, unknown>][] = [
    ["block as number", { block: 5 }],
    ["missing timestamp", { timestamp: undefined }],
    ["empty txHash", { txHash: "" }],
    ["txHash with NUL", { txHash: "0x\0" }],
    ["sender not a string", { sender: 42 }],
    ["events not an array", { events: { a: 1 } }],
    ["tx undefined", { tx: undefined }],
    ["tx with a cycle", { tx: cyclic }],
    ["block of 79 digits", { block: 10n ** 78n }],
    ["timestamp below -(10^78-1)", { timestamp: -(10n ** 78n) }],
  ];
  it.each(invalid)("rejects an invalid entry (%s) and appends nothing of its batch", async (_name, over) => {
    await store.append([entry(1)]);
    const bad = { ...entry(9), ...over } as NewEntry;
    const ctx = await rejection(store.append([entry(2), entry(3), bad]), "INVALID_ENTRY");
    expect(ctx.index).toBe(2);
    expect(await store.head()).toBe(1);
    expect(await store.hasTx(entry(2).txHash)).toBe(false);
  });

  it("rejects malformed arguments", async () => {
    await rejection(store.read(1.5, 1), "INVALID_ARGUMENT");
    await rejection(store.read(1, -1), "INVALID_ARGUMENT");
    await rejection(store.putSnapshot({ seq: -1, state: "", stateHash: "h" }), "INVALID_ARGUMENT");
    await rejection(store.putSnapshot({ seq: 0, state: "", stateHash: "" }), "INVALID_ARGUMENT");
    await rejection(store.setMeta("", "x"), "INVALID_ARGUMENT");
    await rejection(store.append("nope" as unknown as NewEntry[]), "INVALID_ENTRY");
  });

  it("serializes concurrent appends from two handles into one gapless sequence", async () => {
    const other = await reopen();
    const batches = Array.from({ length: 12 }, (_, b) => range(b * 3 + 1, 3));
    const results = await Promise.all(batches.map((batch, b) => (b % 2 ? other : store).append(batch)));
    for (const r of results) {
      expect(r.map((e) => e.seq)).toEqual([r[0]!.seq, r[0]!.seq + 1, r[0]!.seq + 2]);
    }
    const seqs = results.flat().map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    const all = await store.read(1, 100);
    expect(all).toEqual(results.flat().sort((a, b) => a.seq - b.seq));
    expect(await other.head()).toBe(36);
  });
});
