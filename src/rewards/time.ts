/** Snapshot days: 00:00 UTC boundaries in unix seconds (bigint, like every timestamp of the log). */

export const DAY = 86_400n;

/** The 00:00 UTC boundary at or before `t` (or the multiple of `cadence`). */
export function floorDay(t: bigint, cadence = DAY): bigint {
  return t - (((t % cadence) + cadence) % cadence);
}

/** The 00:00 UTC boundary at or after `t` (or the multiple of `cadence`). */
export function ceilDay(t: bigint, cadence = DAY): bigint {
  const f = floorDay(t, cadence);
  return f === t ? t : f + cadence;
}

export function isDay(t: bigint): boolean {
  return t % DAY === 0n;
}

/** `YYYY-MM-DD` of a boundary (or of the day containing `t`). */
export function formatDay(t: bigint): string {
  return new Date(Number(floorDay(t)) * 1000).toISOString().slice(0, 10);
}

/**
 * Parses `YYYY-MM-DD` (00:00 UTC of that date) or unix seconds; unix seconds are rounded down to 00:00 UTC.
 * Throws an Error with a readable message on anything else.
 */
export function parseDay(text: string): bigint {
  const s = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const ms = Date.parse(`${s}T00:00:00Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) {
      throw new Error(`not a calendar date: ${JSON.stringify(text)}`);
    }
    return BigInt(ms / 1000);
  }
  if (/^\d{1,12}$/.test(s)) return floorDay(BigInt(s));
  throw new Error(`expected YYYY-MM-DD or unix seconds, got ${JSON.stringify(text)}`);
}
