import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import { ProtocolError, require } from "../core/shared/errors.ts";
import { WAD } from "../core/shared/math.ts";
import {
  BEACON_DEPOSIT_CONTRACT,
  BPS,
  burnTokens,
  core,
  deriveAddress,
  emit,
  getLrt,
  getLst,
  lstByToken,
  mintTokens,
  moveTokens,
  putLrt,
  type Run,
  requireRole,
} from "./context.ts";
import * as etherfi from "./etherfi.ts";
import * as kelp from "./kelp.ts";
import { lstRate, lstSubmit } from "./lst.ts";
import { KELP_MAX_ASSET_PRICE, KELP_MAX_NODE_DELEGATORS, KELP_MIN_ASSET_PRICE, validateParams } from "./params.ts";
import * as puffer from "./puffer.ts";
import { getRequest, newRequest } from "./queue.ts";
import * as renzo from "./renzo.ts";
import {
  ALL_PAUSE_FLAGS,
  type Book,
  type Delegator,
  L1,
  type LrtParams,
  type LrtRecord,
  type LrtRoles,
  PAUSE,
  type PauseFlag,
  PROTOCOL_KINDS,
  type ProtocolKind,
  type World,
} from "./state.ts";
import * as swell from "./swell.ts";
import { assetAmount, ethValue, type Holding, holdings, livePrice, sumValue, VALIDATOR_ETH } from "./valuation.ts";

/** The LRT framework: one set of commands, with each protocol's rules behind its policy module. */

const ADDRESS = /^0x[0-9a-f]{40}$/;

/* ------------------------------------------------------------------ reads shared by commands and views */

/** The protocol's own rate: ETH per 1e18 LRT tokens (eETH: per 1e18 shares, i.e. weETH's getRate). */
export function protocolRate(w: World, rec: LrtRecord, block: bigint, now: bigint, strict = false): bigint {
  switch (rec.protocol) {
    case "etherfi":
      return etherfi.rate(rec);
    case "renzo":
      return strict
        ? renzo.rate(w, rec, block, now, true)
        : rec.supply === 0n
          ? WAD
          : (renzo.tvlOrZero(w, rec, block, now) * WAD) / rec.supply;
    case "kelp":
      return kelp.rate(rec);
    case "puffer":
      return puffer.rate(w, rec, block, now);
    case "swell":
      return swell.rate(rec);
  }
}

/** The value the protocol's rate is computed on (ether.fi P, Renzo TVL, Kelp price·supply, Puffer totalAssets, Swell reserves). */
export function protocolValue(w: World, rec: LrtRecord, block: bigint, now: bigint): bigint {
  switch (rec.protocol) {
    case "etherfi":
      return etherfi.pooledEther(rec);
    case "renzo":
      return renzo.tvlOrZero(w, rec, block, now);
    case "kelp":
      return (kelp.rate(rec) * rec.supply) / WAD;
    case "puffer":
      return puffer.totalAssets(w, rec, block, now);
    case "swell":
      return swell.book(rec).reserves;
  }
}

export function effectivePaused(rec: LrtRecord): bigint {
  return rec.book.kind === "renzo" ? rec.paused | rec.book.riskPausedFlags : rec.paused;
}

function requireNotPaused(rec: LrtRecord, flag: PauseFlag): void {
  require((effectivePaused(rec) & PAUSE[flag]) === 0n, "LrtPaused", `${flag} are paused`, { lrt: rec.id, flag });
}

function delegatorAt(rec: LrtRecord, index: bigint): Delegator {
  const d = rec.delegators[Number(index)];
  require(index >= 0n && d !== undefined, "UnknownDelegator", undefined, { index });
  return d;
}

/** What backs the tokens: everything but ETH set aside for finalized requests (Renzo's queue is its buffer). */
const liveHoldings = (w: World, rec: LrtRecord, block: bigint): Holding[] =>
  rec.protocol === "renzo" ? holdings(w, rec, block) : holdings(w, rec, block).filter((h) => h.kind !== "escrow");

/* ------------------------------------------------------------------ set-up */

export interface CreateLrtParams {
  id: string;
  protocol: ProtocolKind;
  symbol: string;
  wrappedSymbol?: string | null;
  roles: LrtRoles;
  assets: Address[];
  params: LrtParams;
}

function initialBook(protocol: ProtocolKind, params: LrtParams, now: bigint): Book {
  switch (protocol) {
    case "etherfi":
      return {
        kind: "etherfi",
        inLp: 0n,
        outOfLp: 0n,
        bucketRemaining: params.bucketCapacity / 10n ** 12n,
        bucketLastRefill: now,
      };
    case "renzo":
      return { kind: "renzo", riskPausedFlags: 0n, riskCooldownSeconds: 0n, reserved: [] };
    case "kelp":
      return { kind: "kelp", price: WAD, committed: [] };
    case "puffer":
      return { kind: "puffer", lockedEth: 0n, vestAmount: 0n, vestStart: now, vestWindow: 0n };
    case "swell":
      return { kind: "swell", reserves: 0n, rate: WAD };
  }
}

