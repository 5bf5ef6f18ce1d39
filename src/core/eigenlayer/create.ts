import { NATIVE_ETH } from "./eigenPodManager.ts";
import { defaultParams, type EigenParams } from "./params.ts";
import { validateRewardsParams } from "./rewardsCoordinator.ts";
import { EigenState } from "./state.ts";

/** A fresh deployment. Native ETH is registered as a token of the ledger, so pods can hold it. */
export function createEigenState(params: Partial<EigenParams> = {}): EigenState {
  const full = defaultParams(params);
  validateRewardsParams(full);
  const s = new EigenState(full);
  s.tokens.set(NATIVE_ETH, { address: NATIVE_ETH, symbol: "ETH", decimals: 18 });
  return s;
}
