import { require } from "../core/shared/errors.ts";
import { k2, type MarketState } from "./state.ts";
import type { Address, AssetId, AssetRecord } from "./types.ts";

/** The wallet balances of the markets layer: what accounts hold outside pools and lending markets. */

export function asset(s: MarketState, id: AssetId): AssetRecord {
  const a = s.assets.get(id);
  require(a !== undefined, "UnknownAsset", `no asset ${id}`, { asset: id });
  return a;
}

export function balanceOf(s: MarketState, id: AssetId, holder: Address): bigint {
  return s.balances.get(k2(id, holder)) ?? 0n;
}

export function credit(s: MarketState, id: AssetId, holder: Address, amount: bigint): void {
  if (amount === 0n) return;
  s.balances.set(k2(id, holder), balanceOf(s, id, holder) + amount);
}

export function debit(s: MarketState, id: AssetId, holder: Address, amount: bigint): void {
  if (amount === 0n) return;
  const bal = balanceOf(s, id, holder);
  require(bal >= amount, "ERC20InsufficientBalance", `${holder} holds ${bal} ${id}, needs ${amount}`, {
    asset: id,
    holder,
    balance: bal,
    needed: amount,
  });
  if (bal === amount) s.balances.delete(k2(id, holder));
  else s.balances.set(k2(id, holder), bal - amount);
}

export function transfer(s: MarketState, id: AssetId, from: Address, to: Address, amount: bigint): void {
  debit(s, id, from, amount);
  credit(s, id, to, amount);
}
