#!/usr/bin/python3
"""scikit-learn's spectral clustering on graphs exported by bench/spectral-vs-sklearn.mjs.

Usage: /usr/bin/python3 bench/sklearn-spectral.py DIR K REPEATS
DIR holds indptr.i32, indices.i32, weights.f64 (a symmetric CSR graph). Prints one JSON line: the median
wall time of REPEATS fits (seconds) and the labels of the first fit.
"""
import json, os, sys, time, warnings

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import SpectralClustering

directory, k, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
indptr = np.fromfile(os.path.join(directory, "indptr.i32"), dtype=np.int32)
indices = np.fromfile(os.path.join(directory, "indices.i32"), dtype=np.int32)
weights = np.fromfile(os.path.join(directory, "weights.f64"), dtype=np.float64)
n = len(indptr) - 1
A = sp.csr_matrix((weights, indices, indptr), shape=(n, n))
times, first = [], None
warnings.simplefilter("ignore")
for r in range(repeats):
    model = SpectralClustering(n_clusters=k, affinity="precomputed", eigen_solver="arpack", assign_labels="kmeans", n_init=25, random_state=r)
    t0 = time.perf_counter()
    labels = model.fit_predict(A)
    times.append(time.perf_counter() - t0)
    if first is None:
        first = labels
print(json.dumps({"seconds": float(np.median(times)), "all": times, "labels": first.tolist(), "sklearn": __import__("sklearn").__version__}))
