/** The EigenLayer protocol family: state, commands, views. */
export * as allocationManager from "./allocationManager.ts";
export { type EigenCommand, type EigenCommandType, type ExecuteResult, execute } from "./commands.ts";
export type { Context, EigenEvent } from "./context.ts";
export { createEigenState } from "./create.ts";
export * as delegationManager from "./delegationManager.ts";
export * as eigenPodManager from "./eigenPodManager.ts";
export * as merkle from "./merkle.ts";
export { assetOf, eigenNeutralView, sharesToAsset } from "./neutral.ts";
export * from "./params.ts";
export { eigenlayer } from "./protocol.ts";
export * as rewardsCoordinator from "./rewardsCoordinator.ts";
export { deserializeState, serializeState, stateHash } from "./snapshot.ts";
export * from "./state.ts";
export * as strategyManager from "./strategyManager.ts";
export * as tokens from "./tokens.ts";
export * as views from "./views.ts";
