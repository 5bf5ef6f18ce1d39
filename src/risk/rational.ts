/**
 * Exact rational numbers over bigint, always in lowest terms with a positive denominator. Every quantity the risk
 * engine reports (stakes, profits, thresholds, slack, losses) is one of these; floating point is used only inside
 * the numeric solver, whose candidates are re-verified with this type before they are reported.
 */

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export class Rational {
  readonly n: bigint;
  readonly d: bigint;

  private constructor(n: bigint, d: bigint) {
    this.n = n;
    this.d = d;
  }

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  /** n/d in lowest terms; throws on a zero denominator. */
  static of(n: bigint | number, d: bigint | number = 1n): Rational {
    let nn = BigInt(n);
    let dd = BigInt(d);
    if (dd === 0n) throw new RangeError("zero denominator");
    if (dd < 0n) {
      nn = -nn;
      dd = -dd;
    }
    if (dd === 1n) return new Rational(nn, 1n);
    const g = gcd(nn, dd);
    return g === 1n ? new Rational(nn, dd) : new Rational(nn / g, dd / g);
  }

  /**
   * Parses "12", "-0.25", "1.5e3", "3/4" or "-7/2" exactly; returns null on anything else (no whitespace, no
   * hexadecimal, no Infinity/NaN).
   */
  static parse(text: string): Rational | null {
    const frac = /^(-?\d+)\/(\d+)$/.exec(text);
    if (frac !== null) {
      const d = BigInt(frac[2]!);
      return d === 0n ? null : Rational.of(BigInt(frac[1]!), d);
    }
    const dec = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,4}))?$/.exec(text);
    if (dec === null) return null;
    const [, sign, int, fracDigits = "", expText] = dec;
    let n = BigInt(int! + fracDigits);
    let d = 10n ** BigInt(fracDigits.length);
    const exp = expText === undefined ? 0 : Number(expText);
    if (exp > 0) n *= 10n ** BigInt(exp);
    else if (exp < 0) d *= 10n ** BigInt(-exp);
    return Rational.of(sign === "-" ? -n : n, d);
  }

  /** The exact value of a finite double (every double is a dyadic rational). */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    if (Number.isInteger(x)) return Rational.of(BigInt(x));
    let d = 1n;
    let y = x;
    while (!Number.isInteger(y)) {
      y *= 2;
      d *= 2n;
    }
    return Rational.of(BigInt(y), d);
  }

  add(o: Rational): Rational {
    if (this.d === o.d) return Rational.of(this.n + o.n, this.d);
    return Rational.of(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Rational): Rational {
    if (this.d === o.d) return Rational.of(this.n - o.n, this.d);
    return Rational.of(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.n * o.n, this.d * o.d);
  }
  div(o: Rational): Rational {
    if (o.n === 0n) throw new RangeError("division by zero");
    return Rational.of(this.n * o.d, this.d * o.n);
  }
  neg(): Rational {
    return new Rational(-this.n, this.d);
  }
  inv(): Rational {
    return Rational.ONE.div(this);
  }

  cmp(o: Rational): -1 | 0 | 1 {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  eq(o: Rational): boolean {
    return this.n === o.n && this.d === o.d;
  }
  lt(o: Rational): boolean {
    return this.cmp(o) < 0;
  }
  le(o: Rational): boolean {
    return this.cmp(o) <= 0;
  }
  gt(o: Rational): boolean {
    return this.cmp(o) > 0;
  }
  ge(o: Rational): boolean {
    return this.cmp(o) >= 0;
  }
  sign(): -1 | 0 | 1 {
    return this.n < 0n ? -1 : this.n > 0n ? 1 : 0;
  }
  isZero(): boolean {
    return this.n === 0n;
  }

  static min(a: Rational, b: Rational): Rational {
    return a.le(b) ? a : b;
  }
  static max(a: Rational, b: Rational): Rational {
    return a.ge(b) ? a : b;
  }
  static sum(xs: Iterable<Rational>): Rational {
    let s = Rational.ZERO;
    for (const x of xs) s = s.add(x);
    return s;
  }

  /** Largest integer ≤ this. */
  floor(): bigint {
    const q = this.n / this.d;
    return this.n < 0n && q * this.d !== this.n ? q - 1n : q;
  }
  /** Smallest integer ≥ this. */
  ceil(): bigint {
    return -this.neg().floor();
  }

  /** A double close to the value (correct to about 15 significant digits, even for huge numerators). */
  toNumber(): number {
    const an = this.n < 0n ? -this.n : this.n;
    const bits = an.toString(2).length - this.d.toString(2).length;
    if (bits > 60 || bits < -60) {
      // rescale so both sides fit a double before dividing
      const shift = BigInt(bits - 52);
      const q = shift > 0n ? this.n / (this.d << shift) : (this.n << -shift) / this.d;
      return Number(q) * 2 ** Number(shift);
    }
    const scale = 64n;
    return Number((this.n << scale) / this.d) / 2 ** 64;
  }

  /** "p/q", or "p" for integers: the wire form of every rational the engine reports. */
  toString(): string {
    return this.d === 1n ? this.n.toString() : `${this.n}/${this.d}`;
  }
  toJSON(): string {
    return this.toString();
  }

  /** A decimal approximation with `digits` digits after the point (rounded toward zero), for human output. */
  toDecimal(digits = 6): string {
    const neg = this.n < 0n;
    const an = neg ? -this.n : this.n;
    const scale = 10n ** BigInt(digits);
    const q = (an * scale) / this.d;
    const int = q / scale;
    const frac = (q % scale).toString().padStart(digits, "0");
    return `${neg && q !== 0n ? "-" : ""}${int}${digits > 0 ? `.${frac}` : ""}`;
  }
}

/** Shorthand for literals in code and tests: r(3, 4), r("3/4"), r("0.75"), r(3n). */
export function r(x: bigint | number | string, d?: bigint | number): Rational {
  if (typeof x === "string") {
    const v = Rational.parse(x);
    if (v === null) throw new RangeError(`not a rational: ${JSON.stringify(x)}`);
    return d === undefined ? v : v.div(Rational.of(d));
  }
  if (typeof x === "number" && !Number.isInteger(x)) throw new RangeError(`use a string for non-integers: ${x}`);
  return Rational.of(x, d ?? 1n);
}

export function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

export { gcd };
