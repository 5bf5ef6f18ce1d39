import { ProtocolError, require } from "../shared/errors.ts";
import { mulDiv } from "../shared/math.ts";
import { type Context, type Events, emit, PAUSE, requireNotPaused } from "./context.ts";
import { increaseDelegatedShares } from "./delegationManager.ts";
import {
  BALANCE_OFFSET,
  DEFAULT_BURN_ADDRESS,
  MAX_STAKER_STRATEGY_LIST_LENGTH,
  MAX_TOTAL_SHARES,
  SHARES_OFFSET,
} from "./params.ts";
import { type Address, type EigenState, k2, type SetKey, type StakerRecord, type StrategyRecord } from "./state.ts";
import { balanceOf, transfer } from "./tokens.ts";

/* ------------------------------------------------------------------ StrategyBase (reference §3) */

export function getStrategy(s: EigenState, strategy: Address): StrategyRecord {
  const st = s.strategies.get(strategy);
  if (st === undefined) throw new ProtocolError("StrategyNotFound", "unknown strategy", { strategy });
  return st;
}

export function strategyBalance(s: EigenState, st: StrategyRecord): bigint {
  return balanceOf(s, st.token, st.address);
}

/** ⌊(B + 1000)·shares/(T + 1000)⌋ */
export function sharesToUnderlying(s: EigenState, strategy: Address, shares: bigint): bigint {
  const st = getStrategy(s, strategy);
  return mulDiv(strategyBalance(s, st) + BALANCE_OFFSET, shares, st.totalShares + SHARES_OFFSET);
}

/** ⌊amount·(T + 1000)/(B + 1000)⌋ */
export function underlyingToShares(s: EigenState, strategy: Address, amount: bigint): bigint {
  const st = getStrategy(s, strategy);
  return mulDiv(amount, st.totalShares + SHARES_OFFSET, strategyBalance(s, st) + BALANCE_OFFSET);
}

/** StrategyBase.deposit: the tokens are already in the strategy, so B includes `amount`. */
function strategyDeposit(s: EigenState, ev: Events, st: StrategyRecord, amount: bigint): bigint {
  const balance = strategyBalance(s, st);
  if (st.maxPerDeposit !== undefined) require(amount <= st.maxPerDeposit, "MaxPerDepositExceedsMax");
  if (st.maxTotalDeposits !== undefined) require(balance <= st.maxTotalDeposits, "BalanceExceedsMaxTotalDeposits");
  const virtualShares = st.totalShares + SHARES_OFFSET;
  const virtualBalance = balance + BALANCE_OFFSET;
  const newShares = mulDiv(amount, virtualShares, virtualBalance - amount);
  require(newShares !== 0n, "NewSharesZero");
  const totalShares = st.totalShares + newShares;
  require(totalShares <= MAX_TOTAL_SHARES, "TotalSharesExceedsMax");
  s.strategies.set(st.address, { ...st, totalShares });
  emit(ev, "ExchangeRateEmitted", {
    strategy: st.address,
    rate: mulDiv(10n ** 18n, virtualBalance, totalShares + SHARES_OFFSET),
  });
  return newShares;
}

/** StrategyBase.withdraw: pays ⌊(B + 1000)·shares/(T + 1000)⌋ with the prior T. */
function strategyWithdraw(s: EigenState, ev: Events, strategy: Address, recipient: Address, shares: bigint): bigint {
  const st = getStrategy(s, strategy);
  require(shares <= st.totalShares, "WithdrawalAmountExceedsTotalDeposits");
  const virtualBalance = strategyBalance(s, st) + BALANCE_OFFSET;
  const amountOut = mulDiv(virtualBalance, shares, st.totalShares + SHARES_OFFSET);
  const totalShares = st.totalShares - shares;
  s.strategies.set(strategy, { ...st, totalShares });
  emit(ev, "ExchangeRateEmitted", {
    strategy,
    rate: mulDiv(10n ** 18n, virtualBalance - amountOut, totalShares + SHARES_OFFSET),
  });
  transfer(s, ev, st.token, strategy, recipient, amountOut);
  return amountOut;
}

/* ------------------------------------------------------------------ StrategyManager (reference §4) */

export function getStaker(s: EigenState, staker: Address): StakerRecord {
  return s.stakers.get(staker) ?? { delegatedTo: null, strategyList: [], withdrawalNonce: 0n, withdrawalRoots: [] };
}

export function stakerDepositShares(s: EigenState, staker: Address, strategy: Address): bigint {
  return s.depositShares.get(k2(staker, strategy)) ?? 0n;
}

