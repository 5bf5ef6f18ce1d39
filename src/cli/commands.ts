import { type Command, Option } from "commander";
import { COMMAND_NAMES } from "../node/wire.ts";
import { DEFAULTS } from "./defaults.ts";
import { registerLrtCommands } from "./lrt.ts";
import { registerMarketCommands } from "./market.ts";
import { registerRewardsCommands } from "./rewards.ts";
import { registerRiskCommands } from "./risk.ts";
import { registerSimCommands } from "./simulate.ts";

/**
 * Every command's options and help. Implementations are imported when a command runs, so `--help` (and each
 * command) loads only what it needs: the HTTP stack only for serve, the database drivers only where a store is opened.
 */

function storeOptions(cmd: Command): Command {
  return cmd
    .option("--db <path|url>", "SQLite file or postgres:// URL (default: $DATABASE_URL, then ./restake.db)")
    .option("--pg-schema <name>", "PostgreSQL schema for the tables (default: public)");
}

function protocolOptions(cmd: Command): Command {
  return cmd
    .option("--chain-id <id>", `EIP-712 chain id; fixed when the database is created (default: ${DEFAULTS.chainId})`)
    .option(
      "--deployment <name>",
      `deployment name, hashed into the verifying contract; fixed at creation (default: "${DEFAULTS.deployment}")`,
    )
    .option("--admin <address>", 'admin account; fixed at creation (default: the PUBLIC dev key "admin")')
    .option(
      "--beacon-reporter <address>",
      'beacon reporter account; fixed at creation (default: the PUBLIC dev key "beacon-reporter")',
    )
    .addOption(
      new Option(
        "--delays <preset>",
        "protocol delays; fixed at creation (default: mainnet, or demo with --demo)",
      ).choices(["mainnet", "demo"]),
    );
}

const KEYS_DIR_HELP = `keystore directory (default: $RESTAKE_KEYS_DIR, then ${DEFAULTS.keyDir})`;

