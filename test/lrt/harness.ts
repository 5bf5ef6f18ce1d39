import { expect } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../src/core/eigenlayer/params.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { balanceOf } from "../../src/core/eigenlayer/tokens.ts";
import { ProtocolError } from "../../src/core/shared/errors.ts";
import { WAD } from "../../src/core/shared/math.ts";
import type { LrtCommand } from "../../src/lrt/commands.ts";
import { getLrt, tokenBalance } from "../../src/lrt/context.ts";
import { DEMO_DELAYS, demoRoles, deployLsts, LrtChain, role } from "../../src/lrt/demo.ts";
import { presetCommand } from "../../src/lrt/presets.ts";
import { lrtStateHash } from "../../src/lrt/snapshot.ts";
import type { LrtParams, LrtRecord, LrtRoles, ProtocolKind } from "../../src/lrt/state.ts";

export const E = (n: number | bigint): bigint => BigInt(n) * WAD;
export { NATIVE_ETH, WAD };

export interface Setup {
  c: LrtChain;
  id: string;
  roles: LrtRoles;
  lsts: Record<string, Address>;
  strategies: Record<string, Address>;
  operators: Address[];
  avs: Address;
  users: Address[];
  lstOracle: Address;
  rec: () => LrtRecord;
}

/**
 * A world with the three LSTs (each with a core strategy), two operators allocating half of every strategy to one
 * AVS operator set, funded users, and one LRT from a preset with a delegator per operator.
 */
export function setup(
  kind: ProtocolKind,
  opts: { params?: Partial<LrtParams>; weights?: bigint[]; lstHistory?: boolean } = {},
): Setup {
  const c = new LrtChain({ ...DEMO_DELAYS });
  const lstOracle = role("lst-oracle");
  const { lsts, strategies } = deployLsts(c, lstOracle, role("lst-seeder"), opts.lstHistory ?? false);
  const operators = [role("op/0"), role("op/1")];
  const avs = role("avs");
  const all = [...Object.values(strategies), BEACON_CHAIN_ETH_STRATEGY].sort();
  c.core(avs, { type: "updateAVSMetadataURI", avs, metadataURI: "" });
  c.core(avs, { type: "createOperatorSets", avs, operatorSets: [{ operatorSetId: 1n, strategies: all }] });
  for (const op of operators) {
    c.core(op, { type: "registerAsOperator", allocationDelay: 0n });
    c.core(op, { type: "registerForOperatorSets", operator: op, avs, operatorSetIds: [1n] });
  }
  c.advance(DEMO_DELAYS.allocationConfigurationDelayBlocks + 1n);
  for (const op of operators) {
    c.core(op, {
      type: "modifyAllocations",
      operator: op,
      allocations: [{ avs, operatorSetId: 1n, strategies: all, newMagnitudes: all.map(() => WAD / 2n) }],
    });
  }
  const users = [0, 1, 2, 3].map((i) => role(`user/${i}`));
  for (const u of users) c.fund(u, E(10_000));
  const roles = demoRoles(kind);
  const cmd = presetCommand(
    kind,
    roles,
    { stETH: lsts.steth, rETH: lsts.reth, cbETH: lsts.cbeth },
    { params: opts.params ?? {} },
  );
  c.lrt(c.admin, cmd);
  const weights = opts.weights ?? [5_000n, 5_000n];
  weights.forEach((weightBps, i) => {
    c.lrt(roles.admin, { type: "addDelegator", lrt: cmd.id, operator: operators[i]!, weightBps });
  });
  c.advance(1n);
  return { c, id: cmd.id, roles, lsts, strategies, operators, avs, users, lstOracle, rec: () => getLrt(c.w, cmd.id) };
}

/** Executes and expects ProtocolError `code`; the world hash must be exactly as before. */
export function reverts(c: LrtChain, caller: Address, command: LrtCommand, code: string): void {
  const before = lrtStateHash(c.w);
  let thrown: unknown;
  try {
    c.lrt(caller, command);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${command.type} should revert with ${code}`).toBeInstanceOf(ProtocolError);
  expect((thrown as ProtocolError).code, (thrown as Error).message).toBe(code);
  expect(lrtStateHash(c.w), `${command.type} reverted but changed the world`).toBe(before);
}

export const ethOf = (s: Setup, who: Address): bigint => balanceOf(s.c.w.eigen, NATIVE_ETH, who);
export const tokensOf = (s: Setup, who: Address, symbol?: string, chain = "ethereum"): bigint =>
  tokenBalance(s.c.w, s.id, symbol ?? s.rec().symbol, who, chain);

/** The AVS slashes `operator` by `wad` on every strategy of set 1. */
export function slash(s: Setup, operator: Address, wad: bigint): void {
  const strategies = [...Object.values(s.strategies), BEACON_CHAIN_ETH_STRATEGY].sort();
  s.c.core(s.avs, {
    type: "slashOperator",
    avs: s.avs,
    operator,
    operatorSetId: 1n,
    strategies,
    wadsToSlash: strategies.map(() => wad),
  });
}

export function eventsNamed(events: { event: string; args: Record<string, unknown> }[], name: string) {
  return events.filter((e) => e.event === name).map((e) => e.args);
}
