import { loadScenario } from "../load.ts";
import { simulate } from "../run/simulate.ts";
const { scenario } = loadScenario(process.argv[2]!);
const t = performance.now();
const r = await simulate(scenario, { keepSeries: false });
console.log(r.summary.hash, r.summary.badDebt, ((performance.now() - t) / 1000).toFixed(1));