export function createLrt(run: Run, p: CreateLrtParams): LrtRecord {
  const { w, ctx } = run;
  require(ctx.caller === w.eigen.params.admin, "OnlyCoreAdmin", "LRTs are deployed by the core admin");
  require(/^[a-z0-9][a-z0-9-]{0,31}$/.test(p.id), "InvalidLrtParams", "id: 1–32 lower-case letters, digits, '-'");
  require(!w.lrt.lrts.has(p.id), "LrtAlreadyExists", undefined, { lrt: p.id });
  require(PROTOCOL_KINDS.includes(p.protocol), "UnsupportedProtocol", undefined, { protocol: p.protocol });
  for (const [role, a] of Object.entries(p.roles)) require(ADDRESS.test(a), "InvalidAddress", `roles.${role}`);
  require(p.assets.length > 0 && new Set(p.assets).size === p.assets.length, "InvalidLrtParams", "assets");
  for (const a of p.assets) {
    const l = a === NATIVE_ETH ? null : lstByToken(w, a);
    require(a === NATIVE_ETH || l !== undefined, "UnsupportedAsset", "deposit assets are ETH or LSTs", { asset: a });
    if (p.protocol === "kelp" && l) {
      const price = lstRate(l);
      require(price >= KELP_MIN_ASSET_PRICE && price <= KELP_MAX_ASSET_PRICE, "AssetPriceOutOfRange", undefined, {
        asset: a,
        price,
      });
    }
  }
  if (p.protocol === "swell")
    require(p.assets.length === 1 && p.assets[0] === NATIVE_ETH, "UnsupportedAsset", "rswETH takes ETH");
  const wrapped = p.wrappedSymbol ?? null;
  require(wrapped === null || p.protocol === "etherfi", "InvalidLrtParams", "only ether.fi has a wrapped token");
  require(/^[A-Za-z0-9]{1,16}$/.test(p.symbol) &&
    (wrapped === null || (/^[A-Za-z0-9]{1,16}$/.test(wrapped) && wrapped !== p.symbol)), "InvalidLrtParams", "symbol");
  validateParams(p.protocol, p.params);
  const rec: LrtRecord = {
    id: p.id,
    protocol: p.protocol,
    symbol: p.symbol,
    wrappedSymbol: wrapped,
    roles: { ...p.roles },
    accounts: {
      pool: deriveAddress(`lrt/${p.id}/pool`),
      queue: deriveAddress(`lrt/${p.id}/queue`),
      wrapper: deriveAddress(`lrt/${p.id}/wrapper`),
      bonds: deriveAddress(`lrt/${p.id}/bonds`),
    },
    assets: [...p.assets],
    params: p.params,
    delegators: [],
    supply: 0n,
    paused: 0n,
    book: initialBook(p.protocol, p.params, ctx.timestamp),
    nextRequestId: 1n,
    lastFinalizedId: 0n,
    lastReportBlock: ctx.block,
    lastReportTimestamp: ctx.timestamp,
    lastStaleFinalizationBlock: 0n,
  };
  putLrt(w, rec);
  if (p.protocol === "renzo") renzo.updateFeeds(run, rec, []);
  emit(run, "LrtCreated", { lrt: rec.id, protocol: rec.protocol, symbol: rec.symbol, pool: rec.accounts.pool });
  return rec;
}

export function addDelegator(run: Run, p: { lrt: string; operator: Address; weightBps: bigint }): Delegator {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  requireRole(ctx.caller === rec.roles.admin, "OnlyLrtAdmin", ctx.caller);
  const max = rec.protocol === "kelp" ? rec.params.maxDelegators || KELP_MAX_NODE_DELEGATORS : 0n;
  require(max === 0n || BigInt(rec.delegators.length) < max, "TooManyDelegators", undefined, { max });
  require(!rec.delegators.some((d) => d.operator === p.operator), "DuplicateDelegator", "one delegator per operator");
  const total = rec.delegators.reduce((a, d) => a + d.weightBps, 0n) + p.weightBps;
  require(total <= BPS, "InvalidLrtParams", "delegator weights sum to at most 10000 bps");
  const d: Delegator = {
    address: deriveAddress(`lrt/${rec.id}/delegator/${rec.delegators.length}`),
    operator: p.operator,
    weightBps: p.weightBps,
    nativeStaked: 0n,
  };
  core(run, d.address, { type: "delegateTo", operator: p.operator });
  putLrt(w, { ...rec, delegators: [...rec.delegators, d] });
  emit(run, "DelegatorAdded", {
    lrt: rec.id,
    index: BigInt(rec.delegators.length),
    delegator: d.address,
    operator: d.operator,
    weightBps: d.weightBps,
  });
  return d;
}

export function setDelegatorWeight(run: Run, p: { lrt: string; delegator: bigint; weightBps: bigint }): void {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  requireRole(ctx.caller === rec.roles.admin, "OnlyLrtAdmin", ctx.caller);
  delegatorAt(rec, p.delegator);
  const delegators = rec.delegators.map((d, i) => (BigInt(i) === p.delegator ? { ...d, weightBps: p.weightBps } : d));
  require(delegators.reduce((a, d) => a + d.weightBps, 0n) <=
    BPS, "InvalidLrtParams", "weights sum to at most 10000 bps");
  putLrt(w, { ...rec, delegators });
  emit(run, "DelegatorWeightSet", { lrt: rec.id, index: p.delegator, weightBps: p.weightBps });
}

