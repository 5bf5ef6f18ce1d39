/**
 * An undo journal. Commands mutate state in place and record how to undo each write; a command that throws is
 * rolled back to its mark, so a revert leaves the state exactly as it was (as an EVM revert does) without the
 * cost of copying the whole state per command.
 */
type Undo = { m: Map<unknown, unknown>; k: unknown; had: boolean; v: unknown } | (() => void);

export class Journal {
  private log: Undo[] = [];
  /** Depth of open transactions; writes outside one are not recorded. */
  private depth = 0;

  begin(): number {
    this.depth++;
    return this.log.length;
  }

  commit(): void {
    this.depth--;
    if (this.depth === 0) this.log.length = 0;
  }

  rollback(mark: number): void {
    const log = this.log;
    while (log.length > mark) {
      const u = log.pop()!;
      if (typeof u === "function") u();
      else if (u.had) u.m.set(u.k, u.v);
      else u.m.delete(u.k);
    }
    this.depth--;
    if (this.depth === 0) log.length = 0;
  }

  get recording(): boolean {
    return this.depth > 0;
  }

  recordSet(m: Map<unknown, unknown>, k: unknown): void {
    if (this.depth > 0) this.log.push({ m, k, had: m.has(k), v: m.get(k) });
  }

  record(undo: () => void): void {
    if (this.depth > 0) this.log.push(undo);
  }
}

/** A Map whose writes are journaled. Values are treated as immutable: replace a record, never mutate it. */
export class JMap<K, V> {
  readonly map: Map<K, V>;
  private readonly journal: Journal;

  constructor(journal: Journal, entries?: Iterable<readonly [K, V]>) {
    this.journal = journal;
    this.map = new Map(entries);
  }

  get(k: K): V | undefined {
    return this.map.get(k);
  }

  has(k: K): boolean {
    return this.map.has(k);
  }

  set(k: K, v: V): void {
    this.journal.recordSet(this.map as Map<unknown, unknown>, k);
    this.map.set(k, v);
  }

  delete(k: K): void {
    if (!this.map.has(k)) return;
    this.journal.recordSet(this.map as Map<unknown, unknown>, k);
    this.map.delete(k);
  }

  get size(): number {
    return this.map.size;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  /** Appends to an array value in place (histories grow long; copying them per write would be quadratic). */
  push<T>(k: K, item: T): void {
    const arr = this.map.get(k) as unknown as T[] | undefined;
    if (arr === undefined) {
      this.set(k, [item] as unknown as V);
      return;
    }
    arr.push(item);
    this.journal.record(() => {
      arr.pop();
    });
  }

  /** Replaces the last element of an array value in place. */
  replaceLast<T>(k: K, item: T): void {
    const arr = this.map.get(k) as unknown as T[];
    const i = arr.length - 1;
    const old = arr[i] as T;
    arr[i] = item;
    this.journal.record(() => {
      arr[i] = old;
    });
  }
}
