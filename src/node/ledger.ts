import { keccak256, stringToBytes } from "viem";
import type { EigenParams } from "../core/eigenlayer/params.ts";
import type { Address, EigenState } from "../core/eigenlayer/state.ts";
import { fromJson, toJson } from "../core/shared/codec.ts";
import { InvariantViolation, isProtocolError } from "../core/shared/errors.ts";
import { JMap } from "../core/shared/journal.ts";
import type { EventStore, LogEntry, NewEntry } from "../store/types.ts";
import { type ChainTime, type ClockConfig, GENESIS, nextTime } from "./clock.ts";
import { AUTH_CODES, NodeError } from "./errors.ts";
import { recoverTxSigner, type SignedTx, type TxDomain, txDigest } from "./tx.ts";
import { parseTx } from "./wire.ts";
import {
  createWorld,
  deserializeWorld,
  executeWorld,
  serializeWorld,
  type World,
  type WorldSnapshot,
  worldHash,
} from "./world.ts";

/**
 * The ledger: one writer that turns signed transactions into engine commands and log entries.
 * Submissions queue; each round executes every queued transaction in order (each succeeds or fails on its own)
 * under one journal mark, appends the accepted ones in one durable batch (group commit), and only then answers.
 * If the append fails, the whole round is rolled back: acknowledged means durable, and nothing else is.
 */

export interface LedgerOptions {
  store: EventStore;
  chainId: bigint;
  deployment: Address;
  params?: Partial<EigenParams>;
  clock: ClockConfig;
  /** write a snapshot every this many log entries */
  snapshotEvery?: number;
}

export interface Receipt {
  status: "accepted";
  seq: number;
  txHash: string;
  block: bigint;
  timestamp: bigint;
  events: unknown[];
  result: Record<string, unknown>;
}

export interface Rejection {
  status: "rejected";
  code: string;
  httpStatus: NodeError["status"];
  message: string;
  context?: Record<string, unknown>;
}

export type Outcome = Receipt | Rejection;

interface Pending {
  tx: SignedTx;
  resolve: (o: Outcome) => void;
}

interface SnapshotDoc extends WorldSnapshot {
  nonces: [string, bigint][];
  time: ChainTime;
  seq: number;
}

export class Ledger {
  readonly store: EventStore;
  readonly domain: TxDomain;
  readonly clock: ClockConfig;
  readonly snapshotEvery: number;
  /** the core and the layers on it (LRTs, markets), all on the core's journal */
  world: World;
  nonces: JMap<Address, bigint>;
  time: ChainTime;
  seq = 0;
  private startedAt: { wallMs: number; time: ChainTime };
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private listeners = new Set<(entries: LogEntry[]) => void>();
  private sinceSnapshot = 0;
  /** Settles when the round in flight has been committed or rolled back; null between rounds. */
  private inRound: Promise<void> | null = null;

  private constructor(opts: LedgerOptions, world: World) {
    this.store = opts.store;
    this.domain = { chainId: opts.chainId, deployment: opts.deployment };
    this.clock = opts.clock;
    this.snapshotEvery = opts.snapshotEvery ?? 1000;
    this.world = world;
    this.nonces = new JMap(world.eigen.journal);
    this.time = GENESIS;
    this.startedAt = { wallMs: 0, time: GENESIS };
  }

  /** Opens the ledger: the latest snapshot, then the tail of the log replayed on top. */
  static async open(opts: LedgerOptions): Promise<Ledger> {
    await Ledger.checkDeployment(opts);
    const ledger = new Ledger(opts, createWorld(opts.params));
    const snap = await opts.store.latestSnapshot();
    if (snap !== null) ledger.restore(snap.state);
    await ledger.replayFrom(ledger.seq + 1);
    ledger.startedAt = { wallMs: opts.clock.mode === "realtime" ? opts.clock.now() : 0, time: ledger.time };
    return ledger;
  }

  /**
   * A full replay from event 0, ignoring snapshots; what `restake verify` compares against. `beforeEntry`, if given,
   * sees each entry and the ledger just before that entry is applied (the rewards snapshots read the state there).
   */
  static async replayAll(
    opts: LedgerOptions,
    beforeEntry?: (entry: LogEntry, ledger: Ledger) => void,
  ): Promise<Ledger> {
    const ledger = new Ledger(opts, createWorld(opts.params));
    await ledger.replayFrom(1, beforeEntry);
    return ledger;
  }

  /** The chain id and deployment are fixed at creation: a store never silently changes domain. */
  private static async checkDeployment(opts: LedgerOptions): Promise<void> {
    const stored = await opts.store.getMeta("domain");
    const domain = `${opts.chainId}:${opts.deployment}`;
    if (stored === null) await opts.store.setMeta("domain", domain);
    else if (stored !== domain) {
      throw new NodeError("DomainMismatch", 409, `the database belongs to deployment ${stored}, not ${domain}`);
    }
  }