export function setParams(run: Run, p: { lrt: string; params: Partial<LrtParams> }): void {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  requireRole(ctx.caller === rec.roles.admin, "OnlyLrtAdmin", ctx.caller);
  for (const k of Object.keys(p.params))
    require(Object.hasOwn(rec.params, k), "InvalidLrtParams", `unknown parameter ${k}`);
  const params = { ...rec.params, ...p.params };
  validateParams(rec.protocol, params);
  putLrt(w, { ...rec, params });
  emit(run, "ParamsSet", { lrt: rec.id, params: p.params });
}

export function pause(run: Run, p: { lrt: string; flags: bigint }, pausing: boolean): void {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  if (pausing)
    requireRole(ctx.caller === rec.roles.pauser || ctx.caller === rec.roles.admin, "OnlyLrtPauser", ctx.caller);
  else requireRole(ctx.caller === rec.roles.admin, "OnlyLrtAdmin", ctx.caller);
  require(p.flags > 0n && (p.flags & ~ALL_PAUSE_FLAGS) === 0n, "InvalidLrtParams", "flags");
  const paused = pausing ? rec.paused | p.flags : rec.paused & ~p.flags;
  putLrt(w, { ...rec, paused });
  emit(run, pausing ? "Paused" : "Unpaused", { lrt: rec.id, flags: p.flags, paused });
}

/** Renzo's RiskOracleMiddleware: DEPOSIT/WITHDRAW_REQUEST/CLAIM/INSTANT_WITHDRAW paused and WITHDRAW_COOLDOWN_PERIOD. */
export function riskOracleUpdate(run: Run, p: { lrt: string; pausedFlags: bigint; cooldownSeconds: bigint }): void {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  require(rec.protocol === "renzo", "UnsupportedForProtocol", "only Renzo reads a risk oracle");
  requireRole(ctx.caller === rec.roles.riskOracle, "OnlyRiskOracle", ctx.caller);
  const allowed = PAUSE.deposits | PAUSE.withdrawRequests | PAUSE.claims | PAUSE.instantWithdrawals;
  require((p.pausedFlags & ~allowed) === 0n, "InvalidLrtParams", "risk-oracle flags");
  putLrt(w, {
    ...rec,
    book: { ...renzo.book(rec), riskPausedFlags: p.pausedFlags, riskCooldownSeconds: p.cooldownSeconds },
  });
  emit(run, "RiskOracleUpdated", { lrt: rec.id, pausedFlags: p.pausedFlags, cooldownSeconds: p.cooldownSeconds });
}

/* ------------------------------------------------------------------ users */

function checkCaps(w: World, rec: LrtRecord, asset: Address, amount: bigint, value: bigint, block: bigint): void {
  const p = rec.params;
  require(amount >= p.minDeposit, "BelowMinimumDeposit", undefined, { minDeposit: p.minDeposit, amount });
  const cap = p.assetCaps.find(([a]) => a === asset)?.[1];
  const needsHoldings = p.depositCap > 0n || (cap !== undefined && cap > 0n);
  if (!needsHoldings) return;
  const hs = liveHoldings(w, rec, block);
  if (p.depositCap > 0n) {
    const total = sumValue(hs);
    require(total + value <= p.depositCap, "DepositCapExceeded", undefined, { total, value, cap: p.depositCap });
  }
  if (cap !== undefined && cap > 0n) {
    const held = assetAmount(hs, asset);
    require(held + amount <= cap, "AssetCapExceeded", undefined, { asset, held, amount, cap });
  }
}

