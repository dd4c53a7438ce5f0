import { expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { labelledExamples } from './labelled-examples.js';
import { tinyMlp } from './testing/synthetic-networks.js';

it('lays a dataset out for the network and keeps its labels and class count', () => {
  const network = tinyMlp({ sizes: [4, 3, 2] });
  const dataset: Dataset = {
    name: 'd',
    count: 2,
    inputShape: [4],
    inputs: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    labels: Int32Array.from([1, 0]),
    classes: 2,
  };
  const examples = labelledExamples(dataset, network, { normalize: { mean: 1, std: 2 } });
  expect(Array.from(examples.inputs)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
  expect(examples.count).toBe(2);
  expect(examples.labels).toBe(dataset.labels);
  expect(examples.classes).toBe(2);
  expect(Object.keys(examples).sort()).toEqual(['classes', 'count', 'inputs', 'labels']);
});
