import { keccak256, stringToBytes } from "viem";
import { BEACON_CHAIN_ETH_STRATEGY } from "../core/eigenlayer/params.ts";
import { type Address, setKey } from "../core/eigenlayer/state.ts";
import * as views from "../core/eigenlayer/views.ts";
import { WAD } from "../core/shared/math.ts";
import { prng } from "../sim/prng.ts";
import { type DemoLayersSummary, demoLayerAccountNames, seedDemoLayers } from "./demoLayers.ts";
import { demoRiskParams } from "./demoRisk.ts";
import { type KeySource, Submitter, units } from "./demoSubmitter.ts";
import { storeRiskParams } from "./http/riskParams.ts";
import { devKey } from "./keys.ts";
import type { Ledger } from "./ledger.ts";

export type { KeySource } from "./demoSubmitter.ts";

/**
 * The demo network: a realistic, deterministic EigenLayer deployment built from signed transactions that go through
 * `ledger.submit`, so every step is in the log and a replay rebuilds it exactly.
 *
 * - six tokens with a strategy each: five liquid staking tokens (stETH, rETH, cbETH, ETHx, mETH, 18 decimals) and
 *   USDC (6 decimals, to exercise decimals), plus native ETH through EigenPods (the pod owner creates the pod, the
 *   beacon reporter reports the validators' withdrawal credentials and ETH arriving in the pod, one pod checkpoints);
 * - eight operators whose delegated stake is heavy-tailed (the largest holds about a third of it, as on mainnet);
 * - six AVSs of the kinds the guides name (data availability, oracle, bridge, sequencer, ZK verification, keepers),
 *   each registered with its metadata, with one or two operator sets and a dedicated slasher key;
 * - forty stakers with deposits from tens to thousands of ETH (a Pareto tail), delegated mostly to the large
 *   operators; registrations and allocations (most operators use allocation delay 0, two use 5 blocks);
 * - history: a redelegation, queued withdrawals, one slash of 5% by the bridge, and (manual clock only, where the
 *   admin can advance time) a completed withdrawal and a cleared slash;
 * - the layers above the core (src/node/demoLayers.ts): LSTs, the five LRT presets restaking with these operators,
 *   bridged supply, DEX pools and lending markets with borrowers, and a few days of reports, trades and a liquidation.
 *
 * Every account is a public dev key (`devKey(name)`), so anyone can act as any demo account from the command line:
 * `restake tx delegateTo --key dev:staker-07 --set operator=0x…`.
 *
 * Seeding is idempotent: if the log already has entries, nothing is submitted.
 */

export interface DemoOperator {
  key: string;
  name: string;
  /** relative share of delegations */
  weight: number;
  allocationDelay: bigint;
}

export interface DemoAvs {
  key: string;
  name: string;
  kind: string;
  sets: { id: bigint; name: string; strategies: string[] }[];
}

export const DEMO_TOKENS = [
  { symbol: "stETH", decimals: 18 },
  { symbol: "rETH", decimals: 18 },
  { symbol: "cbETH", decimals: 18 },
  { symbol: "ETHx", decimals: 18 },
  { symbol: "mETH", decimals: 18 },
  { symbol: "USDC", decimals: 6 },
] as const;

export type DemoSymbol = (typeof DEMO_TOKENS)[number]["symbol"];

export const DEMO_OPERATORS: DemoOperator[] = [
  { key: "operator-northstar", name: "Northstar Staking", weight: 34, allocationDelay: 0n },
  { key: "operator-granite", name: "Granite Validators", weight: 21, allocationDelay: 0n },
  { key: "operator-lattice", name: "Lattice Nodes", weight: 14, allocationDelay: 0n },
  { key: "operator-kestrel", name: "Kestrel Infrastructure", weight: 10, allocationDelay: 0n },
  { key: "operator-meridian", name: "Meridian Node Co", weight: 8, allocationDelay: 0n },
  { key: "operator-bluefjord", name: "Blue Fjord", weight: 6, allocationDelay: 5n },
  { key: "operator-aurora", name: "Aurora Solo Collective", weight: 4, allocationDelay: 0n },
  { key: "operator-quill", name: "Quill Labs", weight: 3, allocationDelay: 5n },
];

