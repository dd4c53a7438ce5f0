/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a `<script>` element: no `</script>`, no `<!--`, non-finite numbers as null. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A number with fixed decimals, or an em dash where it is not finite. */
export function fixed(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits).replace(/^-(?=\d)/, '−') : '—';
}

/** A number with `digits` significant digits, for statistics of very different scales. */
export function significant(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return '—';
  return String(Number(x.toPrecision(digits))).replace(/^-/, '−');
}

/** A share in percent (a minus sign below zero, as `fixed` writes it), or an em dash where it is not finite. */
export function percent(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(digits).replace(/^-(?=\d)/, '−')}%` : '—';
}

/** Whole numbers with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
