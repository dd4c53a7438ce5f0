// Opening a modscope report in a real browser (Debian's chromium, headless, through playwright-core) and
// reading back what it drew: the browser tests of the report and of the demo share this.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with the flags this closed network needs. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the browser test.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One `.chart` of the report: its figure kind, whether it rendered, its SVG's size, and each mark it promised with what was found. */
export interface DrawnFigure {
  figure: string;
  rendered: boolean;
  size: [number, number];
  marks: Record<string, { expected: number; found: number }>;
}

export interface OpenedReport {
  page: Page;
  /** Console errors and warnings, page errors, and any request that left the file. */
  problems: string[];
  figures: DrawnFigure[];
}

/** Opens `file` in a new page, waits until the report says it is ready, and reads back every chart. */
export async function openReport(browser: Browser, file: string): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
      problems.push(`network request: ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector('html[data-report-ready="true"]', { timeout: 30_000 });
  const figures: DrawnFigure[] = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.chart')].map((chart) => {
      const svg = chart.querySelector('svg');
      const marks = JSON.parse(chart.dataset.marks ?? '[]') as { selector: string; count: number; what: string }[];
      return {
        figure: chart.closest('figure')!.dataset.figure!,
        rendered: chart.dataset.rendered === 'true',
        size: (svg ? [svg.clientWidth, svg.clientHeight] : [0, 0]) as [number, number],
        marks: Object.fromEntries(
          marks.map((m) => [m.what, { expected: m.count, found: svg ? svg.querySelectorAll(m.selector).length : 0 }]),
        ),
      };
    }),
  );
  return { page, problems, figures };
}

/** Every figure rendered at a readable size and shows the marks it promised. */
export function expectEveryFigureDrawn(figures: readonly DrawnFigure[]): void {
  for (const f of figures) {
    expect(f.rendered, f.figure).toBe(true);
    expect(f.size[0], f.figure).toBeGreaterThan(300);
    expect(f.size[1], f.figure).toBeGreaterThanOrEqual(200);
    for (const [what, m] of Object.entries(f.marks)) expect(m.found, `${f.figure}: ${what}`).toBe(m.expected);
  }
}

/** The marks of every figure of one kind, in page order. */
export function marksOf(figures: readonly DrawnFigure[], kind: string): DrawnFigure['marks'][] {
  return figures.filter((f) => f.figure === kind).map((f) => f.marks);
}
