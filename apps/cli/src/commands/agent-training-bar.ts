import type { Environment } from '@modscope/core';
import type { TrainAgentsRunOptions } from '@modscope/agents';
import cliProgress from 'cli-progress';
import { percent } from '../output.js';

type TrainAgentsProgress = Parameters<NonNullable<TrainAgentsRunOptions['onProgress']>>[0];

/**
 * A progress bar on stderr (TTY only, not with --json) showing, per agent, the mean return of the update's
 * episodes and its share of `fire` (the beam) when the environment has that action.
 */
export function agentTrainingBar(quiet: boolean, environment: Environment): { update(p: TrainAgentsProgress): void; stop(): void } {
  if (quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const fire = environment.actions.includes('fire');
  const bar = new cliProgress.SingleBar(
    {
      format: `training     [{bar}] {percentage}% | update {value}/{total} | return {return}${fire ? ' | fire {fire}' : ''} | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update({ update, updates, record }) {
      const payload = {
        return: record.agents.map((a) => (Number.isNaN(a.meanReturn) ? '—' : a.meanReturn.toFixed(1))).join(' / '),
        fire: record.agents.map((a) => percent(a.actions.fire ?? Number.NaN)).join(' / '),
      };
      if (!started) {
        bar.start(updates, 0, payload);
        started = true;
      }
      bar.update(update, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
