import { parseRiskParams, type RiskParams } from "../../risk/neutral.ts";
import type { EventStore } from "../../store/types.ts";

/**
 * The node's risk parameters (profits from corruption, thresholds, prices: docs/risk.md), kept with the database
 * under one meta key, so they survive restarts like the protocol settings do. The demo stores its own; a node
 * without them reports every operator set as left out of the security check.
 */
export const RISK_PARAMS_META = "riskParams";

export async function storeRiskParams(store: Pick<EventStore, "setMeta">, doc: unknown): Promise<void> {
  parseRiskParams(doc); // refuse what the security check could not read
  await store.setMeta(RISK_PARAMS_META, JSON.stringify(doc));
}

/** The stored parameters, or undefined when none are stored. */
export async function storedRiskParams(store: Pick<EventStore, "getMeta">): Promise<RiskParams | undefined> {
  const text = await store.getMeta(RISK_PARAMS_META);
  return text === null ? undefined : parseRiskParams(text);
}