export function deposit(
  run: Run,
  p: { lrt: string; asset: Address; amount: bigint; minOut?: bigint | undefined },
): { minted: bigint; value: bigint } {
  const { w, ctx } = run;
  let rec = getLrt(w, p.lrt);
  requireNotPaused(rec, "deposits");
  require(p.amount > 0n, "ZeroAmount");
  require(rec.assets.includes(p.asset), "UnsupportedAsset", undefined, { asset: p.asset });
  const user = ctx.caller;
  let minted: bigint;
  let value: bigint;
  switch (rec.protocol) {
    case "etherfi": {
      value = ethValue(p.amount, livePrice(w, p.asset));
      checkCaps(w, rec, p.asset, p.amount, value, ctx.block);
      core(run, user, { type: "transfer", token: p.asset, to: rec.accounts.pool, amount: p.amount });
      minted = etherfi.deposit(run, rec, p.asset, value, user);
      break;
    }
    case "renzo": {
      const t = renzo.tvl(w, rec, ctx.block, ctx.timestamp);
      value = ethValue(p.amount, renzo.feedPrice(w, rec, p.asset, ctx.timestamp, true));
      checkCaps(w, rec, p.asset, p.amount, value, ctx.block);
      minted = renzo.mintAmount(rec, t.total, value);
      require(minted > 0n, "ZeroAmount", "the deposit mints nothing");
      putLrt(w, { ...rec, supply: rec.supply + minted });
      mintTokens(run, rec.id, rec.symbol, user, minted);
      renzo.routeDeposit(run, getLrt(w, rec.id), user, p.asset, p.amount, t.perDelegator, t.total);
      break;
    }
    case "kelp": {
      const price = livePrice(w, p.asset);
      value = ethValue(p.amount, price);
      checkCaps(w, rec, p.asset, p.amount, value, ctx.block);
      minted = kelp.mintAmount(rec, p.amount, price);
      require(minted > 0n, "ZeroAmount", "the deposit mints nothing");
      core(run, user, { type: "transfer", token: p.asset, to: rec.accounts.pool, amount: p.amount });
      putLrt(w, { ...rec, supply: rec.supply + minted });
      mintTokens(run, rec.id, rec.symbol, user, minted);
      break;
    }
    case "puffer": {
      value = ethValue(p.amount, livePrice(w, p.asset));
      checkCaps(w, rec, p.asset, p.amount, value, ctx.block);
      const A = puffer.totalAssets(w, rec, ctx.block, ctx.timestamp);
      minted = puffer.convertToShares(A, rec.supply, value);
      require(minted > 0n, "ZeroAmount", "the deposit mints nothing");
      core(run, user, { type: "transfer", token: p.asset, to: rec.accounts.pool, amount: p.amount });
      putLrt(w, { ...rec, supply: rec.supply + minted });
      mintTokens(run, rec.id, rec.symbol, user, minted);
      break;
    }
    case "swell": {
      value = p.amount;
      checkCaps(w, rec, p.asset, p.amount, value, ctx.block);
      minted = swell.mintAmount(rec, p.amount);
      require(minted > 0n, "ZeroAmount", "the deposit mints nothing");
      core(run, user, { type: "transfer", token: p.asset, to: rec.accounts.pool, amount: p.amount });
      const b = swell.book(rec);
      rec = { ...rec, supply: rec.supply + minted, book: { ...b, reserves: b.reserves + p.amount } };
      putLrt(w, rec);
      mintTokens(run, rec.id, rec.symbol, user, minted);
      break;
    }
  }
  if (p.minOut !== undefined) require(minted >= p.minOut, "SlippageExceeded", undefined, { minted, minOut: p.minOut });
  emit(run, "Deposit", { lrt: p.lrt, depositor: user, asset: p.asset, amount: p.amount, value, minted });
  return { minted, value };
}

function requireBounds(rec: LrtRecord, amount: bigint): void {
  const p = rec.params;
  require(amount >= p.minWithdrawal, "BelowMinimumWithdrawal", undefined, { min: p.minWithdrawal, amount });
  require(p.maxWithdrawal === 0n || amount <= p.maxWithdrawal, "AboveMaximumWithdrawal", undefined, {
    max: p.maxWithdrawal,
    amount,
  });
}

export function requestWithdrawal(run: Run, p: { lrt: string; amount: bigint; asset?: Address | undefined }): bigint {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  requireNotPaused(rec, "withdrawRequests");
  require(p.amount > 0n, "ZeroAmount");
  requireBounds(rec, p.amount);
  const asset = p.asset ?? NATIVE_ETH;
  const multiAsset = rec.protocol === "kelp" || rec.protocol === "renzo";
  require(multiAsset ? rec.assets.includes(asset) : asset === NATIVE_ETH, "UnsupportedAsset", "not a payout asset", {
    asset,
  });
  const owner = ctx.caller;
  const queue = rec.accounts.queue;
  switch (rec.protocol) {
    case "etherfi":
      return etherfi.requestWithdrawal(run, rec, owner, p.amount).id;
    case "renzo": {
      const { amount, rate } = renzo.requestAmount(w, rec, asset, p.amount, ctx.block, ctx.timestamp);
      require(amount > 0n, "ZeroAmount", "the request redeems nothing");
      const available = renzo.availableBuffer(w, rec, asset);
      require(available >= amount, "InsufficientBufferLiquidity", undefined, { available, amount });
      moveTokens(run, rec.id, rec.symbol, owner, queue, p.amount);
      putLrt(w, renzo.withReserved(rec, asset, amount));
      return newRequest(run, getLrt(w, rec.id), owner, asset, p.amount, amount, rate).id;
    }
    case "kelp": {
      const expected = kelp.expectedAsset(rec, p.amount, livePrice(w, asset));
      require(expected > 0n, "ZeroAmount", "the request expects nothing");
      const available = kelp.totalAssetDeposits(w, rec, asset, ctx.block) - kelp.committed(rec, asset);
      require(available >= expected, "InsufficientAssetAvailable", undefined, { available, expected });
      moveTokens(run, rec.id, rec.symbol, owner, queue, p.amount);
      putLrt(w, kelp.withCommitted(rec, asset, expected));
      return newRequest(run, getLrt(w, rec.id), owner, asset, p.amount, expected, kelp.rate(rec)).id;
    }
    case "puffer": {
      const r = puffer.rate(w, rec, ctx.block, ctx.timestamp);
      moveTokens(run, rec.id, rec.symbol, owner, queue, p.amount);
      return newRequest(run, rec, owner, NATIVE_ETH, p.amount, (p.amount * r) / WAD, r).id;
    }
    case "swell": {
      const r = swell.rate(rec);
      moveTokens(run, rec.id, rec.symbol, owner, queue, p.amount);
      return newRequest(run, rec, owner, NATIVE_ETH, p.amount, (p.amount * r) / WAD, r).id;
    }
  }
}

