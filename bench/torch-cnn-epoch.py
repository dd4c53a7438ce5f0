"""One Fashion-MNIST training epoch of modscope's cnn-small in PyTorch, for bench/cnn-epoch.mjs.

conv 3x3x16, ReLU, max-pool 2, conv 3x3x32, ReLU, max-pool 2, flatten, dense 64, ReLU, dense 10; Adam
(lr 0.001), batch 64, softmax cross-entropy, inputs scaled to [0, 1], shuffled with a fixed seed; on
`threads` CPU threads (default 2). Prints one JSON line: seconds (the epoch, after one warm-up step),
loss and accuracy (means over the epoch's batches). Usage: python3 bench/torch-cnn-epoch.py [threads]
"""

import gzip
import json
import sys
import time

import numpy as np
import torch

ROOT = "/usr/share/datasets/fashion-mnist"


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    images = idx(f"{ROOT}/train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    labels = idx(f"{ROOT}/train-labels-idx1-ubyte.gz", 8).astype(np.int64)
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(32 * 5 * 5, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(xb, yb):
        optimizer.zero_grad()
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss.backward()
        optimizer.step()
        return loss.item(), (logits.argmax(1) == yb).float().mean().item()

    step(x[:64], y[:64])  # warm-up
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    losses, accuracies = [], []
    start = time.perf_counter()
    for b in range(0, len(x), 64):
        i = order[b:b + 64]
        loss, accuracy = step(x[i], y[i])
        losses.append(loss)
        accuracies.append(accuracy)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "version": torch.__version__, "threads": threads, "examples": len(x), "seconds": seconds,
        "loss": float(np.mean(losses)), "accuracy": float(np.mean(accuracies)),
    }))


if __name__ == "__main__":
    main()
