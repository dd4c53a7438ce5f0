export { spmv, graphDegrees, checkGraph, normalizedAdjacency, connectedComponents, type CsrMatrix } from './csr.js';
export { lanczosLargest, denseSymmetricEigen, type LinearOperator, type LanczosOptions, type EigenResult } from './lanczos.js';
export { spectralEmbedding, bipartiteColouring, type SpectralEmbedding, type SpectralEmbeddingOptions } from './spectral-embedding.js';
export { spectralClustering, type SpectralClustering, type SpectralClusteringOptions } from './spectral-clustering.js';
export { kmeans, kmeansPlusPlus, lloyd, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { kmeansThreads } from './kmeans-pool.js';
export { sparseProducts, type SparseProducts, type CsrBlock } from './run-matrix.js';
export { causalAttentionKernel, type CausalAttentionKernel, type CausalAttentionShape } from './causal-attention.js';
export { transposeFloat32 } from './transpose-float32.js';
