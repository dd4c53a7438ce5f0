// SIMD elementary functions for the AssemblyScript kernels, written out so that no lookup table (a data
// segment) is compiled in: the training kernels import their memory and must not write into it.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

// @ts-ignore: decorator
@inline
function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** e^x per lane (Cephes' expf: x = n·ln 2 + r, a degree-5 polynomial in r, 2ⁿ from the exponent bits; x clamped to [−87, 88]); about 1 ulp. */
// @ts-ignore: decorator
@inline
export function expv(x: v128): v128 {
  // pmin/pmax: one instruction each (min/max with NaN semantics are several on x86)
  x = f32x4.pmin(f32x4.pmax(x, splat(-87.0)), splat(88.0));
  // n = round(x·log₂e) by the 1.5·2²³ trick: its integer sits in the low mantissa bits (cheaper than nearest and a conversion)
  const shifted = f32x4.add(f32x4.mul(x, splat(1.44269504088896341)), splat(12582912.0));
  const fx = f32x4.sub(shifted, splat(12582912.0));
  let r = f32x4.sub(x, f32x4.mul(fx, splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(fx, splat(2.12194440e-4)));
  let y = splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), splat(1));
  // 2ⁿ: n + 127 in the exponent bits (shifted's bits minus 1.5·2²³'s are n)
  const n = i32x4.sub(shifted, i32x4.splat(0x4b400000));
  return f32x4.mul(y, i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23));
}

/** One lane's e^x through `expv` (tails). */
// @ts-ignore: decorator
@inline
export function exp1(x: f32): f32 {
  return f32x4.extract_lane(expv(splat(x)), 0);
}

/** ln x for a finite x > 0 (float64): x = 2^e·m, m in [√½, √2), ln m = 2·atanh((m − 1)/(m + 1)) by its series (|s| < 0.172, 8 terms). */
export function logPositive(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e++;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let p: f64 = 1.0 / 15;
  p = p * s2 + 1.0 / 13;
  p = p * s2 + 1.0 / 11;
  p = p * s2 + 1.0 / 9;
  p = p * s2 + 1.0 / 7;
  p = p * s2 + 1.0 / 5;
  p = p * s2 + 1.0 / 3;
  p = p * s2 + 1;
  return <f64>e * 0.6931471805599453 + 2 * s * p;
}
