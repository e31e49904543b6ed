/**
 * The natural logarithm rounded to the nearest double, as glibc's `log` (which numpy and Python use) returns it.
 * V8's Math.log (fdlibm) is off by one unit in the last place for about 4% of the reference prices, which
 * changes which log returns tie exactly: Spearman and Kendall of returns computed from closes then differ from
 * scipy's by up to 1e-5. Evaluated in double-double arithmetic (about 106 bits), then rounded once.
 */

const SPLITTER = 134217729; // 2^27 + 1: Veltkamp's split of a double into two 26-bit halves.
// ln 2 as a double-double: the double nearest ln 2 and the remainder.
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;

type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const v = s - a;
  return [s, a - (s - v) + (b - v)];
}
function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}
function twoProd(a: number, b: number): DD {
  const p = a * b;
  const ca = SPLITTER * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLITTER * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}
function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  return quickTwoSum(s, e + a[1] + b[1]);
}
function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}
function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  const r = add(a, mul([-q1, 0], b));
  const q2 = r[0] / b[0];
  const r2 = add(r, mul([-q2, 0], b));
  return add(quickTwoSum(q1, q2), [r2[0] / b[0], 0]);
}

// ln m = 2 atanh s = 2 (s + s^3/3 + s^5/5 + ...), s = (m - 1)/(m + 1), |s| <= 0.1716 for m in [1/sqrt 2, sqrt 2]:
// 18 terms bring the tail below 2^-95 of the sum.
const TERMS = 18;
const INVERSE_ODD: DD[] = Array.from({ length: TERMS }, (_, i) => div([1, 0], [2 * i + 1, 0]));

/** ln x as a double-double (about 100 bits) for a positive normal or subnormal x: the slow, sure path. */
function logDD(x: number): DD {
  // x = m 2^e with m in [1/sqrt 2, sqrt 2): exact scalings by powers of two (subnormals scaled up first).
  let m = x;
  let e = 0;
  if (m < 2.2250738585072014e-308) {
    m *= 2 ** 64;
    e -= 64;
  }
  // Below 2^1024 (log2 of the largest doubles rounds up to 1024, and 2^1024 is Infinity).
  const k = Math.min(1023, Math.floor(Math.log2(m)));
  m = m / 2 ** k;
  e += k;
  while (m >= Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    e -= 1;
  }
  // m - 1 is exact (Sterbenz); m + 1 carried as a double-double.
  const s = div([m - 1, 0], twoSum(m, 1));
  const s2 = mul(s, s);
  let acc: DD = INVERSE_ODD[TERMS - 1] ?? [0, 0];
  for (let i = TERMS - 2; i >= 0; i--) acc = add(mul(acc, s2), INVERSE_ODD[i] ?? [0, 0]);
  const lnM = mul(mul(s, acc), [2, 0]);
  return add(add(twoProd(e, LN2_HI), [e * LN2_LO, 0]), lnM);
}

// The fast path (the usual one): x = m 2^e, m in [1, 2); c the centre of m's 1/128 slice, invc = fl(1/c);
// ln x = e ln 2 - ln(invc) + ln(1 + r) with r = m invc - 1 exact (|r| < 2^-8), the table -ln(invc) in
// double-double, ln(1 + r) = r - r^2/2 in double-double plus the rest of its series in doubles. Absolute error
// below 2^-76 (the series' rest, about 2^-25, in doubles); BOUND allows 2^-72: when the interval of that width
// around the sum rounds to one double, that double is ln x rounded; otherwise (near a tie, or x near 1 where
// ln x is tiny) the slow path decides.
const SLICES = 128;
const INVC = Float64Array.from({ length: SLICES }, (_, i) => 1 / (1 + (i + 0.5) / SLICES));
const TABLE_HI = new Float64Array(SLICES);
const TABLE_LO = new Float64Array(SLICES);
INVC.forEach((invc, i) => {
  const [h, l] = logDD(invc);
  TABLE_HI[i] = -h;
  TABLE_LO[i] = -l;
});
// ln 2 split so that e * LN2_SHORT is exact for any exponent (|e| < 2^11): 42 significant bits.
const LN2_SHORT = Math.round(LN2_HI * 2 ** 41) / 2 ** 41;
const LN2_REST = LN2_HI - LN2_SHORT + LN2_LO;
const BOUND = 2 ** -72;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the word holding the exponent

function fastLog(x: number): number | undefined {
  if (x < 2.2250738585072014e-308) return undefined;
  bits[0] = x;
  const high = words[HIGH] ?? 0;
  const e = ((high >>> 20) & 0x7ff) - 1023;
  const i = (high >>> 13) & (SLICES - 1);
  words[HIGH] = (high & 0x000fffff) | 0x3ff00000;
  const m = bits[0];
  const invc = INVC[i] ?? Number.NaN;
  // r = m invc - 1 exactly, as rh + rl.
  const [p, pe] = twoProd(m, invc);
  const [rh, rl] = twoSum(p - 1, pe); // p - 1 is exact: p is within 2^-8 of 1
  const [sq, sqe] = twoProd(rh, rh);
  // ln(1 + r) - r + r^2/2 = r^3 (1/3 - r/4 + r^2/5 - ...), below 2^-25: in doubles.
  let tail = 1 / 13;
  for (let k = 12; k >= 3; k--) tail = 1 / k - rh * tail;
  tail *= sq * rh;
  // Sum the terms, largest first, in double-double.
  let acc = add([e * LN2_SHORT, 0], [TABLE_HI[i] ?? 0, TABLE_LO[i] ?? 0]);
  acc = add(acc, [rh, rl]);
  acc = add(acc, [-sq / 2, -sqe / 2 - rh * rl]);
  acc = add(acc, [e * LN2_REST + tail, 0]);
  const [h, l] = acc;
  return h + (l + BOUND) === h && h + (l - BOUND) === h ? h : undefined;
}

/** ln x for a positive finite x, correctly rounded (up to double-double ties, below 2^-95); NaN otherwise. */
export function exactLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  const fast = fastLog(x);
  if (fast !== undefined) return fast;
  const [h, l] = logDD(x);
  return h + l;
}
