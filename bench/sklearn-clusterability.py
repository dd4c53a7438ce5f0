#!/usr/bin/python3
"""The shuffle test of docs/method.md §1-4 with scikit-learn, as one whole process (bench/startup.mjs).

Usage: /usr/bin/python3 bench/sklearn-clusterability.py DIR K PRUNE SHUFFLES SEED
DIR holds layers.json ([{"file", "rows", "cols"}], the dense kernels in order, each [inputs, outputs]
row-major float32) and those files, as bench/startup.mjs exports them from the ONNX model. Prunes each
layer by magnitude (the PRUNE fraction of smallest |w|, ties to the lowest index, as modscope does),
builds the weight graph (|W|, A + Aᵀ), removes degree-0 nodes, clusters it (SpectralClustering,
precomputed affinity, arpack, k-means with 25 restarts), then does SHUFFLES shuffles of each null
(`layer`, `layer-nonzero`) of the pruned network after degree-0 removal, clustering each the same way.
Prints one JSON line: the n-cut, each null's mean, std, z and p, and the scikit-learn version.
"""
import json, os, sys, warnings

import numpy as np
import scipy.sparse as sp
from sklearn import __version__ as sklearn_version
from sklearn.cluster import SpectralClustering

directory, k, sparsity, shuffles, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
warnings.simplefilter("ignore")  # disconnected shuffled graphs make SpectralClustering warn


def magnitude_prune(w):
    drop = int(np.floor(sparsity * w.size + 0.5))
    if drop == 0:
        return w
    flat = w.ravel().copy()
    flat[np.argsort(np.abs(flat), kind="stable")[:drop]] = 0
    return flat.reshape(w.shape)


def weight_graph(kernels):
    sizes = [kernels[0].shape[0]] + [w.shape[1] for w in kernels]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    blocks = []
    for l, w in enumerate(kernels):
        m = sp.coo_matrix(np.abs(w))
        blocks.append((m.row + offsets[l], m.col + offsets[l + 1], m.data))
    rows = np.concatenate([b[0] for b in blocks])
    cols = np.concatenate([b[1] for b in blocks])
    data = np.concatenate([b[2] for b in blocks]).astype(np.float64)
    n = offsets[-1]
    upper = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    return (upper + upper.T).tocsr(), offsets


def without_isolated(graph):
    keep = np.asarray(graph.sum(axis=1)).ravel() > 0
    return graph[keep][:, keep], keep


def ncut(graph, labels):
    degree = np.asarray(graph.sum(axis=1)).ravel()
    coo = graph.tocoo()
    inside = labels[coo.row] == labels[coo.col]
    volume = np.bincount(labels, degree, minlength=k)
    internal = np.bincount(labels[coo.row[inside]], coo.data[inside], minlength=k)
    used = volume > 0
    return float(np.sum((volume[used] - internal[used]) / volume[used]))


def cluster_ncut(kernels, random_state):
    graph, _ = without_isolated(weight_graph(kernels)[0])
    model = SpectralClustering(
        n_clusters=k, affinity="precomputed", eigen_solver="arpack", assign_labels="kmeans", n_init=25, random_state=random_state
    )
    return ncut(graph, model.fit_predict(graph))


meta = json.load(open(os.path.join(directory, "layers.json")))
kernels = [
    magnitude_prune(np.fromfile(os.path.join(directory, layer["file"]), dtype=np.float32).reshape(layer["rows"], layer["cols"]))
    for layer in meta
]
real = cluster_ncut(kernels, seed)

# the nulls shuffle the network after degree-0 removal: each kernel restricted to the kept units
graph, offsets = weight_graph(kernels)
_, keep = without_isolated(graph)
kept = [w[keep[offsets[l] : offsets[l + 1]]][:, keep[offsets[l + 1] : offsets[l + 2]]] for l, w in enumerate(kernels)]
rng = np.random.default_rng(seed)


def shuffle_layer(w):
    return rng.permutation(w.ravel()).reshape(w.shape)


def shuffle_layer_nonzero(w):
    out = w.copy()
    nonzero = np.flatnonzero(out)
    out.flat[nonzero] = rng.permutation(out.flat[nonzero])
    return out


nulls = {}
for name, shuffle in (("layer", shuffle_layer), ("layer-nonzero", shuffle_layer_nonzero)):
    if shuffles == 0:
        continue
    cuts = np.array([cluster_ncut([shuffle(w) for w in kept], seed + 1 + s) for s in range(shuffles)])
    mean, std = float(cuts.mean()), float(cuts.std())
    nulls[name] = {
        "mean": mean,
        "std": std,
        "z": (real - mean) / std if std > 0 else None,
        "p": (int(np.sum(cuts < real)) + 1) / (shuffles + 1),
    }
print(json.dumps({"ncut": real, "nulls": nulls, "sklearn": sklearn_version}), flush=True)
