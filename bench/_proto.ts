import { execute } from "../src/core/eigenlayer/commands.ts";
import { createEigenState } from "../src/core/eigenlayer/create.ts";
import type { Address } from "../src/core/eigenlayer/state.ts";

const ADMIN = "0x000000000000000000000000000000000000ad01" as Address;
const addr = (p: string, i: number) => `0x${p}${i.toString(16).padStart(40 - p.length, "0")}` as Address;
const s = createEigenState({ admin: ADMIN });
const token = addr("70", 1),
  strat = addr("57", 1),
  op = addr("0b", 1);
const ctx = (caller: Address) => ({ block: 1n, timestamp: 12n, caller });
execute(s, ctx(ADMIN), { type: "createToken", token, symbol: "T", decimals: 18 });
execute(s, ctx(ADMIN), { type: "addStrategy", strategy: strat, token });
execute(s, ctx(op), { type: "registerAsOperator", allocationDelay: 0n });
const N = Number(process.argv[2] ?? 100000);
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const st = addr("5a", i);
  execute(s, ctx(ADMIN), { type: "mint", token, to: st, amount: 10n ** 18n });
  execute(s, ctx(st), { type: "depositIntoStrategy", strategy: strat, amount: 10n ** 18n });
  execute(s, ctx(st), { type: "delegateTo", operator: op });
}
const t1 = process.hrtime.bigint();
console.log(N, Number(t1 - t0) / 1e9, "s", process.memoryUsage().heapUsed / 1e6, "MB");
