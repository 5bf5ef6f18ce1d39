/** The simulation lab's networks: presets and explicit networks, built through commands (see build.ts). */
export { type BuildOptions, buildNetwork, networkWorldParams } from "./build.ts";
export {
  fromMarket,
  gatewayBacking,
  marketHoldings,
  marketSupplyOutsideGateway,
  movableToMarket,
  toMarket,
} from "./gateway.ts";
export { marketAssetOf, morphoId, networkNames } from "./names.ts";
export { PRESET_TABLES, resolvePreset } from "./presets.ts";
export { networkShape } from "./stats.ts";
export type * from "./types.ts";
