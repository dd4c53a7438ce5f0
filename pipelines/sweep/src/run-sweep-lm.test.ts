import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PartitionerSpec } from '@modscope/clusterability';
import { runCluster } from '@modscope/clusterability';
import { resultJsonText } from '@modscope/results/format';
import { onnxLoader } from '@modscope/loader-onnx';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.js';
import { runSweep } from './run-sweep.js';
import { SWEEP_PIECE, type SweepReply, sweepHandlers } from './sweep-queue.js';

const lm = fileURLToPath(new URL('../../../fixtures/lm/lm-tiny.onnx', import.meta.url));
const spectral: PartitionerSpec = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };
const loadModel = (path: string, options: { name?: string }) => onnxLoader.load(path, options);
const withoutTimings = (text: string) => JSON.stringify({ ...JSON.parse(text), timings: undefined });

describe('runSweep on a language model', () => {
  it('clusters it in the residual view with heads, as modscope cluster does, here and as a queue piece; lesion is refused in one line', async () => {
    const manifest = parseManifest({
      models: [lm],
      analyses: [
        { kind: 'cluster', options: { k: 4, shuffles: 2, attention: true } },
        { kind: 'lesion', data: 'two-task', options: { random: 3 } },
      ],
      seeds: [1],
    });
    const outcomes = await runSweep(manifest, { loadModel, partitioners: { spectral: () => spectral } });
    const [cluster, lesion] = outcomes;
    expect(cluster!.status).toBe('ok');
    const text = (cluster as { text: string }).text;
    const direct = await runCluster((await loadModel(lm, {})).network, {
      k: 4,
      shuffles: 2,
      seed: 1,
      partitioner: spectral,
      languageModel: { attention: true },
    });
    expect(JSON.parse(text).view).toMatchObject({ view: 'residual', attention: true });
    expect(withoutTimings(text)).toBe(withoutTimings(resultJsonText(direct)));
    expect(lesion).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/is a language model, which sweep clusters but does not lesion yet\./),
    });

    const bytes = new Uint8Array(readFileSync(lm));
    const hash = createHash('sha256').update(bytes).digest('hex');
    const handlers = sweepHandlers({ loadModel, partitioner: async () => spectralPartitioner });
    const reply = (await handlers[SWEEP_PIECE]!(
      {
        kind: SWEEP_PIECE,
        seed: 1,
        payload: { model: { hash, name: 'lm-tiny.onnx' }, analysis: cluster!.entry.analysis, partitioner: spectral },
      },
      { blob: async () => bytes },
    )) as SweepReply;
    expect(reply.ok).toBe(true);
    {
      const a = JSON.parse(withoutTimings((reply as { text: string }).text)),
        b = JSON.parse(withoutTimings(text));
      for (const k of Object.keys(b))
        if (JSON.stringify(a[k]) !== JSON.stringify(b[k]))
          console.log('DIFF', k, JSON.stringify(a[k]).slice(0, 200), JSON.stringify(b[k]).slice(0, 200));
    }
    expect(withoutTimings((reply as { text: string }).text)).toBe(withoutTimings(text));
  });
});
