import { require } from "../../core/shared/errors.ts";
import { PRESETS } from "../../lrt/presets.ts";
import type { ProtocolKind } from "../../lrt/state.ts";
import type { ExplicitNetwork, NetworkSpec } from "../scenario/types.ts";
import { lendingLayout, resolvePreset } from "./presets.ts";
import type { NetworkNames } from "./types.ts";

/**
 * The ids a network has, computed from its spec alone (no building), so that a scenario's references are checked
 * before anything runs. Preset ids are 0-based: `op-0`…, `avs-0`…, `client-0`…; everything else is named after the
 * LRT layer's ids and the markets layer's asset ids.
 */

export const operatorId = (i: number): string => `op-${i}`;
export const avsId = (i: number): string => `avs-${i}`;
export const clientId = (i: number): string => `client-${i}`;

/** The LRT presets by their LRT-layer id (eeth, ezeth, rseth, pufeth, rsweth). */
export const LRT_KINDS: ReadonlyMap<string, ProtocolKind> = new Map(
  (Object.keys(PRESETS) as ProtocolKind[]).map((k) => [PRESETS[k].id, k]),
);

export function lrtKind(id: string): ProtocolKind {
  const k = LRT_KINDS.get(id);
  require(k !== undefined, "InvalidNetwork", `unknown LRT ${JSON.stringify(id)} (one of ${[...LRT_KINDS.keys()]})`);
  return k;
}

/** The markets layer's asset for an LRT: its bridgeable token (weETH for ether.fi, the LRT token otherwise). */
export function marketAssetOf(lrt: string): string {
  const p = PRESETS[lrtKind(lrt)];
  return p.wrappedSymbol ?? p.symbol;
}

export const WETH = "WETH";
/** The base oracle: ETH's price in the markets' base currency (USD, 8 decimals, as Aave's feeds). */
export const ETH_ORACLE = "ETH";
export const poolId = (asset: string): string => `${asset}-WETH`;
export const rateOracleId = (asset: string): string => `${asset}-rate`;
export const dexOracleId = (asset: string): string => `${asset}-dex`;
/** Morpho market id: `<asset>-<lltv×100>` (ezETH at LLTV 0.86 → `ezETH-86`). */
export const morphoId = (asset: string, lltv: number): string => `${asset}-${Math.round(lltv * 100)}`;

export function networkNames(spec: NetworkSpec): NetworkNames {
  if ("explicit" in spec) return explicitNames(spec.explicit);
  const p = resolvePreset(spec.preset, spec.params);
  const lending = lendingLayout(p);
  const clients = Math.min(p.clients, p.avss);
  return {
    operators: Array.from({ length: p.operators }, (_, i) => operatorId(i)),
    avss: Array.from({ length: p.avss }, (_, i) => avsId(i)),
    clients: Array.from({ length: clients }, (_, i) => clientId(i)),
    lrts: [...p.lrts],
    oracles: oracleNames(p.lrts, p.poolDepth > 0 ? p.lrts : []),
    aaveReserves: lending.aave === null ? [] : [WETH, ...lending.aave.lrts.map(marketAssetOf)],
    morphoMarkets: lending.morpho.map((m) => morphoId(marketAssetOf(m.lrt), m.lltv)),
    chains: Object.fromEntries(p.lrts.map((id) => [id, p.lrtProfiles[id]!.bridges.map((b) => b.chain)])),
  };
}

function oracleNames(lrts: readonly string[], pooled: readonly string[]): string[] {
  const out = [ETH_ORACLE];
  for (const id of lrts) {
    const a = marketAssetOf(id);
    out.push(rateOracleId(a));
    if (pooled.includes(id)) out.push(dexOracleId(a));
  }
  return out;
}

function explicitNames(x: ExplicitNetwork): NetworkNames {
  const clients = new Set<string>();
  for (const o of x.operators) for (const c of o.clients) clients.add(c);
  for (const a of x.avss) clients.add(a.client);
  const lrts = x.lrts.map((l) => l.id);
  return {
    operators: x.operators.map((o) => o.id),
    avss: x.avss.map((a) => a.id),
    clients: [...clients].sort(),
    lrts,
    oracles: oracleNames(
      lrts,
      x.lrts.filter((l) => l.poolWeth > 0n).map((l) => l.id),
    ),
    aaveReserves: x.lending.aave === undefined ? [] : [WETH, ...x.lending.aave.lrts.map(marketAssetOf)],
    morphoMarkets: (x.lending.morpho ?? []).map((m) => morphoId(marketAssetOf(m.lrt), m.lltv)),
    chains: Object.fromEntries(x.lrts.map((l) => [l.id, (l.bridges ?? []).map((b) => b.chain)])),
  };
}