export function claimWithdrawal(run: Run, p: { lrt: string; id: bigint }): bigint {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  const req = getRequest(w, rec.id, p.id);
  require(req.owner === ctx.caller, "NotRequestOwner");
  require(req.status !== "claimed", "RequestAlreadyClaimed");
  require(req.status !== "invalid", "RequestInvalidated");
  requireNotPaused(rec, "claims");
  let payout: bigint;
  if (rec.protocol === "renzo") {
    const instant =
      rec.params.whitelist.includes(req.owner) && (effectivePaused(rec) & PAUSE.instantWithdrawals) === 0n;
    const claimableAt = req.requestedAt + renzo.cooldown(rec);
    require(instant || ctx.timestamp >= claimableAt, "ClaimTooEarly", undefined, { claimableAt });
    payout = renzo.claim(run, rec, req);
  } else {
    require(req.status === "finalized", "RequestNotFinalized");
    if (rec.protocol === "kelp") {
      const claimableAt = req.requestedBlock + rec.params.withdrawalDelayBlocks;
      require(ctx.block >= claimableAt, "ClaimTooEarly", undefined, { claimableAtBlock: claimableAt });
    }
    payout =
      rec.protocol === "etherfi"
        ? etherfi.claim(run, rec, req)
        : rec.protocol === "kelp"
          ? kelp.claim(run, rec, req)
          : rec.protocol === "puffer"
            ? puffer.claim(run, rec, req)
            : swell.claim(run, rec, req);
  }
  w.lrt.requests.set(`${rec.id}|${req.id}`, { ...getRequest(w, rec.id, req.id), status: "claimed", payout });
  emit(run, "WithdrawalClaimed", {
    lrt: rec.id,
    id: req.id,
    owner: req.owner,
    asset: req.asset,
    amountAtRequest: req.amountAtRequest,
    payout,
  });
  return payout;
}

export function instantRedeem(run: Run, p: { lrt: string; amount: bigint }): bigint {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  requireNotPaused(rec, "instantWithdrawals");
  require(p.amount > 0n, "ZeroAmount");
  switch (rec.protocol) {
    case "etherfi":
      return etherfi.instantRedeem(run, rec, ctx.caller, p.amount);
    case "puffer":
      return puffer.instantRedeem(run, rec, ctx.caller, p.amount);
    default:
      throw new ProtocolError("InstantRedeemUnsupported", `${rec.protocol} has no instant redemption`, { lrt: rec.id });
  }
}

/** The token a command names: the LRT token (default) or ether.fi's wrapped token. */
function tokenOf(rec: LrtRecord, token: string | undefined): string {
  const t = token ?? rec.symbol;
  require(t === rec.symbol || t === rec.wrappedSymbol, "UnknownLrtToken", undefined, { token: t });
  return t;
}

export function transfer(
  run: Run,
  p: { lrt: string; to: Address; amount: bigint; token?: string | undefined; chain?: string | undefined },
): void {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  const token = tokenOf(rec, p.token);
  const chain = p.chain ?? L1;
  const bridgeable = (rec.wrappedSymbol ?? rec.symbol) === token;
  require(chain === L1 || (bridgeable && w.lrt.routes.has(`${rec.id}|${chain}`)), "UnknownChain", undefined, { chain });
  require(p.amount > 0n, "ZeroAmount");
  let units = p.amount;
  if (rec.protocol === "etherfi" && token === rec.symbol) {
    units = etherfi.sharesForAmount(rec, p.amount);
    require(units > 0n, "ZeroAmount", "worth no shares");
  }
  moveTokens(run, rec.id, token, ctx.caller, p.to, units, chain);
}

/** weETH.wrap: eETH amount → sharesForAmount(amount) shares into the wrapper, as many weETH minted. */
export function wrap(run: Run, p: { lrt: string; amount: bigint }, wrapping: boolean): bigint {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  require(rec.wrappedSymbol !== null, "NoWrappedToken");
  require(p.amount > 0n, "ZeroAmount");
  if (wrapping) {
    const shares = etherfi.sharesForAmount(rec, p.amount);
    require(shares > 0n, "ZeroAmount", "worth no shares");
    moveTokens(run, rec.id, rec.symbol, ctx.caller, rec.accounts.wrapper, shares);
    mintTokens(run, rec.id, rec.wrappedSymbol, ctx.caller, shares);
    return shares;
  }
  // unwrap moves exactly the weETH amount of shares back (the eETH the holder sees is amountForShare of it)
  burnTokens(run, rec.id, rec.wrappedSymbol, ctx.caller, p.amount);
  moveTokens(run, rec.id, rec.symbol, rec.accounts.wrapper, ctx.caller, p.amount);
  return etherfi.amountForShare(rec, p.amount);
}

