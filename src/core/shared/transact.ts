import { InvariantViolation, ProtocolError } from "./errors.ts";
import type { Journal } from "./journal.ts";
import { UINT256_MAX } from "./math.ts";

/**
 * Runs one command as a transaction on `journal`: commits what `fn` wrote if it returns, rolls everything back if it
 * throws. A ProtocolError or InvariantViolation passes through; anything else is a bug and becomes an
 * InvariantViolation naming the command. Every layer's execute goes through here, so all revert the same way.
 */
export function transact<T>(journal: Journal, commandType: unknown, fn: () => T): T {
  const mark = journal.begin();
  try {
    const result = fn();
    journal.commit();
    return result;
  } catch (e) {
    journal.rollback(mark);
    if (e instanceof ProtocolError || e instanceof InvariantViolation) throw e;
    throw new InvariantViolation(`unexpected error in ${String(commandType)}: ${(e as Error).message}`, {
      cause: String(e),
    });
  }
}

/** Rejects bigints outside uint256 anywhere in a command's parameters: the ABI would not encode them. */
export function checkUint256Ranges(value: unknown, path = ""): void {
  if (typeof value === "bigint") {
    if (value < 0n || value > UINT256_MAX) {
      throw new ProtocolError("InputOutOfRange", `${path} must be a uint256`, { path, value: value.toString() });
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkUint256Ranges(v, `${path}[${i}]`);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) checkUint256Ranges(v, path ? `${path}.${k}` : k);
  }
}
