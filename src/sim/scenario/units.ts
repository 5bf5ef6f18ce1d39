import { UINT256_MAX } from "../../core/shared/math.ts";

/**
 * The scenario file's units, converted exactly. An amount is ETH written as a decimal ("116500", "0.5", "1e3" or the
 * YAML numbers 32 and 0.5) and becomes wei; the conversion works on the decimal digits, never through a float, so
 * "0.1" is 10^17 wei exactly. A fraction is a number in [0, 1] or a percent string ("5%").
 */

export const WEI_PER_ETH = 10n ** 18n;
const DECIMALS = 18;

/** A conversion that failed, with the message to show (the value's description included). */
export class Invalid {
  constructor(readonly message: string) {}
}

const DECIMAL = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const AMOUNT_WHAT = 'an amount of ETH (a decimal such as "116500", "0.5" or 32)';
const PRICE_WHAT = "a price in the markets' base currency (a decimal such as 2950.5)";

/** ETH (decimal text) → wei, exactly: at most 18 decimals, no more than a uint256. */
export function parseEth(text: string): bigint | Invalid {
  return parseDecimal(text, DECIMALS, AMOUNT_WHAT);
}

/**
 * Decimal text → integer units of 10^-decimals, on the digits alone: "0.1" with 18 decimals is 10^17 exactly.
 * Takes an optional exponent ("1e3", and the `String()` of big or tiny numbers: "1e+21", "5e-7").
 */
export function parseDecimal(text: string, decimals: number, what: string): bigint | Invalid {
  if (text.startsWith("-")) return new Invalid(`expected ${what}, got ${show(text)} (negative)`);
  const m = DECIMAL.exec(text);
  if (m === null) return new Invalid(`expected ${what}, got ${show(text)}`);
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 100) return new Invalid(`${show(text)} is out of range`);
  let digits = (m[1] ?? "") + (m[2] ?? "");
  // the value is digits × 10^-scale
  let scale = (m[2] ?? "").length - exp;
  while (scale > decimals && digits.endsWith("0")) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (scale > decimals) {
    const unit = decimals === DECIMALS ? " (1 wei = 1e-18 ETH)" : "";
    return new Invalid(`${show(text)} has more than ${decimals} decimals${unit}`);
  }
  const units = BigInt(digits === "" ? "0" : digits) * 10n ** BigInt(decimals - scale);
  if (units > UINT256_MAX) return new Invalid(`${show(text)} is more than a uint256 can hold`);
  return units;
}

/**
 * A decimal as the YAML reader hands it over: text, or a number. A number's shortest decimal form (`String(n)`) is
 * the decimal that was written, because the reader keeps as text any number whose digits a float cannot hold
 * (src/sim/scenario/yamlTree.ts), so this stays exact.
 */
function toUnits(v: unknown, decimals: number, what: string): bigint | Invalid {
  if (typeof v === "string") return parseDecimal(v, decimals, what);
  if (typeof v === "number" && Number.isFinite(v)) {
    return v < 0 ? new Invalid(`expected ${what}, got ${show(v)} (negative)`) : parseDecimal(String(v), decimals, what);
  }
  return new Invalid(`expected ${what}, got ${show(v)}`);
}

/** An amount of ETH → wei. */
export const toWei = (v: unknown): bigint | Invalid => toUnits(v, DECIMALS, AMOUNT_WHAT);

/** A market oracle price: base currency (USD, as Aave's feeds) per whole token, 8 decimals (src/markets/oracles.ts). */
export const PRICE_DECIMALS = 8;
export const toPrice = (v: unknown): bigint | Invalid => toUnits(v, PRICE_DECIMALS, PRICE_WHAT);

const PERCENT = /^(\d+)(?:\.(\d+))?%$/;
const FRACTION_WHAT = 'a fraction in [0, 1] or a percent such as "5%"';

/** A fraction: a number in [0, 1], or "x%" with x in [0, 100] (converted on the digits: "7.3%" is 0.073). */
export function toFraction(v: unknown): number | Invalid {
  let f: number;
  if (typeof v === "number") f = v;
  else if (typeof v === "string" && PERCENT.test(v)) {
    const [, int, frac = ""] = PERCENT.exec(v)!;
    f = Number(`${int}${frac}e-${frac.length + 2}`);
  } else return new Invalid(`expected ${FRACTION_WHAT}, got ${show(v)}`);
  if (!Number.isFinite(f) || f < 0 || f > 1) {
    return new Invalid(`expected ${FRACTION_WHAT}, got ${show(v)}${typeof v === "string" ? "" : " (out of [0, 1])"}`);
  }
  return f;
}

/** An integer ≥ min (counts, blocks). */
export function toInt(v: unknown, min: number, what: string, max = Number.MAX_SAFE_INTEGER): number | Invalid {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max) return v;
  return new Invalid(`expected ${what}, got ${show(v)}`);
}

/** A finite number in [min, ∞) (leverage, health factors, prices). */
export function toNumber(v: unknown, min: number, what: string): number | Invalid {
  if (typeof v === "number" && Number.isFinite(v) && v >= min) return v;
  return new Invalid(`expected ${what}, got ${show(v)}`);
}

/** How a value from the file reads in a message. */
export function show(v: unknown): string {
  if (v === undefined || v === null) return "nothing";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return "a list";
  return "a mapping";
}

/** wei → decimal ETH text, the inverse of `parseEth` on canonical inputs ("0.5", "116500"). */
export function formatEth(wei: bigint): string {
  const neg = wei < 0n;
  const a = neg ? -wei : wei;
  const int = a / WEI_PER_ETH;
  const frac = (a % WEI_PER_ETH).toString().padStart(DECIMALS, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac === "" ? "" : `.${frac}`}`;
}