/* ------------------------------------------------------------------ oracle and queue operators */

export function report(
  run: Run,
  p: { lrt: string; finalizeUpTo?: bigint | undefined; prices?: [Address, bigint][] | undefined },
): Record<string, unknown> {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  requireNotPaused(rec, "reports");
  require(p.prices === undefined || rec.protocol === "renzo", "InvalidLrtParams", "only Renzo's oracle reports prices");
  require(p.finalizeUpTo === undefined ||
    rec.protocol === "etherfi", "InvalidLrtParams", "only ether.fi finalizes in its report");
  if (rec.protocol !== "kelp") requireRole(ctx.caller === rec.roles.oracle, "OnlyLrtOracle", ctx.caller);
  const elapsed = ctx.timestamp - rec.lastReportTimestamp;
  if (rec.protocol === "etherfi" || rec.protocol === "puffer" || rec.protocol === "swell") {
    require(elapsed > 0n && elapsed >= rec.params.minReportIntervalSeconds, "ReportTooSoon", undefined, {
      elapsed,
      minimum: rec.params.minReportIntervalSeconds,
    });
  }
  switch (rec.protocol) {
    case "etherfi": {
      const r = etherfi.rebase(run, rec, elapsed);
      const f = etherfi.finalize(run, getLrt(w, rec.id), p.finalizeUpTo ?? getLrt(w, rec.id).nextRequestId - 1n, {
        elapsedSeconds: elapsed,
        maxRequests: rec.params.maxRequestsPerReport > 0n ? rec.params.maxRequestsPerReport : null,
      });
      putLrt(w, { ...getLrt(w, rec.id), lastReportBlock: ctx.block, lastReportTimestamp: ctx.timestamp });
      return { ...r, finalized: f.count, finalizedAmount: f.amount };
    }
    case "renzo":
      renzo.updateFeeds(run, rec, p.prices ?? []);
      putLrt(w, { ...getLrt(w, rec.id), lastReportBlock: ctx.block, lastReportTimestamp: ctx.timestamp });
      return {};
    case "kelp":
      return { ...kelp.updatePrice(run, rec) };
    case "puffer":
      return { ...puffer.report(run, rec) };
    case "swell":
      return { ...swell.reprice(run, rec) };
  }
}

export function finalizeWithdrawals(
  run: Run,
  p: { lrt: string; upTo?: bigint | undefined; minPrice?: bigint | undefined; maxPrice?: bigint | undefined },
): Record<string, unknown> {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  const upTo = p.upTo ?? rec.nextRequestId - 1n;
  switch (rec.protocol) {
    case "etherfi":
    case "renzo":
      throw new ProtocolError(
        "FinalizationNotAvailable",
        rec.protocol === "etherfi"
          ? "ether.fi finalizes in the oracle report (or finalizeWhenStale)"
          : "Renzo claims after a cooldown",
      );
    case "kelp":
      requireRole(ctx.caller === rec.roles.manager, "OnlyLrtManager", ctx.caller);
      return { ...kelp.unlock(run, rec, upTo, { minPrice: p.minPrice ?? 0n, maxPrice: p.maxPrice ?? 0n }) };
    case "puffer":
      requireRole(ctx.caller === rec.roles.manager, "OnlyLrtManager", ctx.caller);
      return { ...puffer.finalizeBatch(run, rec) };
    case "swell":
      requireRole(ctx.caller === rec.roles.manager, "OnlyLrtManager", ctx.caller);
      return { ...swell.process(run, rec, upTo) };
  }
}

/** finalizeWithdrawalsWhenStale: anyone, once the oracle has been silent for the window, at most once per cooldown. */
export function finalizeWhenStale(run: Run, p: { lrt: string }): Record<string, unknown> {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  require(rec.protocol === "etherfi", "UnsupportedForProtocol", "ether.fi only");
  const openFrom = rec.lastReportBlock + rec.params.staleReportWindowBlocks;
  require(ctx.block >= openFrom, "OracleNotStale", undefined, { openFrom });
  const next = rec.lastStaleFinalizationBlock + rec.params.staleFinalizationCooldownBlocks;
  require(rec.lastStaleFinalizationBlock === 0n || ctx.block >= next, "StaleFinalizationCooldown", undefined, { next });
  const f = etherfi.finalize(run, rec, rec.nextRequestId - 1n, { elapsedSeconds: null, maxRequests: null });
  putLrt(w, { ...getLrt(w, rec.id), lastStaleFinalizationBlock: ctx.block });
  return { finalized: f.count, finalizedAmount: f.amount };
}

export function invalidateWithdrawal(run: Run, p: { lrt: string; id: bigint }): void {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  require(rec.protocol === "etherfi", "UnsupportedForProtocol", "ether.fi's guardian invalidates requests");
  requireRole(ctx.caller === rec.roles.admin, "OnlyLrtAdmin", ctx.caller);
  const req = getRequest(w, rec.id, p.id);
  require(req.status === "pending" && p.id > rec.lastFinalizedId, "RequestNotPending");
  w.lrt.requests.set(`${rec.id}|${p.id}`, { ...req, status: "invalid" });
  emit(run, "WithdrawalInvalidated", { lrt: rec.id, id: p.id });
}

