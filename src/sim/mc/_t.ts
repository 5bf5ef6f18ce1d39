import { loadScenario } from "../load.ts";
import { monteCarlo } from "../montecarlo.ts";

const { scenario } = loadScenario(process.argv[2]!);
const r = await monteCarlo(scenario, {
  paths: Number(process.argv[3] ?? 50),
  workers: 0,
  baseSeed: 1,
  checkRollback: process.argv[4] === "check",
});
console.log(
  r.timing,
  r.variants[0]!.figures.var95,
  r.variants[0]!.figures.pBadDebt,
  r.variants[0]!.figures.maxDepeg,
  r.variants[0]!.figures.mean,
);