  private restore(text: string): void {
    const doc = fromJson<SnapshotDoc>(text);
    this.world = deserializeWorld(doc);
    this.nonces = new JMap(this.world.eigen.journal, doc.nonces as [Address, bigint][]);
    this.time = doc.time;
    this.seq = doc.seq;
  }

  private snapshotText(): string {
    const doc: SnapshotDoc = {
      ...serializeWorld(this.world),
      nonces: [...this.nonces.entries()],
      time: this.time,
      seq: this.seq,
    };
    return toJson(doc);
  }

  async replayFrom(fromSeq: number, beforeEntry?: (entry: LogEntry, ledger: Ledger) => void): Promise<void> {
    for (let from = fromSeq; ; ) {
      const batch = await this.store.read(from, 1000);
      if (batch.length === 0) return;
      for (const e of batch) {
        beforeEntry?.(e, this);
        this.applyLogged(e);
      }
      from = batch[batch.length - 1]!.seq + 1;
    }
  }

  /** Re-applies a logged entry; it was accepted once, so it must be accepted again. */
  private applyLogged(e: LogEntry): void {
    if (e.seq !== this.seq + 1) throw new InvariantViolation("log gap", { expected: this.seq + 1, got: e.seq });
    const tx = e.tx as SignedTx;
    const parsed = parseTx(tx.command, tx.params);
    if (!parsed.ok)
      throw new InvariantViolation("logged transaction no longer parses", { seq: e.seq, issues: parsed.issues });
    this.time = { block: e.block, timestamp: e.timestamp };
    // a clock tick's entry already carries the time after the tick
    if (parsed.tx.kind === "world") {
      executeWorld(this.world, { block: e.block, timestamp: e.timestamp, caller: tx.sender }, parsed.tx.command);
    }
    this.nonces.set(tx.sender, BigInt(tx.nonce) + 1n);
    this.seq = e.seq;
  }

