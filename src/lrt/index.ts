/**
 * Liquid staking and restaking tokens on top of the core (pure: no I/O, no clock, no randomness, bigint amounts).
 * One framework (commands.ts) with a policy per protocol (etherfi, renzo, kelp, puffer, swell), LSTs (lst.ts) and
 * bridged supply (bridge.ts). State lives in JMaps on the core's journal (state.ts).
 */
export * as bridge from "./bridge.ts";
export {
  executeLrt,
  LRT_COMMAND_TYPES,
  type LrtCommand,
  type LrtCommandType,
  type LrtExecuteResult,
} from "./commands.ts";
export { BEACON_DEPOSIT_CONTRACT, deriveAddress, type LrtContext, type LrtEvent } from "./context.ts";
export { buildDemoWorld, type DemoWorld, LrtChain } from "./demo.ts";
export * as lst from "./lst.ts";
export { NO_PARAMS, validateParams } from "./params.ts";
export { LST_PRESETS, PRESET_ORDER, PRESETS, presetCommand } from "./presets.ts";
export { deserializeLrtState, lrtStateHash, lrtTablesHash, serializeLrtState } from "./snapshot.ts";
export * from "./state.ts";
export * as views from "./views.ts";