/** "ETH" stands for the beacon-chain ETH strategy (native restaking). */
export const DEMO_AVSS: DemoAvs[] = [
  {
    key: "avs-tessera-da",
    name: "Tessera DA",
    kind: "data availability",
    sets: [
      { id: 0n, name: "dispersers", strategies: ["ETH", "stETH", "rETH", "cbETH", "ETHx", "mETH"] },
      { id: 1n, name: "archival nodes", strategies: ["stETH", "rETH"] },
    ],
  },
  {
    key: "avs-pythia-oracle",
    name: "Pythia Oracle",
    kind: "oracle",
    sets: [
      { id: 0n, name: "price feed quorum", strategies: ["stETH", "rETH", "cbETH", "USDC"] },
      { id: 1n, name: "native quorum", strategies: ["ETH", "mETH"] },
    ],
  },
  {
    key: "avs-arc-bridge",
    name: "Arc Bridge",
    kind: "bridge",
    sets: [{ id: 0n, name: "attesters", strategies: ["ETH", "stETH", "rETH", "ETHx"] }],
  },
  {
    key: "avs-relay-sequencer",
    name: "Relay Sequencer",
    kind: "sequencer",
    sets: [{ id: 0n, name: "sequencer committee", strategies: ["ETH", "stETH", "cbETH"] }],
  },
  {
    key: "avs-lumen-zk",
    name: "Lumen ZK",
    kind: "ZK verification",
    sets: [{ id: 0n, name: "proof verifiers", strategies: ["rETH", "cbETH", "mETH", "USDC"] }],
  },
  {
    key: "avs-vigil-keepers",
    name: "Vigil Keepers",
    kind: "keeper network",
    sets: [{ id: 0n, name: "keepers", strategies: ["stETH", "ETHx"] }],
  },
];

/** Which operator serves which AVS sets (`<avs key>/<set id>`): the large operators run most services. */
const REGISTRATIONS: Record<string, string[]> = {
  "operator-northstar": [
    "avs-tessera-da/0",
    "avs-tessera-da/1",
    "avs-pythia-oracle/0",
    "avs-pythia-oracle/1",
    "avs-arc-bridge/0",
    "avs-relay-sequencer/0",
    "avs-lumen-zk/0",
  ],
  "operator-granite": [
    "avs-tessera-da/0",
    "avs-pythia-oracle/0",
    "avs-arc-bridge/0",
    "avs-lumen-zk/0",
    "avs-vigil-keepers/0",
  ],
  "operator-lattice": ["avs-tessera-da/0", "avs-tessera-da/1", "avs-relay-sequencer/0", "avs-lumen-zk/0"],
  "operator-kestrel": ["avs-arc-bridge/0", "avs-pythia-oracle/1", "avs-vigil-keepers/0"],
  "operator-meridian": ["avs-tessera-da/0", "avs-pythia-oracle/0", "avs-relay-sequencer/0"],
  "operator-bluefjord": ["avs-lumen-zk/0", "avs-vigil-keepers/0"],
  "operator-aurora": ["avs-tessera-da/0", "avs-pythia-oracle/1"],
  "operator-quill": ["avs-arc-bridge/0"],
};

/** The slash the demo shows: the bridge slashes one attester for 5% of its allocation. */
export const DEMO_SLASH = {
  avs: "avs-arc-bridge",
  setId: 0n,
  operator: "operator-kestrel",
  wad: WAD / 20n,
  description: "demo: equivocating attestation on the Arc Bridge",
};

export const DEMO_STAKERS = 40;
/** Stakers 1–5 restake native ETH through a pod (and some LSTs too). */
export const DEMO_POD_OWNERS = 5;
export const DEMO_SEED = 7420;

/** A deterministic address for a demo contract (token or strategy), derived from its label. */
export function demoAddress(label: string): Address {
  return `0x${keccak256(stringToBytes(`restake-demo:${label}`)).slice(-40)}`;
}

