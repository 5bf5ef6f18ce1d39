import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Every error code the LRT layer can raise is documented in docs/lrt.md and listed in docs/errors.md. */

const ROOT = join(import.meta.dirname, "../..");
const SRC = join(ROOT, "src/lrt");

function codesInSource(): Set<string> {
  const codes = new Set<string>();
  for (const f of readdirSync(SRC).filter((n) => n.endsWith(".ts"))) {
    const text = readFileSync(join(SRC, f), "utf8");
    for (const m of text.matchAll(/(?:require|requireRole)\([^;]*?,\s*"([A-Z][A-Za-z]+)"/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/ProtocolError\(\s*"([A-Z][A-Za-z]+)"/g)) codes.add(m[1]!);
  }
  return codes;
}

describe("LRT error codes are documented", () => {
  it("in docs/lrt.md and docs/errors.md", () => {
    const lrtDoc = readFileSync(join(ROOT, "docs/lrt.md"), "utf8");
    const errorsDoc = readFileSync(join(ROOT, "docs/errors.md"), "utf8");
    const codes = codesInSource();
    expect(codes.size).toBeGreaterThan(50);
    const missing = [...codes].filter((c) => !lrtDoc.includes(`\`${c}\``));
    expect(missing).toEqual([]);
    const core = new Set(["InputOutOfRange", "InvalidAddress", "BlockInPast", "TimestampInPast", "UnknownCommand"]);
    const unlisted = [...codes].filter((c) => !core.has(c) && !errorsDoc.includes(`\`${c}\``));
    expect(unlisted).toEqual([]);
  });
});
