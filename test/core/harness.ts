import { expect } from "vitest";
import { type EigenCommand, type ExecuteResult, execute } from "../../src/core/eigenlayer/commands.ts";
import type { EigenEvent } from "../../src/core/eigenlayer/context.ts";
import { createEigenState } from "../../src/core/eigenlayer/create.ts";
import { DEFAULT_ADMIN, type EigenParams } from "../../src/core/eigenlayer/params.ts";
import { stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import type { Address, EigenState } from "../../src/core/eigenlayer/state.ts";
import { ProtocolError } from "../../src/core/shared/errors.ts";

/** A deployment driven block by block through `execute`, as the contracts would be driven by transactions. */
export class Chain {
  readonly s: EigenState;
  block: bigint;

  constructor(params: Partial<EigenParams> = {}, startBlock = 1n) {
    this.s = createEigenState(params);
    this.block = startBlock;
  }

  get admin(): Address {
    return this.s.params.admin;
  }

  /** Seconds per block are 12; the timestamp only has to move forward with the block. */
  ctx(caller: Address) {
    return { block: this.block, timestamp: this.block * 12n, caller };
  }

  run(caller: Address, command: EigenCommand): ExecuteResult {
    return execute(this.s, this.ctx(caller), command);
  }

  /** Executes and expects the ProtocolError `code`; the state hash must be exactly as before. */
  reverts(caller: Address, command: EigenCommand, code: string): void {
    const before = stateHash(this.s);
    let thrown: unknown;
    try {
      execute(this.s, this.ctx(caller), command);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `${command.type} should revert with ${code}`).toBeInstanceOf(ProtocolError);
    expect((thrown as ProtocolError).code).toBe(code);
    expect(stateHash(this.s), `${command.type} reverted but changed the state`).toBe(before);
  }

  advanceTo(block: bigint): void {
    if (block < this.block) throw new Error("blocks never go backwards");
    this.block = block;
  }

  advance(blocks: bigint): void {
    this.block += blocks;
  }

  /** Creates a token, its strategy, and mints `amounts` to holders. */
  token(token: Address, strategy: Address, mints: [Address, bigint][] = []): void {
    this.run(this.admin, { type: "createToken", token, symbol: "TK", decimals: 18 });
    this.run(this.admin, { type: "addStrategy", strategy, token });
    for (const [to, amount] of mints) this.run(this.admin, { type: "mint", token, to, amount });
  }

  /** Mints exactly `amount` to `staker` and deposits it. Returns the deposit shares minted. */
  deposit(staker: Address, strategy: Address, amount: bigint): bigint {
    const token = this.s.strategies.get(strategy)!.token;
    this.run(this.admin, { type: "mint", token, to: staker, amount });
    return this.run(staker, { type: "depositIntoStrategy", strategy, amount }).result.depositShares as bigint;
  }

  /** Registers `avs` and creates set `id` over `strategies` (non-redistributing, the AVS is its own slasher). */
  operatorSet(avs: Address, id: bigint, strategies: Address[]): void {
    if (!this.s.avss.has(avs)) this.run(avs, { type: "updateAVSMetadataURI", avs, metadataURI: "" });
    this.run(avs, { type: "createOperatorSets", avs, operatorSets: [{ operatorSetId: id, strategies }] });
  }
}

export const ADMIN: Address = DEFAULT_ADMIN;

export const addr = (prefix: string, i: number): Address =>
  `0x${prefix}${i.toString(16).padStart(40 - prefix.length, "0")}` as Address;

/** The events named `name`, in emission order. */
export function eventsNamed(events: EigenEvent[], name: string): Record<string, unknown>[] {
  return events.filter((e) => e.event === name).map((e) => e.args);
}

/** The single event named `name`. */
export function onlyEvent(events: EigenEvent[], name: string): Record<string, unknown> {
  const found = eventsNamed(events, name);
  expect(found, `exactly one ${name}`).toHaveLength(1);
  return found[0]!;
}