export interface DepositParams {
  strategy: Address;
  amount: bigint;
}

/** depositIntoStrategy: tokens come from the caller, shares go to the caller. */
export function depositIntoStrategy(s: EigenState, ctx: Context, ev: Events, p: DepositParams): bigint {
  requireNotPaused(s, "strategyManager", PAUSE.strategyManager.deposits);
  const st = getStrategy(s, p.strategy);
  require(st.whitelisted, "StrategyNotWhitelisted", undefined, { strategy: p.strategy });
  transfer(s, ev, st.token, ctx.caller, st.address, p.amount);
  const shares = strategyDeposit(s, ev, getStrategy(s, p.strategy), p.amount);
  const [prev, added] = addShares(s, ev, ctx.caller, p.strategy, shares);
  increaseDelegatedShares(s, ev, ctx.caller, p.strategy, prev, added);
  return shares;
}

/** _addShares: credits deposit shares, returns (prevDepositShares, addedShares). Emits Deposit. */
export function addShares(
  s: EigenState,
  ev: Events,
  staker: Address,
  strategy: Address,
  shares: bigint,
): [bigint, bigint] {
  require(shares !== 0n, "SharesAmountZero");
  const key = k2(staker, strategy);
  const prev = s.depositShares.get(key) ?? 0n;
  if (prev === 0n) {
    const rec = getStaker(s, staker);
    require(rec.strategyList.length < MAX_STAKER_STRATEGY_LIST_LENGTH, "MaxStrategiesExceeded");
    s.stakers.set(staker, { ...rec, strategyList: [...rec.strategyList, strategy] });
  }
  s.depositShares.set(key, prev + shares);
  emit(ev, "Deposit", { staker, strategy, shares });
  return [prev, shares];
}

/** removeDepositShares: no event; drops the strategy from the list (swap-and-pop) when it reaches 0. */
export function removeDepositShares(s: EigenState, staker: Address, strategy: Address, shares: bigint): bigint {
  require(shares !== 0n, "SharesAmountZero");
  const key = k2(staker, strategy);
  const current = s.depositShares.get(key) ?? 0n;
  require(shares <= current, "SharesAmountTooHigh", undefined, { staker, strategy, shares, current });
  const remaining = current - shares;
  if (remaining === 0n) {
    s.depositShares.delete(key);
    const rec = getStaker(s, staker);
    const list = [...rec.strategyList];
    const i = list.indexOf(strategy);
    require(i >= 0, "StrategyNotFound");
    list[i] = list[list.length - 1]!;
    list.pop();
    s.stakers.set(staker, { ...rec, strategyList: list });
  } else {
    s.depositShares.set(key, remaining);
  }
  return remaining;
}

export function withdrawSharesAsTokens(
  s: EigenState,
  ev: Events,
  staker: Address,
  strategy: Address,
  shares: bigint,
): bigint {
  return strategyWithdraw(s, ev, strategy, staker, shares);
}

/* ------------------------------------------------------------------ slashed funds (reference §4.3) */

export function pendingSlashKey(set: SetKey, slashId: bigint): string {
  return `${set}|${slashId}`;
}

/** Step 1 of the two-step burn: record the slashed shares of one strategy for (set, slashId). */
export function increaseBurnOrRedistributableShares(
  s: EigenState,
  ctx: Context,
  ev: Events,
  set: SetKey,
  slashId: bigint,
  strategy: Address,
  shares: bigint,
): void {
  const key = pendingSlashKey(set, slashId);
  const pending = s.pendingSlashes.get(key);
  if (pending === undefined) {
    s.pendingSlashes.set(key, {
      operatorSet: set,
      slashId,
      shares: [[strategy, shares]],
      resolutionBlock: ctx.block + s.params.slashResolutionDelayBlocks,
    });
  } else {
    require(!pending.shares.some(([st]) => st === strategy), "StrategyAlreadyInSlash");
    s.pendingSlashes.set(key, { ...pending, shares: [...pending.shares, [strategy, shares]] });
  }
  emit(ev, "BurnOrRedistributableSharesIncreased", { operatorSet: set, slashId, strategy, shares });
}

export interface ClearSlashParams {
  operatorSet: SetKey;
  slashId: bigint;
  /** only this strategy; all strategies of the slash when absent */
  strategy?: Address;
}

