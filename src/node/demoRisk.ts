import type { KeySource } from "./demoSubmitter.ts";

/**
 * The demo network's risk parameters: what corrupting each AVS would be worth to an attacker and the share of its
 * stake that must collude. They are not on chain (docs/risk.md), so the demo stores them with the database
 * (src/node/http/riskParams.ts) and the node's security check (`GET /api/risk/security`, the overview's security
 * summary) reads them. Profits are in wei of ETH; a set's own entry wins over its AVS's. The figures are chosen so
 * that the network is secure with a small margin (γ* about 0.09 on a real-time demo, set by the Arc Bridge), and Vigil
 * Keepers' profit sits near π/α of its stake: on a real-time demo it fails Claim 1 (U_s < π_s/α_s), yet its two
 * operators are indivisible, so the exact check still finds no profitable attack.
 */
export const DEMO_RISK_SERVICES: { avs: string; set?: bigint; profitEth: number; threshold: string }[] = [
  { avs: "avs-tessera-da", set: 0n, profitEth: 1_200, threshold: "2/3" },
  { avs: "avs-tessera-da", set: 1n, profitEth: 150, threshold: "2/3" },
  { avs: "avs-pythia-oracle", set: 0n, profitEth: 150, threshold: "2/3" },
  { avs: "avs-pythia-oracle", set: 1n, profitEth: 500, threshold: "2/3" },
  { avs: "avs-arc-bridge", profitEth: 1_100, threshold: "2/3" },
  { avs: "avs-relay-sequencer", profitEth: 500, threshold: "1/2" },
  { avs: "avs-lumen-zk", profitEth: 120, threshold: "1/2" },
  { avs: "avs-vigil-keepers", profitEth: 66, threshold: "1/2" },
];

/** ETH per USDC base unit, in wei: 1 USDC = 1/3000 ETH, and USDC has 6 decimals. */
const USDC_WEI_PER_UNIT = "1000000000/3";

/** The params document (the format `parseRiskParams` reads), with the demo's AVS and token addresses. */
export function demoRiskParams(keys: KeySource, usdcToken: string): Record<string, unknown> {
  const services: Record<string, { profit: string; threshold: string }> = {};
  for (const s of DEMO_RISK_SERVICES) {
    const avs = keys(s.avs).address;
    services[s.set === undefined ? avs : `${avs}/${s.set}`] = { profit: `${s.profitEth}e18`, threshold: s.threshold };
  }
  return { services, prices: { [usdcToken]: USDC_WEI_PER_UNIT } };
}