export const demoToken = (symbol: string): Address => demoAddress(`token:${symbol}`);
export const demoStrategy = (symbol: string): Address =>
  symbol === "ETH" ? BEACON_CHAIN_ETH_STRATEGY : demoAddress(`strategy:${symbol}`);
export const stakerKey = (i: number): string => `staker-${String(i).padStart(2, "0")}`;

export interface DemoSummary {
  seeded: boolean;
  transactions: number;
  operators: number;
  avss: number;
  operatorSets: number;
  stakers: number;
  pods: number;
  queuedWithdrawals: number;
  completedWithdrawals: number;
  slashes: number;
  /** what src/node/demoLayers.ts added: LSTs, LRTs, markets and their history (null when not seeded now) */
  layers: DemoLayersSummary | null;
  /** the dev keys the demo uses, by name */
  accounts: { name: string; address: Address }[];
}

/** The demo's account names, in a stable order. */
export function demoAccountNames(): string[] {
  const names = ["admin", "beacon-reporter"];
  for (const o of DEMO_OPERATORS) names.push(o.key);
  for (const a of DEMO_AVSS) names.push(a.key, `${a.key}-slasher`);
  for (let i = 1; i <= DEMO_STAKERS; i++) names.push(stakerKey(i));
  names.push(...demoLayerAccountNames());
  return names;
}

