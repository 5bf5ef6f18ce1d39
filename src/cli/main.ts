import { Command } from "commander";
import { registerConformance } from "./conformance.ts";

const program = new Command();
program.name("restake").description("Restaking protocol engine and risk lab").version("0.1.0");
registerConformance(program);

await program.parseAsync(process.argv);
