import type { RestakingProtocol } from "../protocol.ts";
import { type EigenCommand, execute } from "./commands.ts";
import { createEigenState } from "./create.ts";
import { eigenNeutralView } from "./neutral.ts";
import type { EigenParams } from "./params.ts";
import { deserializeState, serializeState, stateHash } from "./snapshot.ts";
import type { EigenState } from "./state.ts";

/** EigenLayer as a `RestakingProtocol`. */
export const eigenlayer: RestakingProtocol<EigenState, EigenCommand, EigenParams> = {
  id: "eigenlayer",
  create: createEigenState,
  execute: (state, ctx, command) => {
    const { events, result } = execute(state, ctx, command);
    return { events, result };
  },
  stateHash,
  serialize: serializeState,
  deserialize: deserializeState,
  neutralView: eigenNeutralView,
};