/* ------------------------------------------------------------------ moving assets into and out of the core */

function requireManager(run: Run, rec: LrtRecord): void {
  requireRole(run.ctx.caller === rec.roles.manager, "OnlyLrtManager", run.ctx.caller);
}

/** Deposit routing: the first delegator below its target share of the LRT's value, else the first. */
export function chooseDelegator(w: World, rec: LrtRecord, block: bigint): number {
  require(rec.delegators.length > 0, "NoDelegators");
  const hs = liveHoldings(w, rec, block);
  const total = sumValue(hs);
  const per = rec.delegators.map((d) => sumValue(hs.filter((h) => h.delegator === d.address)));
  return renzo.chooseDelegator(rec, per, total);
}

export function restake(
  run: Run,
  p: { lrt: string; asset: Address; amount: bigint; delegator?: bigint | undefined },
): Address {
  const { w, ctx } = run;
  let rec = getLrt(w, p.lrt);
  requireManager(run, rec);
  require(p.amount > 0n, "ZeroAmount");
  require(rec.assets.includes(p.asset) &&
    p.asset !== NATIVE_ETH, "UnsupportedAsset", "restake LSTs; stake ETH natively", { asset: p.asset });
  const strategy = w.eigen.strategyForToken.get(p.asset);
  require(strategy !== undefined, "NoStrategyForAsset", undefined, { asset: p.asset });
  const held = balanceOf(w.eigen, p.asset, rec.accounts.pool);
  require(held >= p.amount, "InsufficientLiquidity", undefined, { held, amount: p.amount });
  const d =
    p.delegator === undefined ? rec.delegators[chooseDelegator(w, rec, ctx.block)]! : delegatorAt(rec, p.delegator);
  const value = ethValue(p.amount, livePrice(w, p.asset));
  core(run, rec.accounts.pool, { type: "transfer", token: p.asset, to: d.address, amount: p.amount });
  core(run, d.address, { type: "depositIntoStrategy", strategy, amount: p.amount });
  if (rec.protocol === "puffer") rec = puffer.moveOut(w, rec, d, value);
  emit(run, "Restaked", {
    lrt: rec.id,
    delegator: d.address,
    operator: d.operator,
    asset: p.asset,
    amount: p.amount,
    strategy,
    value,
  });
  return d.address;
}

export function stakeNative(run: Run, p: { lrt: string; delegator: bigint; validators: bigint }): bigint {
  const { w } = run;
  let rec = getLrt(w, p.lrt);
  requireManager(run, rec);
  require(p.validators > 0n && p.validators <= 1000n, "InvalidValidatorCount");
  require(rec.assets.includes(NATIVE_ETH), "UnsupportedAsset", "this LRT holds no ETH");
  const d = delegatorAt(rec, p.delegator);
  const amount = p.validators * VALIDATOR_ETH;
  const liquid = balanceOf(w.eigen, NATIVE_ETH, rec.accounts.pool);
  require(liquid >= amount, "InsufficientLiquidity", undefined, { liquid, amount });
  if (rec.protocol === "etherfi") require(etherfi.book(rec).inLp >= amount, "InsufficientLiquidity", "totalValueInLp");
  if (rec.protocol === "puffer") puffer.requireUnderBurst(rec, p.validators);
  if (!w.eigen.pods.has(d.address)) core(run, d.address, { type: "createPod" });
  core(run, rec.accounts.pool, { type: "transfer", token: NATIVE_ETH, to: BEACON_DEPOSIT_CONTRACT, amount });
  const delegators = rec.delegators.map((x) =>
    x.address === d.address ? { ...x, nativeStaked: x.nativeStaked + amount } : x,
  );
  rec = { ...rec, delegators };
  putLrt(w, rec);
  if (rec.protocol === "etherfi") rec = etherfi.moveLp(w, rec, amount);
  if (rec.protocol === "puffer") rec = puffer.moveOut(w, rec, d, amount);
  emit(run, "NativeStaked", {
    lrt: rec.id,
    delegator: d.address,
    validators: p.validators,
    amount,
    pod: w.eigen.pods.get(d.address)!.address,
  });
  return amount;
}

/** The delegator's pod starts a checkpoint (the beacon reporter then reports its validators' balances). */
export function startCheckpoint(run: Run, p: { lrt: string; delegator: bigint }): void {
  const rec = getLrt(run.w, p.lrt);
  requireManager(run, rec);
  const d = delegatorAt(rec, p.delegator);
  core(run, d.address, { type: "startCheckpoint" });
}

