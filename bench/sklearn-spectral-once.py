#!/usr/bin/python3
"""One scikit-learn spectral clustering of a graph exported by bench/lm-scale.mjs.

Usage: /usr/bin/python3 bench/sklearn-spectral-once.py DIR K N_INIT [SEED] [MEMORY_GB]
DIR holds indptr.i32, indices.i32, weights.f64 (a symmetric CSR graph). Prints one JSON line when the graph
is read ({"ready": ...}, so that the caller can start its clock), then fits
SpectralClustering(affinity='precomputed', eigen_solver='arpack', assign_labels='kmeans', n_init=N_INIT)
and prints one JSON line: the fit's wall time (seconds) and its labels, or {"error": ...} if it failed
(MemoryError under the address-space limit of MEMORY_GB, default 8, which keeps a runaway factorization
from taking a shared machine's memory).
"""
import json, os, resource, sys, time, warnings

directory, k, n_init = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
memory = float(sys.argv[5]) if len(sys.argv) > 5 else 8.0
limit = int(memory * 2**30)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.cluster import SpectralClustering  # noqa: E402

indptr = np.fromfile(os.path.join(directory, "indptr.i32"), dtype=np.int32)
indices = np.fromfile(os.path.join(directory, "indices.i32"), dtype=np.int32)
weights = np.fromfile(os.path.join(directory, "weights.f64"), dtype=np.float64)
n = len(indptr) - 1
A = sp.csr_matrix((weights, indices, indptr), shape=(n, n))
warnings.simplefilter("ignore")
version = __import__("sklearn").__version__
print(json.dumps({"ready": True, "sklearn": version, "nodes": n, "stored": int(A.nnz)}), flush=True)
model = SpectralClustering(n_clusters=k, affinity="precomputed", eigen_solver="arpack", assign_labels="kmeans", n_init=n_init, random_state=seed)
t0 = time.perf_counter()
try:
    labels = model.fit_predict(A)
except MemoryError:
    print(json.dumps({"error": f"MemoryError under its {memory:g} GB address-space limit after {time.perf_counter() - t0:.1f} s"}), flush=True)
    sys.exit(0)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "labels": labels.tolist(), "sklearn": version}), flush=True)