export async function seedDemo(ledger: Ledger, keys: KeySource = devKey): Promise<DemoSummary> {
  const accounts = demoAccountNames().map((name) => ({ name, address: keys(name).address }));
  const summary: DemoSummary = {
    seeded: false,
    transactions: 0,
    operators: DEMO_OPERATORS.length,
    avss: DEMO_AVSS.length,
    operatorSets: DEMO_AVSS.reduce((n, a) => n + a.sets.length, 0),
    stakers: DEMO_STAKERS,
    pods: DEMO_POD_OWNERS,
    queuedWithdrawals: 0,
    completedWithdrawals: 0,
    slashes: 0,
    layers: null,
    accounts,
  };
  await ledger.idle();
  if (ledger.seq > 0 || (await ledger.store.head()) > 0) return summary;

  const admin = keys("admin").address;
  const reporter = keys("beacon-reporter").address;
  const params = ledger.state.params;
  if (params.admin !== admin || params.beaconReporter !== reporter) {
    throw new Error(
      'demo seeding needs the node\'s admin and beacon reporter to be the dev keys "admin" and "beacon-reporter"',
    );
  }
  const manual = ledger.clock.mode === "manual";
  const tx = new Submitter(ledger, keys);
  const rand = prng(DEMO_SEED);
  const advance = async (blocks: bigint) => {
    if (manual) await tx.run([["admin", "advanceClock", { blocks: blocks.toString() }]]);
  };

  // 1. tokens and strategies
  await tx.run(
    DEMO_TOKENS.flatMap((t) => [
      ["admin", "createToken", { token: demoToken(t.symbol), symbol: t.symbol, decimals: t.decimals }],
      ["admin", "addStrategy", { strategy: demoStrategy(t.symbol), token: demoToken(t.symbol) }],
    ]) as [string, string, Record<string, unknown>][],
  );
  await advance(2n);

  // 2. operators (each registers and self-stakes stETH)
  const calls: [string, string, Record<string, unknown>][] = [];
  const selfStake = DEMO_OPERATORS.map((o) => units(32 + o.weight * 6 * rand(), 18));
  DEMO_OPERATORS.forEach((o, i) => {
    const addr = keys(o.key).address;
    calls.push(["admin", "mint", { token: demoToken("stETH"), to: addr, amount: selfStake[i]!.toString() }]);
    calls.push([
      o.key,
      "registerAsOperator",
      {
        allocationDelay: o.allocationDelay.toString(),
        metadataURI: `https://demo.restake.dev/operators/${o.key.slice("operator-".length)}.json`,
      },
    ]);
    calls.push([o.key, "depositIntoStrategy", { strategy: demoStrategy("stETH"), amount: selfStake[i]!.toString() }]);
  });
  await tx.run(calls.splice(0));

  // 3. AVSs, their operator sets and slashers
  for (const a of DEMO_AVSS) {
    const avs = keys(a.key).address;
    calls.push([
      a.key,
      "updateAVSMetadataURI",
      { avs, metadataURI: `https://demo.restake.dev/avs/${a.key.slice(4)}.json` },
    ]);
    calls.push([
      a.key,
      "createOperatorSets",
      {
        avs,
        operatorSets: a.sets.map((s) => ({
          operatorSetId: s.id.toString(),
          strategies: s.strategies.map(demoStrategy),
          slasher: keys(`${a.key}-slasher`).address,
        })),
      },
    ]);
  }
  await tx.run(calls.splice(0));
  await advance(3n);

  // 4. stakers: LST deposits with a Pareto tail (tens to thousands of ETH), some USDC, native ETH for pod owners.
  // Delegation fills operators largest-first toward their weights, so operator stake is heavy-tailed by design.
  const lsts = DEMO_TOKENS.filter((t) => t.decimals === 18).map((t) => t.symbol);
  const plans = Array.from({ length: DEMO_STAKERS }, (_, n) => {
    const i = n + 1;
    const chosen = new Set<string>();
    const holdings = 1 + Math.floor(rand() * 3);
    while (chosen.size < holdings) chosen.add(lsts[Math.floor(rand() * lsts.length)]!);
    if (rand() < 0.2) chosen.add("USDC");
    const deposits = [...chosen].map((symbol) => ({
      symbol,
      // Pareto(α = 1) from 12 ETH, capped at 4,000 ETH; USDC: Pareto from 5,000, capped at 2,000,000 USDC
      amount:
        symbol === "USDC"
          ? units(Math.min(2_000_000, 5000 / (1 - rand()) ** (1 / 1.2)), 6)
          : units(Math.min(4000, 12 / (1 - rand())), 18),
    }));
    const validators = i <= DEMO_POD_OWNERS ? 1 + Math.floor(rand() * 6) : 0;
    const ethValue =
      deposits.filter((d) => d.symbol !== "USDC").reduce((x, d) => x + Number(d.amount / 10n ** 15n) / 1000, 0) +
      32 * validators;
    // a few keep some rETH in their wallet (the dashboard shows balances too); a few stay undelegated
    const wallet = rand() < 0.25 ? units(5 + rand() * 20, 18) : 0n;
    return { i, deposits, validators, ethValue, wallet, delegates: i % 13 !== 0 };
  });
  const delegation = new Map<number, DemoOperator>();
  const load = new Map(DEMO_OPERATORS.map((o, n) => [o.key, Number(selfStake[n]! / 10n ** 15n) / 1000]));
  for (const plan of [...plans].filter((p) => p.delegates).sort((x, y) => y.ethValue - x.ethValue)) {
    let best = DEMO_OPERATORS[0]!;
    for (const o of DEMO_OPERATORS) if (load.get(o.key)! / o.weight < load.get(best.key)! / best.weight) best = o;
    load.set(best.key, load.get(best.key)! + plan.ethValue);
    delegation.set(plan.i, best);
  }
  for (const plan of plans) {
    const name = stakerKey(plan.i);
    const addr = keys(name).address;
    for (const d of plan.deposits) {
      calls.push(["admin", "mint", { token: demoToken(d.symbol), to: addr, amount: d.amount.toString() }]);
      calls.push([name, "depositIntoStrategy", { strategy: demoStrategy(d.symbol), amount: d.amount.toString() }]);
    }
    if (plan.wallet > 0n)
      calls.push(["admin", "mint", { token: demoToken("rETH"), to: addr, amount: plan.wallet.toString() }]);
    const o = delegation.get(plan.i);
    if (o !== undefined) calls.push([name, "delegateTo", { operator: keys(o.key).address }]);
  }
  await tx.run(calls.splice(0));
  await advance(4n);

  // 5. native restaking: pods, validators reported by the beacon reporter, ETH arriving in a pod, one checkpoint
  let validatorIndex = 1_204_000n;
  for (const plan of plans.filter((p) => p.validators > 0)) {
    const owner = stakerKey(plan.i);
    calls.push([owner, "createPod", {}]);
    calls.push([
      "beacon-reporter",
      "verifyWithdrawalCredentials",
      {
        podOwner: keys(owner).address,
        validators: Array.from({ length: plan.validators }, () => ({
          validatorIndex: (validatorIndex++).toString(),
          effectiveBalanceGwei: "32000000000",
        })),
      },
    ]);
  }
  await tx.run(calls.splice(0));
  const podOwner = stakerKey(1);
  const podValidators = [...ledger.state.validators.entries()]
    .filter(([k]) => k.startsWith(`${keys(podOwner).address}|`))
    .map(([, v]) => v);
  // consensus rewards swept into the pod, then a checkpoint that restakes them
  await tx.run([
    ["beacon-reporter", "creditPodEth", { podOwner: keys(podOwner).address, amountWei: units(0.0625, 18).toString() }],
  ]);
  await advance(1n);
  if (podValidators.length > 0) {
    await tx.run([
      [podOwner, "startCheckpoint", {}],
      [
        "beacon-reporter",
        "verifyCheckpointProofs",
        {
          podOwner: keys(podOwner).address,
          balances: podValidators.map((v) => ({
            validatorIndex: v.index.toString(),
            balanceGwei: (v.restakedBalanceGwei + 4_100_000n).toString(),
          })),
        },
      ],
    ]);
  }
  await advance(2n);

  // 6. registrations and allocations: each operator spreads its magnitude over the sets it serves
  for (const o of DEMO_OPERATORS) {
    const operator = keys(o.key).address;
    const bySet = new Map<string, string[]>();
    for (const ref of REGISTRATIONS[o.key] ?? []) {
      const [avsKey, id] = ref.split("/") as [string, string];
      bySet.set(avsKey, [...(bySet.get(avsKey) ?? []), id]);
    }
    for (const [avsKey, ids] of bySet) {
      calls.push([o.key, "registerForOperatorSets", { operator, avs: keys(avsKey).address, operatorSetIds: ids }]);
    }
    // per strategy, the sets that use it share at most 95% of the operator's magnitude
    const refs = REGISTRATIONS[o.key] ?? [];
    const want = new Map<string, number>();
    for (const ref of refs) want.set(ref, 0.15 + rand() * 0.35);
    const used = new Map<string, number>();
    for (const ref of refs) {
      const [avsKey, id] = ref.split("/") as [string, string];
      for (const st of DEMO_AVSS.find((a) => a.key === avsKey)!.sets.find((s) => s.id === BigInt(id))!.strategies) {
        used.set(st, (used.get(st) ?? 0) + want.get(ref)!);
      }
    }
    const allocations = refs.map((ref) => {
      const [avsKey, id] = ref.split("/") as [string, string];
      const set = DEMO_AVSS.find((a) => a.key === avsKey)!.sets.find((s) => s.id === BigInt(id))!;
      return {
        avs: keys(avsKey).address,
        operatorSetId: id,
        strategies: set.strategies.map(demoStrategy),
        newMagnitudes: set.strategies.map((st) => {
          const scale = Math.min(1, 0.95 / used.get(st)!);
          return ((WAD * BigInt(Math.floor(want.get(ref)! * scale * 1e6))) / 1_000_000n).toString();
        }),
      };
    });
    if (allocations.length > 0) calls.push([o.key, "modifyAllocations", { operator, allocations }]);
  }
  await tx.run(calls.splice(0));
  // the two operators with a 5-block allocation delay: let their allocations take effect
  await advance(6n);

  // 7. history: a redelegation and a few queued withdrawals
  // the smallest of Northstar's delegators moves to Granite
  const redelegator = plans
    .filter((p) => delegation.get(p.i)?.key === "operator-northstar" && p.validators === 0)
    .sort((x, y) => x.ethValue - y.ethValue)[0]?.i;
  if (redelegator !== undefined) {
    calls.push([stakerKey(redelegator), "redelegate", { operator: keys("operator-granite").address }]);
    delegation.set(redelegator, DEMO_OPERATORS.find((o) => o.key === "operator-granite")!);
  }
  const slashedOperator = keys(DEMO_SLASH.operator).address;
  const queuers = [...delegation.entries()]
    .filter(([i]) => i !== redelegator)
    .filter(([, o], n) => o.key === DEMO_SLASH.operator || n % 9 === 2)
    .slice(0, 5)
    .map(([i]) => i);
  for (const i of queuers) {
    const staker = keys(stakerKey(i)).address;
    const strategies = views.stakerStrategies(ledger.state, staker).filter((st) => st !== BEACON_CHAIN_ETH_STRATEGY);
    const strategy = strategies[0];
    if (strategy === undefined) continue;
    const shares = views.depositSharesOf(ledger.state, staker, strategy) / 4n;
    if (shares === 0n) continue;
    calls.push([
      stakerKey(i),
      "queueWithdrawals",
      { params: [{ strategies: [strategy], depositShares: [shares.toString()] }] },
    ]);
  }
  const queued = await tx.run(calls.splice(0));
  const roots = queued.flatMap((r) => (r.result.withdrawalRoots as string[] | undefined) ?? []);
  summary.queuedWithdrawals = roots.length;
  await advance(2n);

  // 8. the slash: the bridge's slasher takes 5% of Kestrel's allocation to the attester set
  const slashSet = DEMO_AVSS.find((a) => a.key === DEMO_SLASH.avs)!.sets.find((s) => s.id === DEMO_SLASH.setId)!;
  const slashStrategies = slashSet.strategies.map(demoStrategy).sort();
  await tx.run([
    [
      `${DEMO_SLASH.avs}-slasher`,
      "slashOperator",
      {
        avs: keys(DEMO_SLASH.avs).address,
        operator: slashedOperator,
        operatorSetId: DEMO_SLASH.setId.toString(),
        strategies: slashStrategies,
        wadsToSlash: slashStrategies.map(() => DEMO_SLASH.wad.toString()),
        description: DEMO_SLASH.description,
      },
    ],
  ]);
  summary.slashes = 1;

  // 9. manual clock: let time pass, complete the first withdrawal and clear the slashed shares
  if (manual) {
    const p = ledger.state.params;
    const wait =
      (p.minWithdrawalDelayBlocks > p.slashResolutionDelayBlocks
        ? p.minWithdrawalDelayBlocks
        : p.slashResolutionDelayBlocks) + 1n;
    await advance(wait);
    const root = roots[0];
    const withdrawal = root === undefined ? undefined : ledger.state.withdrawals.get(root);
    const done: [string, string, Record<string, unknown>][] = [];
    if (withdrawal !== undefined) {
      const name = accounts.find((a) => a.address === withdrawal.withdrawer)?.name;
      if (name !== undefined)
        done.push([name, "completeQueuedWithdrawal", { withdrawalRoot: root, receiveAsTokens: true }]);
    }
    done.push([
      "admin",
      "clearBurnOrRedistributableShares",
      { operatorSet: setKey(keys(DEMO_SLASH.avs).address, DEMO_SLASH.setId), slashId: "1" },
    ]);
    await tx.run(done);
    summary.completedWithdrawals = withdrawal !== undefined ? 1 : 0;
    summary.queuedWithdrawals -= summary.completedWithdrawals;
  }
  // 10. the layers above the core: LSTs, LRTs, pools, lending markets and a few days of their history
  summary.layers = await seedDemoLayers(tx, ledger, keys, { manual });
  // what corrupting each AVS is worth: not on chain, stored with the database for the security check
  await storeRiskParams(ledger.store, demoRiskParams(keys, demoToken("USDC")));
  summary.pods += summary.layers.pods;
  summary.seeded = true;
  summary.transactions = tx.transactions;
  return summary;
}
