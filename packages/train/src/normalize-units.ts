import * as tf from '@tensorflow/tfjs';
import type { Network } from '@modscope/core';
import { createParams, disposeParams, readNetwork } from './forward-pass.js';
import { consumerRows, normalizeParams } from './spectral-regularizer.js';
import { spectralLayout } from './spectral-layout.js';

/**
 * The per-unit weight normalization of the spectral regularizer (method §7) applied once: every hidden
 * unit in the weight graph gets incoming weights and bias of L2 norm √2, and its outgoing weights are
 * scaled to match, so a ReLU network computes the same function. Returns a new network. Useful to compare
 * Laplacian eigenvalues of networks trained with and without the regularizer on the same footing.
 */
export function normalizeUnits(network: Network): Network {
  const layout = spectralLayout(network);
  const params = createParams(network);
  const rows = consumerRows(layout);
  try {
    normalizeParams(network, layout, params, rows);
    return readNetwork(network, params);
  } finally {
    tf.dispose([...rows.values()]);
    disposeParams(params);
  }
}
