// First, before any zod schema exists: @hono/zod-openapi adds .openapi() to zod's types, and the node's HTTP
// schemas call it on the wire schemas (src/node/wire.ts, loaded below for the tx help), which only works for schemas
// created after this import.
import "@hono/zod-openapi";
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
