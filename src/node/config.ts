import { MAINNET_DELAYS } from "../core/eigenlayer/params.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import type { EventStore } from "../store/types.ts";
import type { ClockConfig } from "./clock.ts";
import { NodeError } from "./errors.ts";
import { devKey } from "./keys.ts";
import type { LedgerOptions } from "./ledger.ts";
import { deploymentAddress } from "./tx.ts";

/**
 * Node configuration.
 *
 * Two kinds of settings:
 * - protocol settings (chain id, deployment, admin, beacon reporter, delays) decide what the log means: they are in
 *   the EIP-712 domain or in the engine's parameters, hence in every state hash. They are written to the store's meta
 *   table (`node-config`) the first time a store is opened by `serve`, and from then on they come from the store;
 *   `replay`, `verify` and `snapshot` need no flags, and a flag that contradicts the stored value is an error instead
 *   of a silently different chain.
 * - runtime settings (clock, snapshot interval) can change from one run to the next: the log records the block and
 *   timestamp of every entry, so a replay never consults the clock.
 *
 * Defaults: chain id 31337, deployment "local", admin and beacon reporter the PUBLIC dev keys "admin" and
 * "beacon-reporter" (fine on a laptop, never anywhere that matters: pass --admin/--beacon-reporter), Ethereum
 * mainnet delays (≈14 days to withdraw), a real-time clock with 12-second blocks.
 *
 * The demo (`serve --demo`) uses DEMO_DELAYS instead so that a visitor can watch a withdrawal become completable
 * and a deallocation take effect within minutes: 25 blocks to withdraw or deallocate (5 minutes at 12 s per block),
 * 10 blocks for configuration changes and slash resolution (2 minutes). Anything else about the protocol is the same.
 */

export interface Delays {
  minWithdrawalDelayBlocks: bigint;
  deallocationDelayBlocks: bigint;
  allocationConfigurationDelayBlocks: bigint;
  slashResolutionDelayBlocks: bigint;
}

export const DEMO_DELAYS: Delays = {
  minWithdrawalDelayBlocks: 25n,
  deallocationDelayBlocks: 25n,
  allocationConfigurationDelayBlocks: 10n,
  slashResolutionDelayBlocks: 10n,
};

export const DELAY_PRESETS = { mainnet: { ...MAINNET_DELAYS } as Delays, demo: DEMO_DELAYS } as const;
export type DelayPreset = keyof typeof DELAY_PRESETS;

export const DEFAULT_CHAIN_ID = 31337n;
export const DEFAULT_DEPLOYMENT = "local";
export const DEFAULT_BLOCK_TIME_SECONDS = 12n;
export const DEFAULT_PORT = 7420;
export const DEFAULT_SNAPSHOT_EVERY = 1000;
export const CONFIG_META_KEY = "node-config";

/** What the log means; fixed when the store is created. */
export interface ProtocolConfig {
  chainId: bigint;
  deploymentName: string;
  deployment: Address;
  admin: Address;
  beaconReporter: Address;
  delays: Delays;
}

export interface NodeConfig extends ProtocolConfig {
  clock: ClockConfig;
  snapshotEvery: number;
}

