/**
 * Number formatting for the dashboard. Amounts stay bigint until they are shown: the text is exact (truncated, never
 * rounded up) and the raw integer is kept for the title/hover. Pure functions, no DOM: also tested in node.
 */

export const WAD = 10n ** 18n;

export function toBig(v: string | bigint | number): bigint {
  return typeof v === "bigint" ? v : BigInt(v);
}

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * `value` in units of 10^-decimals, as a decimal with at most `maxFraction` digits (truncated toward zero), thousands
 * grouped. A non-zero value too small to show becomes "<0.0001".
 */
export function formatUnits(value: bigint, decimals: number, maxFraction = 4): string {
  const neg = value < 0n;
  const abs = neg ? -value : value;
  const base = 10n ** BigInt(decimals);
  const int = abs / base;
  const frac = abs % base;
  const digits = Math.min(maxFraction, decimals);
  const fracText = digits > 0 ? frac.toString().padStart(decimals, "0").slice(0, digits).replace(/0+$/, "") : "";
  if (int === 0n && fracText === "" && abs !== 0n) {
    const smallest = digits > 0 ? `0.${"0".repeat(digits - 1)}1` : "1";
    return neg ? `>-${smallest}` : `<${smallest}`;
  }
  const text = fracText === "" ? group(int.toString()) : `${group(int.toString())}.${fracText}`;
  return neg ? `-${text}` : text;
}

/** The value as a float, for charts only (never for displayed figures). */
export function toNumber(value: bigint, decimals: number): number {
  const base = 10n ** BigInt(decimals);
  const int = value / base;
  const frac = value % base;
  return Number(int) + Number(frac) / Number(base);
}

/** `num / den` as a percentage text with `digits` decimals, truncated; "–" when den is 0. */
export function percent(num: bigint, den: bigint, digits = 2): string {
  if (den === 0n) return "–";
  const scale = 10n ** BigInt(digits);
  const v = (num * 100n * scale) / den;
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const int = group((abs / scale).toString());
  const frac = digits > 0 ? `.${(abs % scale).toString().padStart(digits, "0")}` : "";
  return `${neg ? "-" : ""}${int}${frac}%`;
}

/** A WAD fraction (1e18 = 100%) as a percentage text. */
export function wadPercent(wad: bigint, digits = 2): string {
  return percent(wad, WAD, digits);
}

/** `num / den` as a float ratio, for charts. */
export function ratio(num: bigint, den: bigint): number {
  if (den === 0n) return 0;
  return Number((num * 1_000_000_000n) / den) / 1_000_000_000;
}

export function shortAddress(address: string): string {
  return /^0x[0-9a-fA-F]{40}$/.test(address) ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

export function isAddress(v: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(v);
}

export function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** ⌊a·b/c⌋ for non-negative integers. */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  return c === 0n ? 0n : (a * b) / c;
}

/** The integer's decimal text with thousands separators (for counts and blocks). */
export function formatInt(v: bigint | number | string): string {
  const s = toBig(typeof v === "number" ? Math.trunc(v) : v).toString();
  return s.startsWith("-") ? `-${group(s.slice(1))}` : group(s);
}

/**
 * An exact fraction "p/q" (or an integer) as a decimal text with `digits` decimals, truncated toward zero; a negative
 * value keeps its sign even when it truncates to zero ("-0.0000"), since the sign is what matters for a slack.
 */
export function fractionText(frac: string, digits = 4): string {
  const [p, q = "1"] = frac.split("/");
  const num = BigInt(p!);
  const den = BigInt(q);
  if (den === 0n) return "–";
  const negative = num !== 0n && num < 0n !== den < 0n;
  const scale = 10n ** BigInt(digits);
  const v = ((num < 0n ? -num : num) * scale) / (den < 0n ? -den : den);
  const fracPart = digits > 0 ? `.${(v % scale).toString().padStart(digits, "0")}` : "";
  return `${negative ? "-" : ""}${group((v / scale).toString())}${fracPart}`;
}

/** Basis points as a percentage text: 30 → "0.30%". */
export function bpsPercent(bps: bigint | string, digits = 2): string {
  return percent(toBig(bps), 10_000n, digits);
}

/** A unix timestamp (seconds) as "2026-01-02 14:05 UTC". */
export function utcTime(ts: bigint | string | number): string {
  const d = new Date(Number(toBig(typeof ts === "number" ? Math.trunc(ts) : ts)) * 1000);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
