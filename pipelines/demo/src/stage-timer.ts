/** Seconds per stage of a demo, rounded to milliseconds: `lap(name)` ends a stage, `finish()` adds the total. */
export function stageTimer(): { timings: Record<string, number>; lap(name: string): void; finish(): void } {
  const started = performance.now();
  const timings: Record<string, number> = {};
  let stageStart = started;
  return {
    timings,
    lap(name) {
      const now = performance.now();
      timings[name] = Math.round(now - stageStart) / 1000;
      stageStart = now;
    },
    finish() {
      timings.total = Math.round(performance.now() - started) / 1000;
    },
  };
}
