import { type EigenCommand, type ExecuteResult, execute } from "../core/eigenlayer/commands.ts";
import { createEigenState } from "../core/eigenlayer/create.ts";
import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY, type EigenParams } from "../core/eigenlayer/params.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { WAD } from "../core/shared/math.ts";
import { executeLrt, type LrtCommand, type LrtExecuteResult } from "./commands.ts";
import { deriveAddress, getLrt, getLst } from "./context.ts";
import { LST_PRESETS, PRESET_ORDER, PRESETS, presetCommand } from "./presets.ts";
import { createLrtState, type LrtRoles, type ProtocolKind, type World } from "./state.ts";

/**
 * A world driven block by block (12 s per block), and the demo world the CLI shows: the three LSTs, three
 * operators in one AVS's operator set, and the five LRT presets with deposits, restaking, native staking, queued
 * withdrawals, reports and bridged supply — all built through `execute` and `executeLrt`, as transactions would.
 */
export class LrtChain {
  readonly w: World;
  block: bigint;

  constructor(params: Partial<EigenParams> = {}, startBlock = 1n) {
    const eigen = createEigenState(params);
    this.w = { eigen, lrt: createLrtState(eigen) };
    this.block = startBlock;
  }

  get admin(): Address {
    return this.w.eigen.params.admin;
  }

  get timestamp(): bigint {
    return this.block * 12n;
  }

  ctx(caller: Address) {
    return { block: this.block, timestamp: this.timestamp, caller };
  }

  core(caller: Address, command: EigenCommand): ExecuteResult {
    return execute(this.w.eigen, this.ctx(caller), command);
  }

  lrt(caller: Address, command: LrtCommand): LrtExecuteResult {
    return executeLrt(this.w, this.ctx(caller), command);
  }

  advance(blocks: bigint): void {
    this.block += blocks;
  }

  /** Mints native ETH to `to` (the admin's faucet). */
  fund(to: Address, amount: bigint): void {
    this.core(this.admin, { type: "mint", token: NATIVE_ETH, to, amount });
  }
}

export const role = (name: string): Address => deriveAddress(`demo/${name}`);

export function demoRoles(prefix: string): LrtRoles {
  return {
    admin: role(`${prefix}/admin`),
    oracle: role(`${prefix}/oracle`),
    manager: role(`${prefix}/manager`),
    pauser: role(`${prefix}/pauser`),
    riskOracle: role(`${prefix}/risk-oracle`),
    treasury: role(`${prefix}/treasury`),
    nodeOperatorRewards: role(`${prefix}/node-operators`),
  };
}

export const DEMO_DELAYS = {
  minWithdrawalDelayBlocks: 50n,
  deallocationDelayBlocks: 50n,
  allocationConfigurationDelayBlocks: 10n,
  slashResolutionDelayBlocks: 10n,
} as const;

export interface DemoWorld {
  chain: LrtChain;
  lsts: Record<string, Address>;
  strategies: Record<string, Address>;
  operators: Address[];
  avs: Address;
  users: Address[];
  verifier: Address;
}

/** Deploys the three LSTs with a core strategy each and some history (rewards), and returns their tokens. */
export function deployLsts(
  c: LrtChain,
  oracle: Address,
  seeder: Address,
  history = true,
): { lsts: Record<string, Address>; strategies: Record<string, Address> } {
  const lsts: Record<string, Address> = {};
  const strategies: Record<string, Address> = {};
  c.fund(seeder, 100_000n * WAD);
  for (const p of LST_PRESETS) {
    c.lrt(c.admin, { type: "createLst", ...p, oracle, admin: c.admin });
    const token = getLst(c.w, p.id).token;
    const strategy = deriveAddress(`demo/strategy/${p.id}`);
    c.core(c.admin, { type: "addStrategy", strategy, token });
    lsts[p.id] = token;
    strategies[p.id] = strategy;
    c.lrt(seeder, { type: "lstSubmit", lst: p.id, amount: 10_000n * WAD });
  }
  // accrued history: stETH ≈ 1.17, rETH ≈ 1.12, cbETH ≈ 1.08 ETH per share
  c.advance(1n);
  if (!history) return { lsts, strategies };
  c.lrt(oracle, { type: "lstReport", lst: "steth", rewardsWei: 1_900n * WAD, penaltiesWei: 0n });
  c.lrt(oracle, { type: "lstReport", lst: "reth", rewardsWei: 1_200n * WAD, penaltiesWei: 0n });
  c.lrt(oracle, { type: "lstReport", lst: "cbeth", rewardsWei: 800n * WAD, penaltiesWei: 0n });
  return { lsts, strategies };
}

