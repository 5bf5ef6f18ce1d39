import type { Address } from "../core/eigenlayer/state.ts";
import { ProtocolError, require } from "../core/shared/errors.ts";
import { checkUint256Ranges, transact } from "../core/shared/transact.ts";
import * as bridge from "./bridge.ts";
import type { LrtContext, LrtEvent, Run } from "./context.ts";
import * as lst from "./lst.ts";
import * as ops from "./operations.ts";
import type { BridgeMechanism, LrtParams, LrtRoles, LstKind, ProtocolKind, World } from "./state.ts";

/**
 * Every state-changing operation of the LRT layer, as one tagged union. The acting account is `ctx.caller`.
 * Amounts of an LST asset are in its core units (its shares); eETH amounts are eETH (rebasing) amounts.
 */
export type LrtCommand =
  // LSTs
  | {
      type: "createLst";
      id: string;
      symbol: string;
      kind: LstKind;
      feeBps: bigint;
      withdrawalDelaySeconds: bigint;
      oracle: Address;
      admin: Address;
    }
  | { type: "lstSubmit"; lst: string; amount: bigint }
  | { type: "lstReport"; lst: string; rewardsWei: bigint; penaltiesWei: bigint }
  | { type: "lstRequestWithdrawal"; lst: string; amount: bigint }
  | { type: "lstClaimWithdrawal"; lst: string; id: bigint }
  // LRT set-up
  | {
      type: "createLrt";
      id: string;
      protocol: ProtocolKind;
      symbol: string;
      wrappedSymbol?: string | null;
      roles: LrtRoles;
      assets: Address[];
      params: LrtParams;
    }
  | { type: "addDelegator"; lrt: string; operator: Address; weightBps: bigint }
  | { type: "setDelegatorWeight"; lrt: string; delegator: bigint; weightBps: bigint }
  | { type: "setParams"; lrt: string; params: Partial<LrtParams> }
  | { type: "pause"; lrt: string; flags: bigint }
  | { type: "unpause"; lrt: string; flags: bigint }
  | { type: "riskOracleUpdate"; lrt: string; pausedFlags: bigint; cooldownSeconds: bigint }
  | { type: "addBridgeRoute"; lrt: string; chain: string; mechanism: BridgeMechanism; verifier: Address }
  // holders
  | { type: "deposit"; lrt: string; asset: Address; amount: bigint; minOut?: bigint }
  | { type: "requestWithdrawal"; lrt: string; amount: bigint; asset?: Address }
  | { type: "claimWithdrawal"; lrt: string; id: bigint }
  | { type: "instantRedeem"; lrt: string; amount: bigint }
  | { type: "transfer"; lrt: string; to: Address; amount: bigint; token?: string; chain?: string }
  | { type: "wrap"; lrt: string; amount: bigint }
  | { type: "unwrap"; lrt: string; amount: bigint }
  | { type: "bridgeOut"; lrt: string; fromChain: string; toChain: string; to: Address; amount: bigint }
  | { type: "bridgeIn"; lrt: string; fromChain: string; toChain: string; nonce: bigint; to: Address; amount: bigint }
  // oracle, queue operators, managers
  | { type: "report"; lrt: string; finalizeUpTo?: bigint; prices?: [Address, bigint][] }
  | { type: "finalizeWithdrawals"; lrt: string; upTo?: bigint; minPrice?: bigint; maxPrice?: bigint }
  | { type: "finalizeWhenStale"; lrt: string }
  | { type: "invalidateWithdrawal"; lrt: string; id: bigint }
  | { type: "restake"; lrt: string; asset: Address; amount: bigint; delegator?: bigint }
  | { type: "stakeNative"; lrt: string; delegator: bigint; validators: bigint }
  | { type: "startCheckpoint"; lrt: string; delegator: bigint }
  | { type: "stakeLst"; lrt: string; lst: string; amount: bigint }
  | { type: "unstake"; lrt: string; delegator: bigint; strategy: Address; shares: bigint }
  | { type: "completeUnstake"; lrt: string; withdrawalRoot: string }
  | { type: "depositRewards"; lrt: string; amount: bigint }
  | { type: "postBond"; lrt: string; delegator: bigint; validators: bigint; enclave: boolean };

export type LrtCommandType = LrtCommand["type"];

export const LRT_COMMAND_TYPES: readonly LrtCommandType[] = [
  "createLst",
  "lstSubmit",
  "lstReport",
  "lstRequestWithdrawal",
  "lstClaimWithdrawal",
  "createLrt",
  "addDelegator",
  "setDelegatorWeight",
  "setParams",
  "pause",
  "unpause",
  "riskOracleUpdate",
  "addBridgeRoute",
  "deposit",
  "requestWithdrawal",
  "claimWithdrawal",
  "instantRedeem",
  "transfer",
  "wrap",
  "unwrap",
  "bridgeOut",
  "bridgeIn",
  "report",
  "finalizeWithdrawals",
  "finalizeWhenStale",
  "invalidateWithdrawal",
  "restake",
  "stakeNative",
  "startCheckpoint",
  "stakeLst",
  "unstake",
  "completeUnstake",
  "depositRewards",
  "postBond",
];

export interface LrtExecuteResult {
  events: LrtEvent[];
  result: Record<string, unknown>;
}

const ADDRESS = /^0x[0-9a-f]{40}$/;

function checkAddresses(value: unknown, path: string, key: string): void {
  if (typeof value === "string" && value.startsWith("0x") && key !== "withdrawalRoot") {
    require(ADDRESS.test(value), "InvalidAddress", `${path} must be a lower-case 20-byte hex address`, { path });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkAddresses(v, `${path}[${i}]`, key);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) checkAddresses(v, path ? `${path}.${k}` : k, k);
  }
}