export function registerCommands(program: Command): void {
  protocolOptions(
    storeOptions(
      program
        .command("serve")
        .description("run a node: open the store and the ledger, optionally seed the demo network, serve the HTTP API")
        .option("--port <port>", "TCP port", String(DEFAULTS.port))
        .option("--host <address>", "interface to listen on (0.0.0.0 for every interface)", DEFAULTS.host)
        .option("--demo", "seed the demo network if the log is empty, with demo delays (prints the public dev keys)")
        .option("--manual-clock", "the chain advances only when the admin signs advanceClock")
        .option("--block-time <seconds>", `seconds per block (default: ${DEFAULTS.blockTimeSeconds})`)
        .option("--snapshot-every <n>", `write a snapshot every n log entries (default: ${DEFAULTS.snapshotEvery})`)
        .option("--rate-limit <n>", "requests per minute per client address; 0 disables the limit", DEFAULTS.rateLimit)
        .option("--web <dir>", "serve this built dashboard at / (default: web/dist when it exists)")
        .option("--log-level <level>", "pino log level (trace, debug, info, warn, error)", "info")
        .addHelpText(
          "after",
          `
Protocol settings (chain id, deployment, admin, beacon reporter, delays) are stored in the database the first time
it is served and cannot change afterwards. The demo uses delays of 25 blocks to withdraw or deallocate and 10 blocks
for configuration and slash resolution, so withdrawals complete within minutes; mainnet's are ~14 days.`,
        ),
    ),
  ).action(async (flags) => {
    const { serveCommand } = await import("./serve.ts");
    await serveCommand(flags);
  });

  program
    .command("tx")
    .description(
      "sign a transaction with one of your keys and submit it to a node; prints the receipt or the error code",
    )
    .argument("<command>", `the command, one of: ${COMMAND_NAMES.join(", ")}`)
    .requiredOption(
      "--key <name|0xprivkey|dev:name>",
      "signing key: a keystore name, a 0x private key, or dev:<name> for a public dev key",
    )
    .option("--node <url>", "the node's base URL", DEFAULTS.node)
    .option("--params <json>", "the command's parameters as a JSON object (amounts as decimal strings)")
    .option(
      "--set <key=value>",
      "set one parameter (repeatable; dotted keys for nested fields; JSON for arrays, objects and booleans)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--keys-dir <dir>", KEYS_DIR_HELP)
    .option("--nonce <n>", "use this nonce instead of asking the node")
    .option("--ttl <seconds>", "deadline: the node's chain time plus this many seconds", "3600")
    .option("--chain-id <id>", "expected chain id (checked against the node's)")
    .option("--deployment <name>", "expected deployment name (checked against the node's)")
    .option("--dry-run", "sign and print the transaction without submitting it")
    .option("--json", "print the raw JSON response")
    .addHelpText(
      "after",
      `
The nonce comes from GET /api/nonces/<address>, the EIP-712 domain from GET /api/params, the deadline from the
node's chain time (GET /api/clock) plus --ttl. Exit code 0: accepted; 1: rejected or unreachable; 2: bad parameters.

Examples:
  restake tx depositIntoStrategy --key dev:staker-07 --set strategy=0x… --set amount=1000000000000000000
  restake tx delegateTo --key alice --set operator=0x…
  restake tx queueWithdrawals --key alice --params '{"params":[{"strategies":["0x…"],"depositShares":["5"]}]}'
  restake tx advanceClock --key dev:admin --set blocks=30        (manual-clock nodes only)`,
    )
    .action(async (command: string, flags) => {
      const { txCommand } = await import("./tx.ts");
      await txCommand(command, flags);
    });

  const keys = program
    .command("keys")
    .description("manage signing keys (JSON files {name, address, privateKey} in a keystore directory)");
  keys
    .command("new")
    .description("create a new random key; refuses to overwrite an existing one")
    .argument("<name>", "key name: letters, digits, '.', '_' or '-'")
    .option("--keys-dir <dir>", KEYS_DIR_HELP)
    .option("--json", "print the result as JSON")
    .action(async (name: string, flags) => {
      const { keysNewCommand } = await import("./keys.ts");
      await keysNewCommand(name, flags);
    });
  keys
    .command("list")
    .description("list the keys in the keystore (with --dev, also the public dev keys the demo uses)")
    .option("--keys-dir <dir>", KEYS_DIR_HELP)
    .option("--dev", "also list the demo's dev keys (PUBLIC test keys: anyone can derive them)")
    .option("--json", "print the result as JSON")
    .action(async (flags) => {
      const { keysListCommand } = await import("./keys.ts");
      await keysListCommand(flags);
    });

  protocolOptions(
    storeOptions(
      program
        .command("replay")
        .description(
          "replay the whole log from event 0 (ignoring snapshots) and print the resulting state hash and seq",
        )
        .option("--json", "print the result as JSON"),
    ),
  ).action(async (flags) => {
    const { replayCommand } = await import("./ledgerCommands.ts");
    await replayCommand(flags);
  });

  protocolOptions(
    storeOptions(
      program
        .command("verify")
        .description(
          "compare the state from the latest snapshot plus the log tail with a full replay from event 0; exits 1 on a mismatch",
        )
        .option("--json", "print the report as JSON"),
    ),
  ).action(async (flags) => {
    const { verifyCommand } = await import("./ledgerCommands.ts");
    await verifyCommand(flags);
  });

  protocolOptions(
    storeOptions(
      program
        .command("snapshot")
        .description("load the ledger (latest snapshot plus tail) and write a snapshot at the log head now")
        .option("--json", "print the result as JSON"),
    ),
  ).action(async (flags) => {
    const { snapshotCommand } = await import("./ledgerCommands.ts");
    await snapshotCommand(flags);
  });

  registerRewardsCommands(program, (cmd) => protocolOptions(storeOptions(cmd)));

  registerMarketCommands(program);

  registerLrtCommands(program);

  registerRiskCommands(program);

  registerSimCommands(program);

  program
    .command("conformance")
    .description("replay EigenLayer conformance vectors (.json/.json.gz files, or directories of them)")
    .argument("<paths...>", "vector files or directories")
    .action(async (paths: string[]) => {
      const { conformanceCommand } = await import("./conformance.ts");
      conformanceCommand(paths);
    });
}
