import type { TokenWindows } from '@modscope/text';

/** The first `limit` windows of each domain, in order (all of a domain's windows when it has fewer). */
export function selectWindowsPerDomain(windows: TokenWindows, limit: number): TokenWindows {
  const seen = new Map<number, number>();
  const keep: number[] = [];
  for (let w = 0; w < windows.count; w++) {
    const d = windows.domainOf[w]!;
    const n = seen.get(d) ?? 0;
    if (n < limit) keep.push(w);
    seen.set(d, n + 1);
  }
  const T = windows.context;
  const tokens = new Int32Array(keep.length * T);
  keep.forEach((w, i) => {
    tokens.set(windows.tokens.subarray(w * T, (w + 1) * T), i * T);
  });
  return {
    ...windows,
    tokens,
    count: keep.length,
    domainOf: Int32Array.from(keep, (w) => windows.domainOf[w]!),
    test: Uint8Array.from(keep, (w) => windows.test[w]!),
  };
}
