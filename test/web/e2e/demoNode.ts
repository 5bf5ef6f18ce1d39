import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, REPO_ROOT } from "../../../soak/lib.ts";

/**
 * A demo node for the end-to-end tests: `restake serve --demo` on a SQLite file in a temp dir and a free port on
 * 127.0.0.1, serving the built dashboard (web/dist). `start` resolves once /api/health answers; `stop` ends it
 * (SIGTERM, then SIGKILL after 5 s) and removes the temp dir.
 */
export interface DemoNode {
  base: string;
  /** everything the node printed, for failure messages */
  output(): string;
  stop(): Promise<void>;
}

const BIN = join(REPO_ROOT, "bin/restake.mjs");

export async function startDemoNode(prefix: string): Promise<DemoNode> {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let out = "";
  const node: ChildProcess = spawn(
    process.execPath,
    [
      BIN,
      "serve",
      "--demo",
      "--db",
      join(tmp, "node.db"),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--web",
      join(REPO_ROOT, "web/dist"),
      "--log-level",
      "warn",
    ],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  node.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  node.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const stop = async (): Promise<void> => {
    if (node.exitCode === null) {
      const exited = new Promise((r) => node.once("exit", r));
      node.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (node.exitCode === null) node.kill("SIGKILL");
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (node.exitCode !== null) {
      await stop();
      throw new Error(`the node exited:\n${out}`);
    }
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // starting
    }
    if (i > 1200) {
      await stop();
      throw new Error(`the node did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, output: () => out, stop };
}
