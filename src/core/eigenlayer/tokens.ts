import { require } from "../shared/errors.ts";
import { type Context, type Events, emit } from "./context.ts";
import type { Address, EigenState } from "./state.ts";
import { k2 } from "./state.ts";

/** A minimal ERC-20 ledger for the underlying tokens: strategies hold real balances, so donations move rates. */

export function balanceOf(s: EigenState, token: Address, holder: Address): bigint {
  return s.balances.get(k2(token, holder)) ?? 0n;
}

function setBalance(s: EigenState, token: Address, holder: Address, value: bigint): void {
  const key = k2(token, holder);
  if (value === 0n) s.balances.delete(key);
  else s.balances.set(key, value);
}

export function transfer(s: EigenState, ev: Events, token: Address, from: Address, to: Address, amount: bigint): void {
  require(s.tokens.has(token), "UnknownToken", undefined, { token });
  const fromBalance = balanceOf(s, token, from);
  require(fromBalance >= amount, "ERC20InsufficientBalance", undefined, { token, from, balance: fromBalance, amount });
  if (from === to || amount === 0n) return;
  setBalance(s, token, from, fromBalance - amount);
  setBalance(s, token, to, balanceOf(s, token, to) + amount);
  emit(ev, "Transfer", { token, from, to, value: amount });
}

export function mint(s: EigenState, ev: Events, token: Address, to: Address, amount: bigint): void {
  require(s.tokens.has(token), "UnknownToken", undefined, { token });
  setBalance(s, token, to, balanceOf(s, token, to) + amount);
  emit(ev, "Transfer", { token, from: "0x0000000000000000000000000000000000000000", to, value: amount });
}

export interface CreateTokenParams {
  token: Address;
  symbol: string;
  decimals: number;
}

export function createToken(s: EigenState, ctx: Context, ev: Events, p: CreateTokenParams): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  require(!s.tokens.has(p.token), "TokenAlreadyExists", undefined, { token: p.token });
  require(Number.isInteger(p.decimals) && p.decimals >= 0 && p.decimals <= 36, "InvalidDecimals");
  s.tokens.set(p.token, { address: p.token, symbol: p.symbol, decimals: p.decimals });
  emit(ev, "TokenCreated", { token: p.token, symbol: p.symbol, decimals: p.decimals });
}