/** Settings as given on the command line; undefined means "not given". */
export interface ConfigInput {
  chainId?: string | bigint;
  deployment?: string;
  admin?: string;
  beaconReporter?: string;
  delays?: string;
  demo?: boolean;
  manualClock?: boolean;
  blockTime?: string | bigint;
  snapshotEvery?: string | number;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function positiveBigInt(value: string | bigint, what: string, min = 1n): bigint {
  const v = typeof value === "bigint" ? value : /^\d{1,20}$/.test(value.trim()) ? BigInt(value.trim()) : null;
  if (v === null || v < min)
    throw new Error(`${what} must be an integer ≥ ${min}, got ${JSON.stringify(String(value))}`);
  return v;
}

function addressArg(value: string, what: string): Address {
  if (!ADDRESS.test(value)) throw new Error(`${what} must be a 20-byte hex address, got ${JSON.stringify(value)}`);
  return value.toLowerCase() as Address;
}

/** The protocol settings the input asks for, defaults filled in, plus which of them were given explicitly. */
export function protocolConfig(input: ConfigInput = {}): {
  config: ProtocolConfig;
  explicit: Set<keyof ProtocolConfig>;
} {
  const explicit = new Set<keyof ProtocolConfig>();
  const chainId = input.chainId === undefined ? DEFAULT_CHAIN_ID : positiveBigInt(input.chainId, "--chain-id");
  if (input.chainId !== undefined) explicit.add("chainId");
  const deploymentName = input.deployment ?? DEFAULT_DEPLOYMENT;
  if (!DEPLOYMENT_NAME.test(deploymentName)) {
    throw new Error(
      `--deployment must be 1-64 letters, digits, ".", "_" or "-", got ${JSON.stringify(deploymentName)}`,
    );
  }
  if (input.deployment !== undefined) explicit.add("deployment");
  const admin = input.admin === undefined ? devKey("admin").address : addressArg(input.admin, "--admin");
  if (input.admin !== undefined) explicit.add("admin");
  const beaconReporter =
    input.beaconReporter === undefined
      ? devKey("beacon-reporter").address
      : addressArg(input.beaconReporter, "--beacon-reporter");
  if (input.beaconReporter !== undefined) explicit.add("beaconReporter");
  let preset: DelayPreset = input.demo ? "demo" : "mainnet";
  if (input.delays !== undefined) {
    if (!Object.hasOwn(DELAY_PRESETS, input.delays)) {
      throw new Error(
        `--delays must be one of ${Object.keys(DELAY_PRESETS).join(", ")}, got ${JSON.stringify(input.delays)}`,
      );
    }
    preset = input.delays as DelayPreset;
    explicit.add("delays");
  }
  return {
    config: {
      chainId,
      deploymentName,
      deployment: deploymentAddress(deploymentName),
      admin,
      beaconReporter,
      delays: { ...DELAY_PRESETS[preset] },
    },
    explicit,
  };
}

export function clockConfig(input: ConfigInput = {}, now: () => number = Date.now): ClockConfig {
  const blockTimeSeconds =
    input.blockTime === undefined ? DEFAULT_BLOCK_TIME_SECONDS : positiveBigInt(input.blockTime, "--block-time");
  return input.manualClock ? { mode: "manual", blockTimeSeconds } : { mode: "realtime", blockTimeSeconds, now };
}

export function nodeConfig(input: ConfigInput = {}, now: () => number = Date.now): NodeConfig {
  const snapshotEvery =
    input.snapshotEvery === undefined
      ? DEFAULT_SNAPSHOT_EVERY
      : Number(positiveBigInt(String(input.snapshotEvery), "--snapshot-every"));
  return { ...protocolConfig(input).config, clock: clockConfig(input, now), snapshotEvery };
}

export function ledgerOptions(config: NodeConfig, store: EventStore): LedgerOptions {
  return {
    store,
    chainId: config.chainId,
    deployment: config.deployment,
    params: {
      ...config.delays,
      admin: config.admin,
      beaconReporter: config.beaconReporter,
      chainId: config.chainId,
    },
    clock: config.clock,
    snapshotEvery: config.snapshotEvery,
  };
}

interface StoredConfig {
  chainId: string;
  deploymentName: string;
  deployment: string;
  admin: string;
  beaconReporter: string;
  delays: Record<keyof Delays, string>;
}

function encode(c: ProtocolConfig): string {
  const doc: StoredConfig = {
    chainId: c.chainId.toString(),
    deploymentName: c.deploymentName,
    deployment: c.deployment,
    admin: c.admin,
    beaconReporter: c.beaconReporter,
    delays: {
      minWithdrawalDelayBlocks: c.delays.minWithdrawalDelayBlocks.toString(),
      deallocationDelayBlocks: c.delays.deallocationDelayBlocks.toString(),
      allocationConfigurationDelayBlocks: c.delays.allocationConfigurationDelayBlocks.toString(),
      slashResolutionDelayBlocks: c.delays.slashResolutionDelayBlocks.toString(),
    },
  };
  return JSON.stringify(doc);
}

function decode(text: string): ProtocolConfig {
  const d = JSON.parse(text) as StoredConfig;
  return {
    chainId: BigInt(d.chainId),
    deploymentName: d.deploymentName,
    deployment: d.deployment as Address,
    admin: d.admin as Address,
    beaconReporter: d.beaconReporter as Address,
    delays: {
      minWithdrawalDelayBlocks: BigInt(d.delays.minWithdrawalDelayBlocks),
      deallocationDelayBlocks: BigInt(d.delays.deallocationDelayBlocks),
      allocationConfigurationDelayBlocks: BigInt(d.delays.allocationConfigurationDelayBlocks),
      slashResolutionDelayBlocks: BigInt(d.delays.slashResolutionDelayBlocks),
    },
  };
}

export async function readStoredConfig(store: EventStore): Promise<ProtocolConfig | null> {
  const text = await store.getMeta(CONFIG_META_KEY);
  return text === null ? null : decode(text);
}

function same(field: keyof ProtocolConfig, a: ProtocolConfig, b: ProtocolConfig): boolean {
  if (field === "delays") {
    return (Object.keys(a.delays) as (keyof Delays)[]).every((k) => a.delays[k] === b.delays[k]);
  }
  if (field === "deployment") return a.deploymentName === b.deploymentName && a.deployment === b.deployment;
  return a[field] === b[field];
}

/**
 * The protocol settings for a store: the stored ones when there are some (explicit flags must agree with them),
 * otherwise the requested ones, which are then stored if `persist` is set.
 */
export async function resolveStoredConfig(
  store: EventStore,
  input: ConfigInput,
  opts: { persist: boolean },
): Promise<{ config: ProtocolConfig; stored: boolean }> {
  const { config: requested, explicit } = protocolConfig(input);
  const stored = await readStoredConfig(store);
  if (stored === null) {
    if (opts.persist) await store.setMeta(CONFIG_META_KEY, encode(requested));
    return { config: requested, stored: false };
  }
  const conflicts = [...explicit].filter((f) => !same(f, stored, requested));
  if (conflicts.length > 0) {
    throw new NodeError(
      "ConfigMismatch",
      409,
      `this database was created with different settings (${conflicts.join(", ")}); its stored settings are fixed: ${encode(stored)}`,
    );
  }
  return { config: stored, stored: true };
}

/** The full node config for a store: stored protocol settings plus this run's clock and snapshot interval. */
export async function configForStore(
  store: EventStore,
  input: ConfigInput,
  opts: { persist: boolean },
  now: () => number = Date.now,
): Promise<NodeConfig> {
  const { config } = await resolveStoredConfig(store, input, opts);
  const runtime = nodeConfig(input, now);
  return { ...config, clock: runtime.clock, snapshotEvery: runtime.snapshotEvery };
}
