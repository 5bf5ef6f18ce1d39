import type { Address } from "../core/eigenlayer/state.ts";
import { InvariantViolation, require } from "../core/shared/errors.ts";
import {
  burnTokens,
  chainSupply,
  deriveAddress,
  emit,
  getLrt,
  mintTokens,
  moveTokens,
  type Run,
  requireRole,
  tokenBalance,
} from "./context.ts";
import {
  type BridgeMechanism,
  type BridgeMessage,
  type BridgeRoute,
  L1,
  type LrtRecord,
  PAUSE,
  type World,
} from "./state.ts";

/**
 * Bridged supply. An LRT's bridgeable token (weETH for ether.fi, the LRT token otherwise) moves between the L1 and
 * L2s over routes: lock-and-mint (the L1 adapter locks tokens, the L2 mints; back: the L2 burns, the adapter
 * releases) or burn-and-mint (burn on one side, mint on the other). A message is delivered on the other side only
 * with the route verifier's attestation (a 1-of-1 DVN); the engine accepts a verified message that no bridgeOut sent,
 * exactly as the April 2026 rsETH bridge did. The invariant
 *     canonical L1 supply + Σ L2 supply + in flight = backed supply
 * (canonical L1 = L1 supply − locked in adapters; backed = minted against assets, or for weETH the eETH shares the
 * wrapper holds) then breaks by exactly the unbacked amount.
 */

export function bridgeSymbol(rec: LrtRecord): string {
  return rec.wrappedSymbol ?? rec.symbol;
}

export function routeOf(w: World, lrt: string, chain: string): BridgeRoute {
  const r = w.lrt.routes.get(`${lrt}|${chain}`);
  require(r !== undefined, "UnknownRoute", undefined, { lrt, chain });
  return r;
}

export function routes(w: World, lrt: string): BridgeRoute[] {
  const out: BridgeRoute[] = [];
  for (const r of w.lrt.routes.values()) if (r.lrt === lrt) out.push(r);
  return out.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
}

const CHAIN = /^[a-z][a-z0-9-]{0,31}$/;

export function addRoute(
  run: Run,
  p: { lrt: string; chain: string; mechanism: BridgeMechanism; verifier: Address },
): BridgeRoute {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  requireRole(ctx.caller === rec.roles.admin, "OnlyLrtAdmin", ctx.caller);
  require(CHAIN.test(p.chain) && p.chain !== L1, "UnknownChain", "an L2 chain id: lower-case letters, digits, '-'", {
    chain: p.chain,
  });
  require(p.mechanism === "lockAndMint" || p.mechanism === "burnAndMint", "InvalidLrtParams", "mechanism");
  require(!w.lrt.routes.has(`${rec.id}|${p.chain}`), "RouteAlreadyExists", undefined, { chain: p.chain });
  const route: BridgeRoute = {
    lrt: rec.id,
    chain: p.chain,
    mechanism: p.mechanism,
    verifier: p.verifier,
    escrow: deriveAddress(`lrt/${rec.id}/bridge/${p.chain}`),
    nonceOut: 1n,
    nonceIn: 1n,
  };
  w.lrt.routes.set(`${rec.id}|${p.chain}`, route);
  emit(run, "BridgeRouteAdded", { lrt: rec.id, chain: p.chain, mechanism: p.mechanism, verifier: p.verifier });
  return route;
}

function l2Of(fromChain: string, toChain: string): string {
  require(fromChain !== toChain, "SameChain");
  require(fromChain === L1 || toChain === L1, "UnknownRoute", "routes join the L1 and one L2");
  return fromChain === L1 ? toChain : fromChain;
}

const msgKey = (lrt: string, from: string, to: string, nonce: bigint) => `${lrt}|${from}|${to}|${nonce}`;

/** Burn (or lock, on the L1 of a lock-and-mint route) on the source chain and send the message. */
export function bridgeOut(
  run: Run,
  p: { lrt: string; fromChain: string; toChain: string; to: Address; amount: bigint },
): BridgeMessage {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  require((rec.paused & PAUSE.bridge) === 0n, "LrtPaused", "bridge", { flag: "bridge" });
  require(p.amount > 0n, "ZeroAmount");
  const route = routeOf(w, rec.id, l2Of(p.fromChain, p.toChain));
  const sym = bridgeSymbol(rec);
  if (p.fromChain === L1 && route.mechanism === "lockAndMint") {
    moveTokens(run, rec.id, sym, ctx.caller, route.escrow, p.amount, L1);
  } else {
    burnTokens(run, rec.id, sym, ctx.caller, p.amount, p.fromChain);
  }
  const outbound = p.fromChain === L1;
  const nonce = outbound ? route.nonceOut : route.nonceIn;
  w.lrt.routes.set(
    `${rec.id}|${route.chain}`,
    outbound ? { ...route, nonceOut: nonce + 1n } : { ...route, nonceIn: nonce + 1n },
  );
  const m: BridgeMessage = {
    lrt: rec.id,
    fromChain: p.fromChain,
    toChain: p.toChain,
    nonce,
    to: p.to,
    amount: p.amount,
    sent: true,
    delivered: false,
  };
  w.lrt.messages.set(msgKey(rec.id, p.fromChain, p.toChain, nonce), m);
  emit(run, "BridgeMessageSent", {
    lrt: rec.id,
    fromChain: p.fromChain,
    toChain: p.toChain,
    nonce,
    from: ctx.caller,
    to: p.to,
    amount: p.amount,
  });
  return m;
}

