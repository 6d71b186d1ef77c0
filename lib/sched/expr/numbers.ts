/**
 * C and C++ number conversions exactly as OpenNebula's evaluator performs them:
 * atoi()/atof() in the scanner (expr_parser.l), `istringstream >> std::dec >> T` when an
 * attribute's text is read as int or float (ObjectXML::xpaths<T>), float arithmetic in ranks
 * (expr_arith.y) and the final static_cast<int>.
 */

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** atoi(text) for text matching -?[0-9]+: glibc's strtol saturates at the 64-bit long range, then the cast to int keeps the low 32 bits. */
export function atoi(text: string): number {
  if (text.length <= 10) {
    const v = Number(text);
    if (v >= INT_MIN && v <= INT_MAX) return v | 0; // | 0 also turns -0 into 0
  }
  let big = BigInt(text);
  if (big > LONG_MAX) big = LONG_MAX;
  if (big < LONG_MIN) big = LONG_MIN;
  return Number(BigInt.asIntN(32, big));
}

/** atof(text) stored into the parser's `float val_float`: the double rounded to the nearest float. */
export function floatFromAtof(text: string): number {
  return Math.fround(Number(text));
}

function isSpace(c: number): boolean {
  // isspace() in the C locale: space, \t, \n, \v, \f, \r.
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * `iss >> std::dec >> int`: skips leading white space, takes an optional sign and decimal digits
 * and stops at the first other character ("12abc" is 12). No digit, or a value outside int,
 * sets failbit; NaN stands for that failure (the value is then not taken).
 */
export function parseIntLikeIstream(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 43 || c === 45) {
      neg = c === 45;
      i++;
    }
  }
  const digitsStart = i;
  let v = 0;
  while (i < n) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    // Beyond 2^31 the exact value no longer matters: it fails the range check either way.
    if (v <= 1e10) v = v * 10 + d;
    i++;
  }
  if (i === digitsStart) return NaN;
  if (neg) v = -v;
  return v < INT_MIN || v > INT_MAX ? NaN : v;
}

/**
 * `iss >> std::dec >> float` as libstdc++ does it: num_get collects an optional sign, digits,
 * one '.', and an exponent ('e' or 'E' after at least one digit, optional sign), then strtof()
 * must consume all of it ("1e" fails) and must not overflow to infinity. No "inf", "nan" or hex.
 * NaN stands for failbit.
 */
export function parseFloatLikeIstream(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  const start = i;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
  let mantissa = false;
  let dec = false;
  let sci = false;
  let expDigits = false;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (sci) expDigits = true;
      else mantissa = true;
      i++;
    } else if (c === 46 && !dec && !sci) {
      dec = true;
      i++;
    } else if ((c === 101 || c === 69) && !sci && mantissa) {
      sci = true;
      i++;
      if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    } else {
      break;
    }
  }
  // strtof() must take every collected character: a mantissa without digits or an empty exponent fails.
  if (!mantissa || (sci && !expDigits)) return NaN;
  const f = decimalToFloat(s.slice(start, i));
  return f === Infinity || f === -Infinity ? NaN : f;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float next to f (a finite float) in the direction of `towards`. */
function floatNeighbour(f: number, up: boolean): number {
  if (f === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45;
  f32[0] = f;
  // Moving away from zero increments the bit pattern, towards zero decrements it.
  if ((f > 0) === up) u32[0] = u32[0] + 1;
  else u32[0] = u32[0] - 1;
  return f32[0];
}

/**
 * strtof(): the decimal rounded once to the nearest float. Math.fround(Number(text)) rounds twice,
 * which differs only when the double lands exactly halfway between two floats; that case is
 * settled with exact integer arithmetic.
 */
export function decimalToFloat(text: string): number {
  const d = Number(text);
  const f = Math.fround(d);
  if (f === d || Number.isNaN(d)) return f;
  const towardsD = d > f;
  const g = f === Infinity ? 3.4028234663852886e38 : f === -Infinity ? -3.4028234663852886e38 : floatNeighbour(f, towardsD);
  // Midpoint of the two floats around d; 2^128 stands in for infinity. Exact in a double.
  const fEdge = f === Infinity ? 2 ** 128 : f === -Infinity ? -(2 ** 128) : f;
  const mid = (fEdge + g) / 2;
  if (d !== mid) return f;
  const cmp = compareDecimalWithDouble(text, mid);
  if (cmp === 0) return f; // a true tie: fround already rounded half to even
  // The decimal is on one side of the midpoint: the float on that side.
  const above = cmp > 0;
  const hi = Math.max(f, g);
  const lo = Math.min(f, g);
  return above ? hi : lo;
}

/** Sign of (decimal text − x), exactly. text is [sign]digits[.digits][e[sign]digits]. */
function compareDecimalWithDouble(text: string, x: number): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return 0;
  const negative = m[1] === '-';
  const digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '') || '0';
  const exp10 = (m[4] ? parseInt(m[4], 10) : 0) - (m[3] ?? '').length;
  let num = BigInt(digits) * (negative ? -1n : 1n);
  let den = 1n;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den = 10n ** BigInt(-exp10);
  // x = xm * 2^xe with xm an integer.
  let xe = 0;
  let xm = x;
  while (!Number.isInteger(xm)) {
    xm *= 2;
    xe--;
  }
  const xDen = xe < 0 ? 2n ** BigInt(-xe) : 1n;
  const left = num * xDen;
  const right = BigInt(xm) * den;
  return left > right ? 1 : left < right ? -1 : 0;
}

/** static_cast<int>(float) as x86-64 compiles it (cvttss2si): truncation, and INT_MIN for NaN or out of range. */
export function floatToInt(f: number): number {
  if (!(f > -2147483649 && f < 2147483648)) return INT_MIN;
  return Math.trunc(f) | 0;
}
