/**
 * JSON with exact bigints, for the event log and state snapshots. A bigint is written as the string "<digits>n",
 * so values up to 2^256−1 round-trip exactly and stay readable. A plain string that would look like that (or that
 * starts with the escape character "~") is written with a leading "~", so free text never turns into a number.
 */
const BIGINT = /^-?\d+n$/;

export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "string" && (v.startsWith("~") || BIGINT.test(v))) return `~${v}`;
      return v;
    },
    space,
  );
}

export function fromJson<T = unknown>(text: string): T {
  return JSON.parse(text, (_k, v) => {
    if (typeof v !== "string") return v;
    if (v.startsWith("~")) return v.slice(1);
    return BIGINT.test(v) ? BigInt(v.slice(0, -1)) : v;
  }) as T;
}

/** Plain JSON for APIs and files people read: bigints as decimal strings. */
export function toPlainJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), space);
}