/** The in-memory demo world behind `restake lrt list|show` (no node: nothing is stored). */
export function buildDemoWorld(): DemoWorld {
  const c = new LrtChain({ ...DEMO_DELAYS });
  const lstOracle = role("lst-oracle");
  const { lsts, strategies } = deployLsts(c, lstOracle, role("lst-seeder"));
  const operators = [role("operator/0"), role("operator/1"), role("operator/2")];
  const avs = role("avs");
  const allStrategies = [...Object.values(strategies), BEACON_CHAIN_ETH_STRATEGY].sort();
  c.core(avs, { type: "updateAVSMetadataURI", avs, metadataURI: "demo-avs" });
  c.core(avs, { type: "createOperatorSets", avs, operatorSets: [{ operatorSetId: 1n, strategies: allStrategies }] });
  for (const op of operators) {
    c.core(op, { type: "registerAsOperator", allocationDelay: 0n });
    c.core(op, { type: "registerForOperatorSets", operator: op, avs, operatorSetIds: [1n] });
  }
  c.advance(DEMO_DELAYS.allocationConfigurationDelayBlocks + 1n);
  for (const op of operators) {
    c.core(op, {
      type: "modifyAllocations",
      operator: op,
      allocations: [
        { avs, operatorSetId: 1n, strategies: allStrategies, newMagnitudes: allStrategies.map(() => WAD / 2n) },
      ],
    });
  }
  const users = [0, 1, 2, 3].map((i) => role(`user/${i}`));
  for (const u of users) {
    c.fund(u, 1_000n * WAD);
    c.lrt(u, { type: "lstSubmit", lst: "steth", amount: 200n * WAD });
    c.lrt(u, { type: "lstSubmit", lst: "reth", amount: 100n * WAD });
    c.lrt(u, { type: "lstSubmit", lst: "cbeth", amount: 100n * WAD });
  }
  const verifier = role("bridge-verifier");
  const assets = { stETH: lsts.steth, rETH: lsts.reth, cbETH: lsts.cbeth };
  for (const kind of PRESET_ORDER) {
    const roles = demoRoles(kind);
    const cmd = presetCommand(kind, roles, assets);
    if (kind === "renzo") {
      cmd.params = {
        ...cmd.params,
        bufferTargets: [
          [NATIVE_ETH, 20n * WAD],
          [lsts.steth!, 10n * WAD],
        ],
      };
    }
    c.lrt(c.admin, cmd);
    const id = cmd.id;
    const weights = kind === "kelp" ? [5_000n, 5_000n] : [4_000n, 3_000n, 3_000n];
    weights.forEach((weightBps, i) => {
      c.lrt(roles.admin, { type: "addDelegator", lrt: id, operator: operators[i]!, weightBps });
    });
  }
  const [u0, u1, u2, u3] = users as [Address, Address, Address, Address];
  // deposits
  for (const kind of PRESET_ORDER) {
    const id = PRESETS[kind].id;
    c.lrt(u0, { type: "deposit", lrt: id, asset: NATIVE_ETH, amount: 100n * WAD });
    c.lrt(u1, { type: "deposit", lrt: id, asset: NATIVE_ETH, amount: 40n * WAD });
    const rec = getLrt(c.w, id);
    if (rec.assets.includes(lsts.steth!))
      c.lrt(u2, { type: "deposit", lrt: id, asset: lsts.steth!, amount: 30n * WAD });
    if (rec.assets.includes(lsts.reth!)) c.lrt(u3, { type: "deposit", lrt: id, asset: lsts.reth!, amount: 20n * WAD });
    if (rec.assets.includes(lsts.cbeth!))
      c.lrt(u3, { type: "deposit", lrt: id, asset: lsts.cbeth!, amount: 20n * WAD });
  }
  // restaking: LSTs into core strategies, ETH natively for ether.fi and Puffer
  c.advance(1n);
  for (const kind of ["etherfi", "kelp", "puffer"] as ProtocolKind[]) {
    const rec = getLrt(c.w, PRESETS[kind].id);
    for (const asset of rec.assets) {
      if (asset === NATIVE_ETH) continue;
      const held = c.w.eigen.balances.get(`${asset}|${rec.accounts.pool}`) ?? 0n;
      // in three parts, so the routing rule (first delegator under its target) spreads them
      for (let part = 0n; part < 3n; part++) {
        const amount = part < 2n ? held / 3n : held - 2n * (held / 3n);
        if (amount > 0n) c.lrt(rec.roles.manager, { type: "restake", lrt: rec.id, asset, amount });
      }
    }
  }
  const reporter = c.w.eigen.params.beaconReporter;
  for (const kind of ["etherfi", "puffer"] as ProtocolKind[]) {
    const rec = getLrt(c.w, PRESETS[kind].id);
    if (kind === "puffer") c.lrt(u1, { type: "postBond", lrt: rec.id, delegator: 2n, validators: 1n, enclave: false });
    c.lrt(rec.roles.manager, { type: "stakeNative", lrt: rec.id, delegator: 2n, validators: 1n });
    c.advance(1n);
    c.core(reporter, {
      type: "verifyWithdrawalCredentials",
      podOwner: getLrt(c.w, rec.id).delegators[2]!.address,
      validators: [{ validatorIndex: kind === "etherfi" ? 1001n : 2001n, effectiveBalanceGwei: 32_000_000_000n }],
    });
  }
  // bridges
  const routes: [ProtocolKind, string, "lockAndMint" | "burnAndMint"][] = [
    ["etherfi", "arbitrum", "lockAndMint"],
    ["kelp", "unichain", "lockAndMint"],
    ["renzo", "base", "burnAndMint"],
  ];
  for (const [kind, chain, mechanism] of routes) {
    const rec = getLrt(c.w, PRESETS[kind].id);
    c.lrt(rec.roles.admin, { type: "addBridgeRoute", lrt: rec.id, chain, mechanism, verifier });
  }
  c.lrt(u0, { type: "wrap", lrt: "eeth", amount: 30n * WAD });
  c.lrt(u0, { type: "bridgeOut", lrt: "eeth", fromChain: "ethereum", toChain: "arbitrum", to: u0, amount: 20n * WAD });
  c.lrt(u0, { type: "bridgeOut", lrt: "rseth", fromChain: "ethereum", toChain: "unichain", to: u0, amount: 25n * WAD });
  c.lrt(u0, { type: "bridgeOut", lrt: "ezeth", fromChain: "ethereum", toChain: "base", to: u0, amount: 10n * WAD });
  c.advance(5n);
  for (const [, chain] of routes) {
    const id = chain === "arbitrum" ? "eeth" : chain === "unichain" ? "rseth" : "ezeth";
    const amount = chain === "arbitrum" ? 20n * WAD : chain === "unichain" ? 25n * WAD : 10n * WAD;
    c.lrt(verifier, { type: "bridgeIn", lrt: id, fromChain: "ethereum", toChain: chain, nonce: 1n, to: u0, amount });
  }
  // a day of rewards, reports, and queued withdrawals
  c.advance(7_200n);
  c.lrt(lstOracle, { type: "lstReport", lst: "steth", rewardsWei: 3n * WAD, penaltiesWei: 0n });
  for (const kind of PRESET_ORDER) {
    const rec = getLrt(c.w, PRESETS[kind].id);
    c.lrt(kind === "kelp" ? u3 : rec.roles.oracle, { type: "report", lrt: rec.id });
    c.lrt(u1, { type: "requestWithdrawal", lrt: rec.id, amount: 5n * WAD });
  }
  return { chain: c, lsts, strategies, operators, avs, users, verifier };
}
