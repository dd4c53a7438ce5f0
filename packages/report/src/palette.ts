/** Module colours: Tableau 20 reordered for contrast between neighbours, then golden-angle hues. */
const BASE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#b07aa1',
  '#edc948',
  '#76b7b2',
  '#ff9da7',
  '#9c755f',
  '#499894',
  '#d37295',
  '#8cd17d',
  '#a0cbe8',
  '#ffbe7d',
  '#b6992d',
  '#86bcb6',
  '#d4a6c8',
  '#f1ce63',
  '#79706e',
  '#fabfd2',
];

/** Colour of units outside every module (degree 0, removed before clustering). */
const REMOVED_COLOR = '#c9ced6';

/** The colour of module `label` (−1: removed). */
export function moduleColor(label: number): string {
  if (label < 0) return REMOVED_COLOR;
  const base = BASE[label];
  if (base) return base;
  const hue = Math.round((label * 137.508) % 360);
  return `hsl(${hue}, 55%, 55%)`;
}

/** The 12 hues used for comparison series (ARI, NMI, methods). */
export const SERIES_COLORS = [
  '#4e79a7',
  '#e15759',
  '#59a14f',
  '#f28e2b',
  '#b07aa1',
  '#76b7b2',
  '#9c755f',
  '#edc948',
  '#ff9da7',
  '#499894',
  '#d37295',
  '#79706e',
];
