import { Command } from "commander";
import { registerCommands } from "./commands.ts";

const program = new Command();
program
  .name("restake")
  .description("Restaking protocol engine and risk lab")
  .version("0.1.0")
  .showHelpAfterError("(add --help for usage)");
registerCommands(program);

await program.parseAsync(process.argv);
