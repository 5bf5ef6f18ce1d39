import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../../soak/lib.ts";
import { CHROMIUM_PATH } from "../chromium.ts";

/** The end-to-end tests drive the built dashboard: `npm run test:web` builds it first. */
export default function setup(): void {
  const index = join(REPO_ROOT, "web/dist/index.html");
  if (!existsSync(index)) throw new Error(`${index} is missing: run \`npm run build:web\` before the web e2e tests`);
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  mkdirSync(join(REPO_ROOT, "test-output/web"), { recursive: true });
}