  /** Hash of everything the log determines: engine state, nonces and chain time. */
  hash(): `0x${string}` {
    const nonces = [...this.nonces.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    return keccak256(
      stringToBytes(`${worldHash(this.world)}|${toJson(nonces)}|${this.time.block}|${this.time.timestamp}`),
    );
  }

  /** The core's state (the EigenLayer engine). */
  get state(): EigenState {
    return this.world.eigen;
  }

  /** The block and timestamp the next transaction would execute at (advances with wall time in real-time mode). */
  now(): ChainTime {
    return nextTime(this.clock, this.time, this.startedAt);
  }

  nonceOf(account: Address): bigint {
    return this.nonces.get(account) ?? 0n;
  }

  onCommit(listener: (entries: LogEntry[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit(tx: SignedTx): Promise<Outcome> {
    return new Promise((resolve) => {
      this.queue.push({ tx, resolve });
      this.kick();
    });
  }

  /** Several transactions, applied in order; each one succeeds or fails on its own. */
  submitBatch(txs: SignedTx[]): Promise<Outcome[]> {
    return Promise.all(txs.map((tx) => this.submit(tx)));
  }

  private kick(): void {
    if (this.running !== null) return;
    this.running = (async () => {
      try {
        while (this.queue.length > 0) {
          const round = this.queue;
          this.queue = [];
          let settle = (): void => undefined;
          this.inRound = new Promise<void>((r) => {
            settle = r;
          });
          try {
            await this.runRound(round);
          } finally {
            this.inRound = null;
            settle();
          }
          // Let reads that waited for this round run before the next round writes to the state.
          await new Promise<void>((r) => setImmediate(r));
        }
      } finally {
        this.running = null;
      }
    })();
  }

  /**
   * Resolves when no round is between executing and committing, so a synchronous read right after it sees only
   * committed transactions (never one whose append might still fail and be rolled back).
   */
  async committed(): Promise<void> {
    while (this.inRound !== null) await this.inRound;
  }

  /** Waits until every queued submission has been answered. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async runRound(round: Pending[]): Promise<void> {
    const outer = this.world.eigen.journal.begin();
    const seqBefore = this.seq;
    const timeBefore = this.time;
    const accepted: { p: Pending; entry: NewEntry; receipt: Omit<Receipt, "seq"> }[] = [];
    const rejected: { p: Pending; outcome: Rejection }[] = [];
    for (const p of round) {
      const r = this.applyNew(p.tx);
      if (r.status === "rejected") rejected.push({ p, outcome: r });
      else accepted.push({ p, entry: r.entry, receipt: r.receipt });
    }
    let logged: LogEntry[] = [];
    try {
      if (accepted.length > 0) logged = await this.store.append(accepted.map((a) => a.entry));
      this.world.eigen.journal.commit();
    } catch (e) {
      this.world.eigen.journal.rollback(outer);
      this.seq = seqBefore;
      this.time = timeBefore;
      const outcome: Rejection = {
        status: "rejected",
        code: "StoreUnavailable",
        httpStatus: 503,
        message: `the log could not be written: ${(e as Error).message}`,
      };
      for (const a of accepted) a.p.resolve(outcome);
      for (const r of rejected) r.p.resolve(r.outcome);
      return;
    }
    accepted.forEach((a, i) => {
      a.p.resolve({ ...a.receipt, seq: logged[i]!.seq });
    });
    for (const r of rejected) r.p.resolve(r.outcome);
    if (logged.length > 0) {
      this.seq = logged[logged.length - 1]!.seq;
      for (const l of this.listeners) l(logged);
      this.sinceSnapshot += logged.length;
      if (this.sinceSnapshot >= this.snapshotEvery) {
        // A failed snapshot only lengthens the next recovery: the log is intact, so it must not stop the ledger.
        await this.writeSnapshot().catch(() => undefined);
      }
    }
  }

  /** Writes a snapshot once every queued submission has been answered. */
  async snapshot(): Promise<{ seq: number; stateHash: string }> {
    await this.idle();
    return this.writeSnapshot();
  }

  private async writeSnapshot(): Promise<{ seq: number; stateHash: string }> {
    const snap = { seq: this.seq, state: this.snapshotText(), stateHash: this.hash() };
    await this.store.putSnapshot(snap);
    this.sinceSnapshot = 0;
    return { seq: snap.seq, stateHash: snap.stateHash };
  }

  /** Checks and executes one transaction inside the current round. Changes nothing if it is rejected. */
  private applyNew(tx: SignedTx): { status: "ok"; entry: NewEntry; receipt: Omit<Receipt, "seq"> } | Rejection {
    const reject = (
      code: string,
      httpStatus: NodeError["status"],
      message: string,
      context?: Record<string, unknown>,
    ): Rejection => ({
      status: "rejected",
      code,
      httpStatus,
      message,
      ...(context ? { context } : {}),
    });
    const parsed = parseTx(tx.command, tx.params);
    if (!parsed.ok) return reject("InvalidParams", 400, parsed.issues.join("; "), { issues: parsed.issues });
    const signer = recoverTxSigner(this.domain, tx);
    if (signer === null || signer !== tx.sender) {
      return reject("InvalidSignature", 401, "the signature is not the sender's for this chain and deployment");
    }
    const expected = this.nonceOf(tx.sender);
    if (BigInt(tx.nonce) !== expected) {
      return reject("InvalidNonce", 409, `expected nonce ${expected}`, {
        expected: expected.toString(),
        got: tx.nonce,
      });
    }
    const time = nextTime(this.clock, this.time, this.startedAt);
    if (BigInt(tx.deadline) < time.timestamp) {
      return reject("TxExpired", 401, "the transaction's deadline has passed", {
        deadline: tx.deadline,
        now: time.timestamp.toString(),
      });
    }
    const txHash = txDigest(this.domain, tx);
    const mark = this.world.eigen.journal.begin();
    try {
      let events: unknown[] = [];
      let result: Record<string, unknown> = {};
      let after = time;
      if (parsed.tx.kind === "node") {
        if (tx.sender !== this.world.eigen.params.admin)
          throw new NodeError("OnlyAdmin", 403, "only the admin advances the clock");
        if (this.clock.mode !== "manual")
          throw new NodeError("ClockNotManual", 409, "the clock advances by itself here");
        const blocks = parsed.tx.command.blocks;
        after = { block: time.block + blocks, timestamp: time.timestamp + blocks * this.clock.blockTimeSeconds };
        events = [{ event: "ClockAdvanced", args: { block: after.block, timestamp: after.timestamp } }];
      } else {
        const r = executeWorld(
          this.world,
          { block: time.block, timestamp: time.timestamp, caller: tx.sender },
          parsed.tx.command,
        );
        events = r.events;
        result = r.result;
      }
      this.nonces.set(tx.sender, expected + 1n);
      this.world.eigen.journal.commit();
      this.time = after;
      return {
        status: "ok",
        entry: { block: after.block, timestamp: after.timestamp, txHash, sender: tx.sender, tx, events },
        receipt: { status: "accepted", txHash, block: after.block, timestamp: after.timestamp, events, result },
      };
    } catch (e) {
      this.world.eigen.journal.rollback(mark);
      if (e instanceof NodeError) return reject(e.code, e.status, e.message);
      if (isProtocolError(e)) {
        return reject(e.code, AUTH_CODES.has(e.code) ? 403 : 422, e.message, e.context as Record<string, unknown>);
      }
      return reject("InternalError", 500, (e as Error).message);
    }
  }
}
