/**
 * Generalized advantage estimates (Schulman et al. 2016) and returns of one agent's rollout, as CleanRL's
 * ppo.py computes them: δₜ = rₜ + γ·V(sₜ₊₁)·(1 − doneₜ) − V(sₜ), Aₜ = δₜ + γλ·(1 − doneₜ)·Aₜ₊₁, return = A + V.
 * An episode's end (`ended[t]`: step t ended it) is terminal, never bootstrapped. Arrays are step-major:
 * index `t · games + g`; `next` holds V of the state after the last step, per game.
 */
export function advantages(
  rollout: { rewards: Float32Array; values: Float32Array; ended: Uint8Array; next: Float32Array; games: number },
  gamma: number,
  lambda: number,
): { advantages: Float32Array; returns: Float32Array } {
  const { rewards, values, ended, next, games } = rollout;
  const steps = ended.length;
  const out = new Float32Array(steps * games);
  const returns = new Float32Array(steps * games);
  for (let g = 0; g < games; g++) {
    let last = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const i = t * games + g;
      const live = ended[t] ? 0 : 1;
      const nextValue = t === steps - 1 ? next[g]! : values[i + games]!;
      const delta = rewards[i]! + gamma * nextValue * live - values[i]!;
      last = delta + gamma * lambda * live * last;
      out[i] = last;
      returns[i] = last + values[i]!;
    }
  }
  return { advantages: out, returns };
}
