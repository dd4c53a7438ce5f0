#!/usr/bin/python3
"""scikit-learn's spectral clustering on graphs exported by bench/spectral-vs-sklearn.mjs.

Usage: /usr/bin/python3 bench/sklearn-spectral.py DIR K
DIR holds indptr.i32, indices.i32, weights.f64 (a symmetric CSR graph). Says it is ready (one JSON line),
then reads one seed per line on
standard input and answers each with one JSON line: the wall time of that fit (seconds) and its labels,
so that the caller can interleave these fits with its own (the machine's speed drifts).
"""
import json, os, sys, time, warnings

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import SpectralClustering

directory, k = sys.argv[1], int(sys.argv[2])
indptr = np.fromfile(os.path.join(directory, "indptr.i32"), dtype=np.int32)
indices = np.fromfile(os.path.join(directory, "indices.i32"), dtype=np.int32)
weights = np.fromfile(os.path.join(directory, "weights.f64"), dtype=np.float64)
n = len(indptr) - 1
A = sp.csr_matrix((weights, indices, indptr), shape=(n, n))
warnings.simplefilter("ignore")
version = __import__("sklearn").__version__
print(json.dumps({"ready": True, "sklearn": version}), flush=True)
for line in sys.stdin:
    seed = int(line)
    model = SpectralClustering(n_clusters=k, affinity="precomputed", eigen_solver="arpack", assign_labels="kmeans", n_init=25, random_state=seed)
    t0 = time.perf_counter()
    labels = model.fit_predict(A)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "labels": labels.tolist(), "sklearn": version}), flush=True)
