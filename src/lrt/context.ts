import { keccak256, stringToBytes } from "viem";
import { type EigenCommand, type ExecuteResult, execute } from "../core/eigenlayer/commands.ts";
import type { Context } from "../core/eigenlayer/context.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { ProtocolError, require } from "../core/shared/errors.ts";
import { L1, type LrtRecord, type LstRecord, type World } from "./state.ts";

/** Who acts, and when: the same context as the core's. The LRT layer has no clock either. */
export type LrtContext = Context;

/** An event from the LRT layer, or from a core command it ran (source "eigenlayer"). */
export interface LrtEvent {
  source: "lrt" | "eigenlayer";
  event: string;
  args: Record<string, unknown>;
}

/** Everything a command handler needs: the world, the context and the event list it appends to. */
export interface Run {
  w: World;
  ctx: LrtContext;
  ev: LrtEvent[];
}

export function emit(run: Run, event: string, args: Record<string, unknown>): void {
  run.ev.push({ source: "lrt", event, args });
}

/**
 * Runs one core command as `caller` at the command's block and timestamp. This is the only way the LRT layer acts
 * in the core. It runs under the LRT command's journal mark, so a later failure undoes it too.
 */
export function core(run: Run, caller: Address, command: EigenCommand): ExecuteResult {
  const r = execute(run.w.eigen, { block: run.ctx.block, timestamp: run.ctx.timestamp, caller }, command);
  for (const e of r.events) run.ev.push({ source: "eigenlayer", event: e.event, args: e.args });
  return r;
}

/** A deterministic account for a protocol contract or sub-account: the low 20 bytes of keccak256(label). */
export function deriveAddress(label: string): Address {
  return `0x${keccak256(stringToBytes(`restake/${label}`)).slice(-40)}` as Address;
}

/** The beacon chain deposit contract: ETH sent here leaves the core's ledger for a validator. */
export const BEACON_DEPOSIT_CONTRACT = "0x00000000219ab540356cbb839cbe05303d7705fa" as const;

export function getLrt(w: World, id: string): LrtRecord {
  const r = w.lrt.lrts.get(id);
  if (r === undefined) throw new ProtocolError("UnknownLrt", `no LRT ${JSON.stringify(id)}`, { lrt: id });
  return r;
}

export function getLst(w: World, id: string): LstRecord {
  const r = w.lrt.lsts.get(id);
  if (r === undefined) throw new ProtocolError("UnknownLst", `no LST ${JSON.stringify(id)}`, { lst: id });
  return r;
}

/** The LST whose core token is `token`, if any. */
export function lstByToken(w: World, token: Address): LstRecord | undefined {
  for (const l of w.lrt.lsts.values()) if (l.token === token) return l;
  return undefined;
}

export function requireRole(ok: boolean, code: string, caller: Address): void {
  require(ok, code, "the caller does not hold this role", { caller });
}

export function putLrt(w: World, rec: LrtRecord): void {
  w.lrt.lrts.set(rec.id, rec);
}

/* ------------------------------------------------------------------ the LRT tokens' ledger, per chain */

const balKey = (lrt: string, symbol: string, chain: string, holder: Address): string =>
  `${lrt}|${symbol}|${chain}|${holder}`;
const supKey = (lrt: string, symbol: string, chain: string): string => `${lrt}|${symbol}|${chain}`;

export function tokenBalance(w: World, lrt: string, symbol: string, holder: Address, chain = L1): bigint {
  return w.lrt.balances.get(balKey(lrt, symbol, chain, holder)) ?? 0n;
}

export function chainSupply(w: World, lrt: string, symbol: string, chain = L1): bigint {
  return w.lrt.chainSupply.get(supKey(lrt, symbol, chain)) ?? 0n;
}

function setBalance(w: World, lrt: string, symbol: string, chain: string, holder: Address, v: bigint): void {
  const k = balKey(lrt, symbol, chain, holder);
  if (v === 0n) w.lrt.balances.delete(k);
  else w.lrt.balances.set(k, v);
}

function addSupply(w: World, lrt: string, symbol: string, chain: string, delta: bigint): void {
  const k = supKey(lrt, symbol, chain);
  const v = (w.lrt.chainSupply.get(k) ?? 0n) + delta;
  if (v === 0n) w.lrt.chainSupply.delete(k);
  else w.lrt.chainSupply.set(k, v);
}

export function mintTokens(run: Run, lrt: string, symbol: string, to: Address, amount: bigint, chain = L1): void {
  if (amount === 0n) return;
  setBalance(run.w, lrt, symbol, chain, to, tokenBalance(run.w, lrt, symbol, to, chain) + amount);
  addSupply(run.w, lrt, symbol, chain, amount);
  emit(run, "Transfer", { lrt, token: symbol, chain, from: "0x0000000000000000000000000000000000000000", to, amount });
}

export function burnTokens(run: Run, lrt: string, symbol: string, from: Address, amount: bigint, chain = L1): void {
  if (amount === 0n) return;
  const bal = tokenBalance(run.w, lrt, symbol, from, chain);
  require(bal >= amount, "InsufficientLrtBalance", undefined, { lrt, token: symbol, chain, holder: from, bal, amount });
  setBalance(run.w, lrt, symbol, chain, from, bal - amount);
  addSupply(run.w, lrt, symbol, chain, -amount);
  emit(run, "Transfer", { lrt, token: symbol, chain, from, to: "0x0000000000000000000000000000000000000000", amount });
}

export function moveTokens(
  run: Run,
  lrt: string,
  symbol: string,
  from: Address,
  to: Address,
  amount: bigint,
  chain = L1,
): void {
  const bal = tokenBalance(run.w, lrt, symbol, from, chain);
  require(bal >= amount, "InsufficientLrtBalance", undefined, { lrt, token: symbol, chain, holder: from, bal, amount });
  if (from === to || amount === 0n) return;
  setBalance(run.w, lrt, symbol, chain, from, bal - amount);
  setBalance(run.w, lrt, symbol, chain, to, tokenBalance(run.w, lrt, symbol, to, chain) + amount);
  emit(run, "Transfer", { lrt, token: symbol, chain, from, to, amount });
}

export const BPS = 10_000n;
export const DAY = 86_400n;
export const YEAR = 365n * DAY;