export function stakeLst(run: Run, p: { lrt: string; lst: string; amount: bigint }): bigint {
  const { w } = run;
  const rec = getLrt(w, p.lrt);
  requireManager(run, rec);
  const l = getLst(w, p.lst);
  require(rec.assets.includes(l.token), "UnsupportedAsset", "the LRT does not hold this LST", { lst: l.id });
  require(p.amount > 0n, "ZeroAmount");
  const liquid = balanceOf(w.eigen, NATIVE_ETH, rec.accounts.pool);
  require(liquid >= p.amount, "InsufficientLiquidity", undefined, { liquid, amount: p.amount });
  if (rec.protocol === "etherfi")
    require(etherfi.book(rec).inLp >= p.amount, "InsufficientLiquidity", "totalValueInLp");
  const shares = lstSubmit(run, { lst: l.id, amount: p.amount }, rec.accounts.pool);
  if (rec.protocol === "etherfi") etherfi.moveLp(w, rec, p.amount);
  emit(run, "LstStaked", { lrt: rec.id, lst: l.id, amount: p.amount, shares });
  return shares;
}

export function unstake(run: Run, p: { lrt: string; delegator: bigint; strategy: Address; shares: bigint }): string {
  const { w } = run;
  const rec = getLrt(w, p.lrt);
  requireManager(run, rec);
  require(p.shares > 0n, "ZeroAmount");
  const d = delegatorAt(rec, p.delegator);
  const r = core(run, d.address, {
    type: "queueWithdrawals",
    params: [{ strategies: [p.strategy], depositShares: [p.shares] }],
  });
  const root = (r.result.withdrawalRoots as string[])[0]!;
  w.lrt.unstakes.set(`${rec.id}|${root}`, { lrt: rec.id, delegator: d.address, root });
  emit(run, "UnstakeQueued", {
    lrt: rec.id,
    delegator: d.address,
    strategy: p.strategy,
    shares: p.shares,
    withdrawalRoot: root,
  });
  return root;
}

export function completeUnstake(run: Run, p: { lrt: string; withdrawalRoot: string }): bigint {
  const { w } = run;
  let rec = getLrt(w, p.lrt);
  requireManager(run, rec);
  const key = `${rec.id}|${p.withdrawalRoot}`;
  const u = w.lrt.unstakes.get(key);
  require(u !== undefined, "UnknownUnstake", undefined, { withdrawalRoot: p.withdrawalRoot });
  const d = rec.delegators.find((x) => x.address === u.delegator)!;
  const r = core(run, d.address, {
    type: "completeQueuedWithdrawal",
    withdrawalRoot: p.withdrawalRoot,
    receiveAsTokens: true,
  });
  const strategies = r.result.strategies as Address[];
  const tokens = r.result.tokens as bigint[];
  let value = 0n;
  let eth = 0n;
  strategies.forEach((st, i) => {
    const amount = tokens[i]!;
    if (amount === 0n) return;
    const asset = w.eigen.strategies.get(st)?.token ?? NATIVE_ETH;
    // Renzo: a completed withdrawal tops the withdraw buffer up to its target first (the rest goes to the pool)
    const fill = rec.protocol === "renzo" ? renzo.bufferGap(w, rec, asset, amount) : 0n;
    if (fill > 0n) core(run, d.address, { type: "transfer", token: asset, to: rec.accounts.queue, amount: fill });
    if (amount > fill)
      core(run, d.address, { type: "transfer", token: asset, to: rec.accounts.pool, amount: amount - fill });
    value += ethValue(amount, livePrice(w, asset));
    if (asset === NATIVE_ETH) eth += amount;
  });
  w.lrt.unstakes.delete(key);
  rec = getLrt(w, rec.id);
  if (rec.protocol === "etherfi" && eth > 0n) rec = etherfi.moveLp(w, rec, -eth);
  if (rec.protocol === "puffer") rec = puffer.moveOut(w, rec, d, -value);
  emit(run, "UnstakeCompleted", { lrt: rec.id, delegator: d.address, withdrawalRoot: p.withdrawalRoot, value });
  return value;
}

/** Rewards paid into the LRT (ETH): Renzo skims its fee, Puffer vests them, the others count them at the next report. */
export function depositRewards(run: Run, p: { lrt: string; amount: bigint }): void {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  require(p.amount > 0n, "ZeroAmount");
  require(rec.assets.includes(NATIVE_ETH), "UnsupportedAsset", "rewards are paid in ETH");
  if (rec.protocol === "renzo") renzo.depositRewards(run, rec, ctx.caller, p.amount);
  else if (rec.protocol === "puffer") puffer.depositRewards(run, rec, ctx.caller, p.amount);
  else {
    core(run, ctx.caller, { type: "transfer", token: NATIVE_ETH, to: rec.accounts.pool, amount: p.amount });
    emit(run, "RewardsDeposited", { lrt: rec.id, amount: p.amount });
  }
}

export function postBond(
  run: Run,
  p: { lrt: string; delegator: bigint; validators: bigint; enclave: boolean },
): bigint {
  const { w } = run;
  const rec = getLrt(w, p.lrt);
  require(rec.protocol === "puffer", "UnsupportedForProtocol", "node-operator bonds are Puffer's");
  requireNotPaused(rec, "deposits");
  return puffer.postBond(run, rec, delegatorAt(rec, p.delegator), p.validators, p.enclave);
}
