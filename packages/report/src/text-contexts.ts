import { escapeHtml, fixed } from './html.js';
import { SERIES_COLORS } from './palette.js';
import { rankTextSubclusters, textSubclusterName, unitsText, type TextLesionView } from './text-lesion-view.js';

/** Groups of contexts shown open; the rest are folded. */
const OPEN = 6;

/** The colour of a domain: its place among the result's domains. */
function domainColor(domains: readonly string[], domain: string): string {
  const i = Math.max(0, domains.indexOf(domain));
  return SERIES_COLORS[i % SERIES_COLORS.length]!;
}

/** A domain as a coloured tag (the colour from a fixed palette, the name escaped). */
export function domainTag(domains: readonly string[], domain: string): string {
  return `<span class="domain-tag" style="--tag:${domainColor(domains, domain)}">${escapeHtml(domain)}</span>`;
}

const MARKS: Readonly<Record<string, [glyph: string, name: string]>> = {
  '\r\n': ['⏎', 'line break'],
  '\n': ['⏎', 'line break'],
  '\r': ['⏎', 'carriage return'],
  '\t': ['⇥', 'tab'],
};

/**
 * Corpus text as HTML: escaped, with line breaks, tabs and other control characters shown as visible
 * marks (⏎, ⇥, ␀…) so a context stays on its lines and a token that is a line break can be seen.
 */
export function visibleText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this shows
  return escapeHtml(text).replace(/\r\n|[\u0000-\u001f\u007f]/g, (c) => {
    const [glyph, name] = MARKS[c] ?? [
      String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)),
      `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    ];
    return `<span class="ws" title="${name}">${glyph}</span>`;
  });
}

/**
 * Upstream coherence for text (method §9): for each sub-cluster, most damaging first, the contexts that
 * activate it most — the text before, the token at the position highlighted, the text after — each with
 * its domain as a coloured tag, and the entropy of those domains against random sets.
 */
export function textContextsHtml(result: TextLesionView): string {
  const groups = rankTextSubclusters(result).map((s, i) => {
    const items = s.contexts.map(
      (c) =>
        `<li class="context">${domainTag(result.domains, c.domain)}<span class="text"><span class="before">${visibleText(c.before)}</span><mark class="token">${c.token === '' ? '<span class="ws" title="empty token">∅</span>' : visibleText(c.token)}</mark><span class="after">${visibleText(c.after)}</span></span><span class="activation" title="mean activation of its units">${fixed(c.activation, 3)}</span></li>`,
    );
    const sig = s.domainEntropyP <= 0.05 ? ' sig' : '';
    return `<details class="context-group"${i < OPEN ? ' open' : ''} data-layer="${escapeHtml(s.layer)}" data-cluster="${s.cluster}">
<summary><span class="mono">${escapeHtml(textSubclusterName(s))}</span> · ${unitsText(s.size, s.kind)} · Δ loss ${s.increase > 0 ? '+' : ''}${fixed(s.increase, 4)} · domains of its top ${s.contexts.length}: entropy ${fixed(s.domainEntropy, 2)} bits, <span class="p${sig}">p = ${fixed(s.domainEntropyP)}</span></summary>
<ol class="context-list">${items.join('')}</ol>
</details>`;
  });
  return `<div class="contexts">${groups.join('\n')}</div>`;
}
