import { spawn } from "node:child_process";
import type { Figures } from "./lib.ts";

/** Shared by the simulation benchmarks: measurements run in a child process so that its peak RSS is theirs alone. */

export const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

/** Peak resident set size of this process so far (bytes; Linux reports kB). */
export const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** Runs `script --measure ...args` in a fresh node with this process's flags; resolves with its last JSON line. */
export function measureInChild(script: string, args: string[] = []): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, "--measure", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("close", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) reject(new Error(`measurement child exited with ${code}`));
      else resolve(JSON.parse(last) as Figures);
    });
  });
}
