import { filterWindows, type TokenWindows } from '@modscope/text';

/** The first `limit` windows of each domain, in order (all of a domain's windows when it has fewer). */
export function selectWindowsPerDomain(windows: TokenWindows, limit: number): TokenWindows {
  const seen = new Map<number, number>();
  return filterWindows(windows, (w) => {
    const d = windows.domainOf[w]!;
    const n = seen.get(d) ?? 0;
    seen.set(d, n + 1);
    return n < limit;
  });
}