/**
 * Delivers a message the route's verifier attests to: mint on an L2 (or on the L1 of a burn-and-mint route), or
 * release from the L1 adapter. A message no bridgeOut sent is accepted on the verifier's word (a forged message).
 */
export function bridgeIn(
  run: Run,
  p: { lrt: string; fromChain: string; toChain: string; nonce: bigint; to: Address; amount: bigint },
): BridgeMessage {
  const { w, ctx } = run;
  const rec = getLrt(w, p.lrt);
  require(p.amount > 0n, "ZeroAmount");
  const route = routeOf(w, rec.id, l2Of(p.fromChain, p.toChain));
  requireRole(ctx.caller === route.verifier, "OnlyBridgeVerifier", ctx.caller);
  const key = msgKey(rec.id, p.fromChain, p.toChain, p.nonce);
  const sent = w.lrt.messages.get(key);
  require(sent === undefined || !sent.delivered, "BridgeMessageAlreadyDelivered", undefined, { nonce: p.nonce });
  if (sent !== undefined) {
    require(sent.to === p.to &&
      sent.amount === p.amount, "BridgeMessageMismatch", "the payload differs from the one sent");
  }
  const sym = bridgeSymbol(rec);
  if (p.toChain === L1 && route.mechanism === "lockAndMint") {
    const locked = tokenBalance(w, rec.id, sym, route.escrow, L1);
    require(locked >= p.amount, "BridgeEscrowInsufficient", undefined, { locked, amount: p.amount });
    moveTokens(run, rec.id, sym, route.escrow, p.to, p.amount, L1);
  } else {
    mintTokens(run, rec.id, sym, p.to, p.amount, p.toChain);
  }
  const m: BridgeMessage =
    sent !== undefined
      ? { ...sent, delivered: true }
      : {
          lrt: rec.id,
          fromChain: p.fromChain,
          toChain: p.toChain,
          nonce: p.nonce,
          to: p.to,
          amount: p.amount,
          sent: false,
          delivered: true,
        };
  w.lrt.messages.set(key, m);
  emit(run, "BridgeMessageDelivered", {
    lrt: rec.id,
    fromChain: p.fromChain,
    toChain: p.toChain,
    nonce: p.nonce,
    to: p.to,
    amount: p.amount,
    sentOnSource: m.sent,
  });
  return m;
}

export interface SupplyByChain {
  lrt: string;
  token: string;
  chains: { chain: string; supply: bigint; lockedInAdapter: bigint }[];
  /** L1 supply less what lock-and-mint adapters hold */
  canonicalL1: bigint;
  l2Total: bigint;
  inFlight: bigint;
  /** minted against assets (weETH: the eETH shares its wrapper holds) */
  backed: bigint;
  /** canonical + L2 + in flight − backed: 0 while every mint has its burn */
  unbacked: bigint;
  holds: boolean;
}

export function backedSupply(w: World, rec: LrtRecord): bigint {
  return rec.wrappedSymbol !== null ? tokenBalance(w, rec.id, rec.symbol, rec.accounts.wrapper, L1) : rec.supply;
}

export function supplyByChain(w: World, lrt: string): SupplyByChain {
  const rec = getLrt(w, lrt);
  const sym = bridgeSymbol(rec);
  const rs = routes(w, rec.id);
  let locked = 0n;
  for (const r of rs) if (r.mechanism === "lockAndMint") locked += tokenBalance(w, rec.id, sym, r.escrow, L1);
  const l1 = chainSupply(w, rec.id, sym, L1);
  const chains = [{ chain: L1, supply: l1, lockedInAdapter: locked }];
  let l2Total = 0n;
  for (const r of rs) {
    const s = chainSupply(w, rec.id, sym, r.chain);
    l2Total += s;
    chains.push({ chain: r.chain, supply: s, lockedInAdapter: 0n });
  }
  let inFlight = 0n;
  for (const m of w.lrt.messages.values()) if (m.lrt === rec.id && m.sent && !m.delivered) inFlight += m.amount;
  const canonicalL1 = l1 - locked;
  const backed = backedSupply(w, rec);
  const unbacked = canonicalL1 + l2Total + inFlight - backed;
  return { lrt: rec.id, token: sym, chains, canonicalL1, l2Total, inFlight, backed, unbacked, holds: unbacked === 0n };
}

/** Throws (an InvariantViolation: the supply is not what the assets back) when the bridged-supply invariant fails. */
export function assertBackedSupply(w: World, lrt: string): SupplyByChain {
  const s = supplyByChain(w, lrt);
  if (!s.holds) {
    throw new InvariantViolation("canonical L1 + Σ L2 + in flight ≠ backed supply", {
      lrt,
      unbacked: s.unbacked,
      backed: s.backed,
    });
  }
  return s;
}
