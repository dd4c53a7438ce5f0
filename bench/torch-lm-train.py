"""Training throughput of a GPT-style language model in PyTorch, for bench/lm-train-throughput.mjs.

The model of modscope's createLanguageModel: token + learned position embeddings, pre-LN blocks
x += W_O·Attn(LN1(x)); x += W_out·GELU(W_in·LN2(x)) (exact erf GELU, 4 × width neurons, biases
everywhere, causal softmax attention), a final LayerNorm and an untied unembedding with bias; LayerNorm
epsilon 1e-5; GPT-2 initialization. One step, as trainLanguageModel takes it: mean next-token
cross-entropy over every position, top-1 accuracy, backward, global-norm clipping to 1, AdamW (lr 0.001,
eps 1e-8, weight decay 0.01 on the matrices and embedding tables only, not on biases or LayerNorm), the
loss and accuracy read back. Tokens are uniform random ids from a fixed seed: throughput does not depend
on them.

Usage: python3 bench/torch-lm-train.py VOCAB CONTEXT BLOCKS WIDTH HEADS BATCH WARMUP STEPS [THREADS=2]
Prints one JSON line: seconds of the STEPS timed steps (after WARMUP), tokens per second, last loss.
"""

import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class Block(torch.nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = torch.nn.LayerNorm(width, eps=1e-5)
        self.qkv = torch.nn.Linear(width, 3 * width)
        self.out = torch.nn.Linear(width, width)
        self.ln2 = torch.nn.LayerNorm(width, eps=1e-5)
        self.mlp_in = torch.nn.Linear(width, 4 * width)
        self.mlp_out = torch.nn.Linear(4 * width, width)

    def forward(self, x, blocked):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, 2)
        q, k, v = (z.view(b, t, h, d // h).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // h)
        mixed = scores.masked_fill(blocked[:t, :t], float("-inf")).softmax(-1) @ v
        x = x + self.out(mixed.transpose(1, 2).reshape(b, t, d))
        return x + self.mlp_out(F.gelu(self.mlp_in(self.ln2(x))))


class GPT(torch.nn.Module):
    def __init__(self, vocabulary, context, blocks, width, heads):
        super().__init__()
        self.tokens = torch.nn.Embedding(vocabulary, width)
        self.positions = torch.nn.Embedding(context, width)
        self.blocks = torch.nn.ModuleList(Block(width, heads) for _ in range(blocks))
        self.ln_f = torch.nn.LayerNorm(width, eps=1e-5)
        self.unembedding = torch.nn.Linear(width, vocabulary)
        self.register_buffer("blocked", torch.triu(torch.ones(context, context, dtype=torch.bool), 1))
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * blocks) if name.endswith(("out.weight", "mlp_out.weight")) else 0.02
                torch.nn.init.normal_(p, 0.0, std / 2 if name == "positions.weight" else std)
            elif name.endswith("bias"):
                torch.nn.init.zeros_(p)

    def forward(self, ids):
        x = self.tokens(ids) + self.positions(torch.arange(ids.shape[1]))
        for block in self.blocks:
            x = block(x, self.blocked)
        return self.unembedding(self.ln_f(x))


def main():
    vocabulary, context, blocks, width, heads, batch, warmup, steps = (int(a) for a in sys.argv[1:9])
    threads = int(sys.argv[9]) if len(sys.argv) > 9 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = GPT(vocabulary, context, blocks, width, heads)
    matrices = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() != 2]
    optimizer = torch.optim.AdamW(
        [{"params": matrices, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=0.001, eps=1e-8
    )
    windows = torch.randint(0, vocabulary, (warmup + steps, batch, context + 1), generator=torch.Generator().manual_seed(1))

    def step(window):
        x, y = window[:, :-1], window[:, 1:].reshape(-1)
        logits = model(x).reshape(-1, vocabulary)
        loss = F.cross_entropy(logits, y)
        correct = (logits.argmax(1) == y).sum()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item(), correct.item()

    for s in range(warmup):
        step(windows[s])
    start = time.perf_counter()
    for s in range(warmup, warmup + steps):
        loss, _ = step(windows[s])
    seconds = time.perf_counter() - start
    print(json.dumps({
        "version": torch.__version__, "threads": threads, "steps": steps, "seconds": seconds,
        "tokensPerSecond": steps * batch * context / seconds, "loss": loss,
    }))


if __name__ == "__main__":
    main()
