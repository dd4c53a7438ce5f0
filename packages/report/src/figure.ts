/**
 * One chart of the report: an ECharts option (plain JSON; strings `@fn:name` stand for the page's named
 * functions, see `page-script.ts`), the words around it, and the marks a reader (or a browser test) should
 * find in its SVG.
 */
export interface Figure {
  /** What kind of figure, e.g. `network`, `shuffle-histogram`; becomes `data-figure`. */
  kind: string;
  title: string;
  /** One sentence saying how to read it. */
  caption: string;
  /** Height of the chart in CSS pixels. */
  height: number;
  option: Record<string, unknown>;
  /** The data marks drawn: a CSS selector within the figure's SVG, how many match, and what they are. */
  marks: { selector: string; count: number; what: string }[];
}

/** A block of a section: a chart, or HTML (a table, a gallery) with its own title and caption. */
export type Block =
  | { type: 'figure'; figure: Figure; wide?: boolean }
  | { type: 'html'; kind: string; title: string; caption: string; html: string; wide?: boolean };

/** A headline number at the top of a section. */
export interface Highlight {
  label: string;
  value: string;
  note?: string;
  /** `good`: the test says there is structure; `neutral` otherwise. */
  tone?: 'good' | 'neutral' | 'bad';
}

/** What one result contributes to the report. */
export interface Section {
  kind: string;
  title: string;
  subtitle: string;
  highlights: Highlight[];
  blocks: Block[];
}