/** Step 2 (permissionless): turn the marked shares into tokens sent to the burn address or the recipient. */
export function clearBurnOrRedistributableShares(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: ClearSlashParams,
): bigint[] {
  requireNotPaused(s, "strategyManager", PAUSE.strategyManager.burnOrRedistribution);
  const key = pendingSlashKey(p.operatorSet, p.slashId);
  const pending = s.pendingSlashes.get(key);
  require(pending !== undefined, "SlashNotPending", undefined, { operatorSet: p.operatorSet, slashId: p.slashId });
  require(ctx.block > pending.resolutionBlock, "SlashResolutionDelayNotElapsed", undefined, {
    resolutionBlock: pending.resolutionBlock,
  });
  const set = s.operatorSets.get(p.operatorSet);
  const recipient = set?.redistributionRecipient ?? DEFAULT_BURN_ADDRESS;
  const amounts: bigint[] = [];
  const remaining: [Address, bigint][] = [];
  for (const [strategy, shares] of pending.shares) {
    if (p.strategy !== undefined && p.strategy !== strategy) {
      remaining.push([strategy, shares]);
      continue;
    }
    if (shares !== 0n) {
      amounts.push(strategyWithdraw(s, ev, strategy, recipient, shares));
      emit(ev, "BurnOrRedistributableSharesDecreased", {
        operatorSet: p.operatorSet,
        slashId: p.slashId,
        strategy,
        shares,
      });
    } else {
      amounts.push(0n);
    }
  }
  if (p.strategy !== undefined) require(remaining.length < pending.shares.length, "StrategyNotInSlash");
  if (remaining.length === 0) s.pendingSlashes.delete(key);
  else s.pendingSlashes.set(key, { ...pending, shares: remaining });
  return amounts;
}

/* ------------------------------------------------------------------ strategies and whitelist (admin) */

export interface AddStrategyParams {
  strategy: Address;
  token: Address;
  maxPerDeposit?: bigint;
  maxTotalDeposits?: bigint;
}

/** Deploys a StrategyBase over `token` and whitelists it (StrategyFactory.deployNewStrategy, admin-gated here). */
export function addStrategy(s: EigenState, ctx: Context, ev: Events, p: AddStrategyParams): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  require(s.tokens.has(p.token), "UnknownToken", undefined, { token: p.token });
  require(!s.strategies.has(p.strategy), "StrategyAlreadyExists", undefined, { strategy: p.strategy });
  require(!s.strategyForToken.has(p.token), "StrategyAlreadyExists", "one strategy per token", { token: p.token });
  s.strategies.set(p.strategy, { address: p.strategy, token: p.token, totalShares: 0n, whitelisted: true });
  s.strategyForToken.set(p.token, p.strategy);
  emit(ev, "StrategySetForToken", { token: p.token, strategy: p.strategy });
  emit(ev, "StrategyAddedToDepositWhitelist", { strategy: p.strategy });
  if (p.maxPerDeposit !== undefined || p.maxTotalDeposits !== undefined) {
    setStrategyDepositLimits(s, ctx, ev, {
      strategy: p.strategy,
      maxPerDeposit: p.maxPerDeposit ?? p.maxTotalDeposits!,
      maxTotalDeposits: p.maxTotalDeposits ?? p.maxPerDeposit!,
    });
  }
}

export function setStrategyWhitelisted(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { strategy: Address; whitelisted: boolean },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const st = getStrategy(s, p.strategy);
  if (st.whitelisted === p.whitelisted) return;
  s.strategies.set(p.strategy, { ...st, whitelisted: p.whitelisted });
  emit(ev, p.whitelisted ? "StrategyAddedToDepositWhitelist" : "StrategyRemovedFromDepositWhitelist", {
    strategy: p.strategy,
  });
}

export function setStrategyDepositLimits(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { strategy: Address; maxPerDeposit: bigint; maxTotalDeposits: bigint },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const st = getStrategy(s, p.strategy);
  require(p.maxPerDeposit <= p.maxTotalDeposits, "MaxPerDepositExceedsMax");
  s.strategies.set(p.strategy, { ...st, maxPerDeposit: p.maxPerDeposit, maxTotalDeposits: p.maxTotalDeposits });
  emit(ev, "MaxPerDepositUpdated", {
    strategy: p.strategy,
    previousValue: st.maxPerDeposit ?? 0n,
    newValue: p.maxPerDeposit,
  });
  emit(ev, "MaxTotalDepositsUpdated", {
    strategy: p.strategy,
    previousValue: st.maxTotalDeposits ?? 0n,
    newValue: p.maxTotalDeposits,
  });
}
