/**
 * Defaults shown in --help. They mirror src/node/config.ts and src/node/keys.ts (test/cli/cli.test.ts checks that
 * they agree) so that `restake --help` does not have to load the node, viem or the database drivers.
 */
export const DEFAULTS = {
  port: 7420,
  host: "127.0.0.1",
  chainId: "31337",
  deployment: "local",
  blockTimeSeconds: "12",
  snapshotEvery: "1000",
  rateLimit: "1200",
  keyDir: "./.restake/keys",
  node: "http://127.0.0.1:7420",
} as const;