function checkContext(w: World, ctx: LrtContext): void {
  require(ADDRESS.test(ctx.caller), "InvalidAddress", "caller must be a lower-case 20-byte hex address");
  const lastBlock = [w.eigen.globals.get("block") ?? 0n, w.lrt.globals.get("block") ?? 0n];
  const lastTs = [w.eigen.globals.get("timestamp") ?? 0n, w.lrt.globals.get("timestamp") ?? 0n];
  require(lastBlock.every((b) => ctx.block >= b), "BlockInPast", "blocks never go backwards", { block: ctx.block });
  require(lastTs.every((t) => ctx.timestamp >= t), "TimestampInPast", "timestamps never go backwards");
  require(ctx.block >= 0n && ctx.block <= 0xffffffffn, "InputOutOfRange", "block must fit uint32");
}

function dispatch(run: Run, c: LrtCommand): Record<string, unknown> {
  switch (c.type) {
    case "createLst":
      return { token: lst.createLst(run, c).token };
    case "lstSubmit":
      return { shares: lst.lstSubmit(run, c) };
    case "lstReport":
      lst.lstReport(run, c);
      return {};
    case "lstRequestWithdrawal":
      return { id: lst.lstRequestWithdrawal(run, c) };
    case "lstClaimWithdrawal":
      return { payout: lst.lstClaimWithdrawal(run, c) };
    case "createLrt": {
      const r = ops.createLrt(run, c);
      return { pool: r.accounts.pool, queue: r.accounts.queue };
    }
    case "addDelegator":
      return { delegator: ops.addDelegator(run, c).address };
    case "setDelegatorWeight":
      ops.setDelegatorWeight(run, c);
      return {};
    case "setParams":
      ops.setParams(run, c);
      return {};
    case "pause":
      ops.pause(run, c, true);
      return {};
    case "unpause":
      ops.pause(run, c, false);
      return {};
    case "riskOracleUpdate":
      ops.riskOracleUpdate(run, c);
      return {};
    case "addBridgeRoute":
      return { escrow: bridge.addRoute(run, c).escrow };
    case "deposit":
      return { ...ops.deposit(run, c) };
    case "requestWithdrawal":
      return { id: ops.requestWithdrawal(run, c) };
    case "claimWithdrawal":
      return { payout: ops.claimWithdrawal(run, c) };
    case "instantRedeem":
      return { payout: ops.instantRedeem(run, c) };
    case "transfer":
      ops.transfer(run, c);
      return {};
    case "wrap":
      return { wrapped: ops.wrap(run, c, true) };
    case "unwrap":
      return { unwrapped: ops.wrap(run, c, false) };
    case "bridgeOut":
      return { nonce: bridge.bridgeOut(run, c).nonce };
    case "bridgeIn":
      return { sentOnSource: bridge.bridgeIn(run, c).sent };
    case "report":
      return ops.report(run, c);
    case "finalizeWithdrawals":
      return ops.finalizeWithdrawals(run, c);
    case "finalizeWhenStale":
      return ops.finalizeWhenStale(run, c);
    case "invalidateWithdrawal":
      ops.invalidateWithdrawal(run, c);
      return {};
    case "restake":
      return { delegator: ops.restake(run, c) };
    case "stakeNative":
      return { amount: ops.stakeNative(run, c) };
    case "startCheckpoint":
      ops.startCheckpoint(run, c);
      return {};
    case "stakeLst":
      return { shares: ops.stakeLst(run, c) };
    case "unstake":
      return { withdrawalRoot: ops.unstake(run, c) };
    case "completeUnstake":
      return { value: ops.completeUnstake(run, c) };
    case "depositRewards":
      ops.depositRewards(run, c);
      return {};
    case "postBond":
      return { shares: ops.postBond(run, c) };
    default: {
      const unknown = (c as { type?: unknown }).type;
      throw new ProtocolError("UnknownCommand", `unknown LRT command ${String(unknown)}`, { type: unknown });
    }
  }
}

/**
 * Applies one LRT command to the world. On success every table (LRT and core) has advanced and the events are
 * returned; on failure a ProtocolError (or, for a bug, an InvariantViolation) is thrown and the world is exactly as
 * before: one journal mark covers the LRT tables and every core command the LRT ran. After each command the
 * bridged-supply invariant of the LRT it touched is checked, and a `SupplyInvariantViolated` event reports an
 * unbacked amount (the command itself is not refused: a forged bridge message is accepted on-chain too).
 */
export function executeLrt(world: World, ctx: LrtContext, command: LrtCommand): LrtExecuteResult {
  return transact(world.eigen.journal, command.type, () => {
    checkContext(world, ctx);
    checkUint256Ranges(command);
    checkAddresses(command, "", "");
    const run: Run = { w: world, ctx, ev: [] };
    const result = dispatch(run, command);
    const lrtId = (command as { lrt?: unknown }).lrt;
    if (typeof lrtId === "string" && world.lrt.lrts.has(lrtId)) {
      const s = bridge.supplyByChain(world, lrtId);
      if (!s.holds) {
        run.ev.push({
          source: "lrt",
          event: "SupplyInvariantViolated",
          args: { lrt: lrtId, token: s.token, unbacked: s.unbacked, backed: s.backed },
        });
      }
    }
    if (ctx.block !== (world.lrt.globals.get("block") ?? 0n)) world.lrt.globals.set("block", ctx.block);
    if (ctx.timestamp !== (world.lrt.globals.get("timestamp") ?? 0n)) world.lrt.globals.set("timestamp", ctx.timestamp);
    return { events: run.ev, result };
  });
}
