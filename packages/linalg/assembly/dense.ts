// AssemblyScript kernels for the eigensolver's dense vector work (Gram–Schmidt against the Krylov basis,
// the Ritz vectors), float64 with SIMD, compiled to WebAssembly by `npm run build`
// (scripts/build-wasm.mjs) and inlined into the JS bundle. The JavaScript fallback in src/dense-vectors.ts
// does the same sums in the same order (two lanes: even and odd elements, then added), so both agree bit
// for bit. No allocator: the caller lays out linear memory. Pointers are byte offsets; vectors need only
// 8-byte alignment.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

/** Start of free linear memory. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline
function lanes(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Σ a[t]·b[t]: even t in lane 0, odd t in lane 1, then added. */
export function dot(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  const pairs = n & ~1;
  for (let t = 0; t < pairs; t += 2) {
    const o = <usize>t << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(a + o), v128.load(b + o)));
  }
  let s = lanes(acc);
  if (pairs < n) s += load<f64>(a + (<usize>pairs << 3)) * load<f64>(b + (<usize>pairs << 3));
  return s;
}

/** out[i] = dot(v_i, x) for the `count` vectors v_i = v + i·n (each summed as `dot`), four per pass over x. */
export function dots(v: usize, count: i32, n: i32, x: usize, out: usize): void {
  const stride = <usize>n << 3;
  const pairs = n & ~1;
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const v0 = v + <usize>i * stride;
    const v1 = v0 + stride;
    const v2 = v1 + stride;
    const v3 = v2 + stride;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let t = 0; t < pairs; t += 2) {
      const o = <usize>t << 3;
      const xt = v128.load(x + o);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(v0 + o), xt));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(v1 + o), xt));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(v2 + o), xt));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(v3 + o), xt));
    }
    let s0 = lanes(a0);
    let s1 = lanes(a1);
    let s2 = lanes(a2);
    let s3 = lanes(a3);
    if (pairs < n) {
      const o = <usize>pairs << 3;
      const xt = load<f64>(x + o);
      s0 += load<f64>(v0 + o) * xt;
      s1 += load<f64>(v1 + o) * xt;
      s2 += load<f64>(v2 + o) * xt;
      s3 += load<f64>(v3 + o) * xt;
    }
    const q = out + (<usize>i << 3);
    store<f64>(q, s0);
    store<f64>(q, s1, 8);
    store<f64>(q, s2, 16);
    store<f64>(q, s3, 24);
  }
  for (; i < count; i++) store<f64>(out + (<usize>i << 3), dot(v + <usize>i * stride, x, n));
}

/**
 * y[t] −= Σ_i coef[i]·v_i[t] over the `count` vectors v_i = v + i·n: four vectors per pass over y, each
 * pass subtracting ((c0·v0 + c1·v1) + c2·v2) + c3·v3, then one vector per pass for the rest.
 */
export function subtract(v: usize, coef: usize, count: i32, n: i32, y: usize): void {
  const stride = <usize>n << 3;
  const pairs = n & ~1;
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const q = coef + (<usize>i << 3);
    const c0 = load<f64>(q);
    const c1 = load<f64>(q, 8);
    const c2 = load<f64>(q, 16);
    const c3 = load<f64>(q, 24);
    const k0 = f64x2.splat(c0);
    const k1 = f64x2.splat(c1);
    const k2 = f64x2.splat(c2);
    const k3 = f64x2.splat(c3);
    const v0 = v + <usize>i * stride;
    const v1 = v0 + stride;
    const v2 = v1 + stride;
    const v3 = v2 + stride;
    for (let t = 0; t < pairs; t += 2) {
      const o = <usize>t << 3;
      const s = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(k0, v128.load(v0 + o)), f64x2.mul(k1, v128.load(v1 + o))), f64x2.mul(k2, v128.load(v2 + o))), f64x2.mul(k3, v128.load(v3 + o)));
      v128.store(y + o, f64x2.sub(v128.load(y + o), s));
    }
    if (pairs < n) {
      const o = <usize>pairs << 3;
      const s = ((c0 * load<f64>(v0 + o) + c1 * load<f64>(v1 + o)) + c2 * load<f64>(v2 + o)) + c3 * load<f64>(v3 + o);
      store<f64>(y + o, load<f64>(y + o) - s);
    }
  }
  for (; i < count; i++) axpy(-load<f64>(coef + (<usize>i << 3)), v + <usize>i * stride, y, n);
}

/** y[t] += alpha·x[t]. */
export function axpy(alpha: f64, x: usize, y: usize, n: i32): void {
  const k = f64x2.splat(alpha);
  const pairs = n & ~1;
  for (let t = 0; t < pairs; t += 2) {
    const o = <usize>t << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(k, v128.load(x + o))));
  }
  if (pairs < n) {
    const o = <usize>pairs << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}

/**
 * out_c[t] = Σ_r Y[c·m + r]·v_r[t] for c < cols (the Ritz vectors; v_r = v + r·n, Y column-major m × cols),
 * summed over r in order, two output vectors per pass over the basis.
 */
export function combine(v: usize, yMat: usize, m: i32, cols: i32, out: usize, n: i32): void {
  const stride = <usize>n << 3;
  const pairs = n & ~1;
  let c = 0;
  for (; c + 1 < cols; c += 2) {
    const y0 = yMat + (<usize>(c * m) << 3);
    const y1 = y0 + (<usize>m << 3);
    const o0 = out + <usize>c * stride;
    const o1 = o0 + stride;
    for (let t = 0; t < pairs; t += 2) {
      const o = <usize>t << 3;
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      let vr = v + o;
      for (let r = 0; r < m; r++) {
        const x = v128.load(vr);
        s0 = f64x2.add(s0, f64x2.mul(f64x2.splat(load<f64>(y0 + (<usize>r << 3))), x));
        s1 = f64x2.add(s1, f64x2.mul(f64x2.splat(load<f64>(y1 + (<usize>r << 3))), x));
        vr += stride;
      }
      v128.store(o0 + o, s0);
      v128.store(o1 + o, s1);
    }
    if (pairs < n) {
      const o = <usize>pairs << 3;
      let s0: f64 = 0;
      let s1: f64 = 0;
      for (let r = 0; r < m; r++) {
        const x = load<f64>(v + <usize>r * stride + o);
        s0 += load<f64>(y0 + (<usize>r << 3)) * x;
        s1 += load<f64>(y1 + (<usize>r << 3)) * x;
      }
      store<f64>(o0 + o, s0);
      store<f64>(o1 + o, s1);
    }
  }
  if (c < cols) {
    const y0 = yMat + (<usize>(c * m) << 3);
    const o0 = out + <usize>c * stride;
    for (let t = 0; t < n; t++) {
      const o = <usize>t << 3;
      let s: f64 = 0;
      for (let r = 0; r < m; r++) s += load<f64>(y0 + (<usize>r << 3)) * load<f64>(v + <usize>r * stride + o);
      store<f64>(o0 + o, s);
    }
  }
}
