import { type Address, parseSetKey, type SetKey } from "../../core/eigenlayer/state.ts";
import { pendingSlashKey } from "../../core/eigenlayer/strategyManager.ts";
import type { EventStore, LogEntry } from "../../store/types.ts";
import type { Ledger } from "../ledger.ts";
import type { Out, SlashesOut, SlashOut } from "./schemas.ts";

/**
 * Slashing history, indexed from the log: every accepted `slashOperator` entry becomes one record, and every
 * `clearBurnOrRedistributableShares` entry adds what it cleared. The index is rebuilt from the log (not from
 * in-memory notifications), so it survives restarts and covers entries written by earlier processes. It catches up
 * lazily: each query first reads whatever the log gained since the last one.
 */

interface Ev {
  event: string;
  args: Record<string, unknown>;
}

interface SlashRecord {
  slashId: bigint;
  operatorSet: SetKey;
  operator: Address;
  slasher: Address;
  description: string;
  seq: number;
  block: bigint;
  timestamp: bigint;
  txHash: string;
  strategies: { strategy: Address; wadToSlash: bigint; wadSlashed: bigint; sharesSlashed: bigint }[];
  cleared: { strategy: Address; shares: bigint; seq: number; block: bigint }[];
}

const READ_BATCH = 1000;

function toBig(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  return 0n;
}

export class SlashIndex {
  private readonly store: EventStore;
  private nextSeq = 1;
  private readonly records: SlashRecord[] = [];
  private readonly byKey = new Map<string, SlashRecord>();
  private readonly slashCounts = new Map<SetKey, bigint>();
  private chain: Promise<void> = Promise.resolve();

  constructor(store: EventStore) {
    this.store = store;
  }

  /** Reads the log from where the index stopped to its end. Calls are serialised, and each reads after it began. */
  sync(): Promise<void> {
    const run = this.chain.then(() => this.catchUp());
    this.chain = run.catch(() => {});
    return run;
  }

  get indexedThroughSeq(): number {
    return this.nextSeq - 1;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const batch = await this.store.read(this.nextSeq, READ_BATCH);
      if (batch.length === 0) return;
      for (const e of batch) {
        this.apply(e);
        this.nextSeq = e.seq + 1;
      }
      if (batch.length < READ_BATCH) return;
    }
  }

  private apply(e: LogEntry): void {
    const tx = e.tx as { command?: unknown; params?: Record<string, unknown> };
    const events = e.events as Ev[];
    if (tx.command === "slashOperator") this.applySlash(e, tx.params ?? {}, events);
    else if (tx.command === "clearBurnOrRedistributableShares") this.applyClear(e, events);
  }

  private applySlash(e: LogEntry, params: Record<string, unknown>, events: Ev[]): void {
    const slashed = events.find((ev) => ev.event === "OperatorSlashed");
    if (slashed === undefined) return;
    const operatorSet = slashed.args.operatorSet as SetKey;
    const operator = slashed.args.operator as Address;
    // slashId = the set's slash count after this slash: every accepted slashOperator increments it by one
    const counted = (this.slashCounts.get(operatorSet) ?? 0n) + 1n;
    this.slashCounts.set(operatorSet, counted);
    const fromEvent = events.find((ev) => ev.event === "BurnOrRedistributableSharesIncreased")?.args.slashId;
    const slashId = fromEvent === undefined ? counted : toBig(fromEvent);
    const strategies = (slashed.args.strategies as Address[]) ?? [];
    const wadSlashed = (slashed.args.wadSlashed as unknown[]) ?? [];
    const wadsToSlash = Array.isArray(params.wadsToSlash) ? params.wadsToSlash : [];
    const rec: SlashRecord = {
      slashId,
      operatorSet,
      operator,
      slasher: e.sender as Address,
      description: typeof slashed.args.description === "string" ? slashed.args.description : "",
      seq: e.seq,
      block: e.block,
      timestamp: e.timestamp,
      txHash: e.txHash,
      strategies: strategies.map((strategy, i) => ({
        strategy,
        wadToSlash: toBig(wadsToSlash[i]),
        wadSlashed: toBig(wadSlashed[i]),
        sharesSlashed: toBig(
          events.find(
            (ev) =>
              ev.event === "OperatorSharesSlashed" && ev.args.operator === operator && ev.args.strategy === strategy,
          )?.args.totalSlashedShares,
        ),
      })),
      cleared: [],
    };
    this.records.push(rec);
    this.byKey.set(pendingSlashKey(operatorSet, slashId), rec);
  }

  private applyClear(e: LogEntry, events: Ev[]): void {
    for (const ev of events) {
      if (ev.event !== "BurnOrRedistributableSharesDecreased") continue;
      const rec = this.byKey.get(pendingSlashKey(ev.args.operatorSet as SetKey, toBig(ev.args.slashId)));
      rec?.cleared.push({
        strategy: ev.args.strategy as Address,
        shares: toBig(ev.args.shares),
        seq: e.seq,
        block: e.block,
      });
    }
  }

  /** The history, oldest first, with what is still waiting to be burned or redistributed from the ledger's state. */
  async query(
    ledger: Ledger,
    filter: { operator?: Address; avs?: Address; operatorSet?: SetKey },
  ): Promise<Out<typeof SlashesOut>> {
    await this.sync();
    const s = ledger.state;
    const slashes: Out<typeof SlashOut>[] = [];
    for (const r of this.records) {
      const { avs, id } = parseSetKey(r.operatorSet);
      if (filter.operator !== undefined && r.operator !== filter.operator) continue;
      if (filter.avs !== undefined && avs !== filter.avs) continue;
      if (filter.operatorSet !== undefined && r.operatorSet !== filter.operatorSet) continue;
      const pending = s.pendingSlashes.get(pendingSlashKey(r.operatorSet, r.slashId));
      slashes.push({
        slashId: r.slashId.toString(),
        operatorSet: r.operatorSet,
        avs,
        operatorSetId: id.toString(),
        operator: r.operator,
        slasher: r.slasher,
        description: r.description,
        seq: r.seq,
        block: r.block.toString(),
        timestamp: r.timestamp.toString(),
        txHash: r.txHash,
        strategies: r.strategies.map((x) => ({
          strategy: x.strategy,
          wadToSlash: x.wadToSlash.toString(),
          wadSlashed: x.wadSlashed.toString(),
          sharesSlashed: x.sharesSlashed.toString(),
        })),
        cleared: r.cleared.map((c) => ({
          strategy: c.strategy,
          shares: c.shares.toString(),
          seq: c.seq,
          block: c.block.toString(),
        })),
        pending:
          pending === undefined
            ? null
            : {
                resolutionBlock: pending.resolutionBlock.toString(),
                shares: pending.shares.map(([strategy, shares]) => ({ strategy, shares: shares.toString() })),
              },
      });
    }
    return { slashes, indexedThroughSeq: this.indexedThroughSeq };
  }
}
