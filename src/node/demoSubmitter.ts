import type { Address } from "../core/eigenlayer/state.ts";
import { accountOf, type KeyFile } from "./keys.ts";
import type { Ledger, Receipt } from "./ledger.ts";
import { type SignedTx, signTx } from "./tx.ts";

/** How the demo finds a key by name (the public dev keys by default). */
export type KeySource = (name: string) => KeyFile;

/** One demo transaction: the signer's key name, the command, its wire parameters (bigints allowed). */
export type DemoCall = [string, string, Record<string, unknown>];

/** `x` units of a token with `decimals`, kept to 4 decimal places. */
export function units(x: number, decimals: number): bigint {
  return (BigInt(Math.round(x * 10_000)) * 10n ** BigInt(decimals)) / 10_000n;
}

/** Wire parameters: bigints as decimal strings, at any depth (numbers stay numbers). */
function toWire(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(toWire);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  }
  return v;
}

/** Signs with locally tracked nonces and submits in order; any rejection is a bug in the demo. */
export class Submitter {
  private readonly nonces = new Map<Address, bigint>();
  transactions = 0;
  constructor(
    private readonly ledger: Ledger,
    private readonly keys: KeySource,
  ) {}

  address(name: string): Address {
    return this.keys(name).address;
  }

  private async sign(name: string, command: string, params: Record<string, unknown>): Promise<SignedTx> {
    const key = this.keys(name);
    const nonce = this.nonces.get(key.address) ?? this.ledger.nonceOf(key.address);
    this.nonces.set(key.address, nonce + 1n);
    // chain time only moves forward: a year of chain time is ample for a batch submitted right now
    const deadline = this.ledger.time.timestamp + 86_400n * 365n;
    return signTx(accountOf(key), this.ledger.domain, {
      nonce,
      deadline,
      command,
      params: toWire(params) as Record<string, unknown>,
    });
  }

  /** Submits one batch (one group commit) and returns the receipts in order. */
  async run(calls: DemoCall[]): Promise<Receipt[]> {
    if (calls.length === 0) return [];
    const txs: SignedTx[] = [];
    for (const [name, command, params] of calls) txs.push(await this.sign(name, command, params));
    const outcomes = await this.ledger.submitBatch(txs);
    const receipts: Receipt[] = [];
    outcomes.forEach((o, i) => {
      if (o.status === "rejected") {
        const [name, command] = calls[i]!;
        throw new Error(`demo seeding: ${command} by ${name} was rejected: ${o.code}: ${o.message}`);
      }
      receipts.push(o);
    });
    this.transactions += receipts.length;
    return receipts;
  }
}
