#!/usr/bin/python3
"""Writes a GPT-2-small-shaped language model with random weights to ONNX, for the scale benchmark (issue 16
item 8). Generated, not committed. Needs Debian's python3-torch and python3-onnx. From the repository root:

    /usr/bin/python3 bench/make-gpt2-small.py [out.onnx] [--blocks N]

Default path /tmp/gpt2-small.onnx. Shape of GPT-2 small: 12 blocks, d_model 768, 12 heads, 3,072 MLP
neurons per block, vocabulary 50257, context 1024, 124,439,808 parameters. GPT-2's initialization
(normal, std 0.02; residual projections 0.02 / sqrt(2 * blocks); positions std 0.01; LayerNorms 1 and 0;
biases 0), seeded. Exported exactly like fixtures/lm/lm-gpt2.onnx (the Gpt2 module and export() of
fixtures/make-lm-fixtures.py): Conv1D weights [in, out], fused QKV split three ways, GELU's tanh form
written out, an additive -inf causal bias, tied unembedding, opset 17, input_ids [batch, seq] int64 ->
logits [batch, seq, 50257] with dynamic batch and seq.

Two things about what torch 1.13 writes here:
- the tied unembedding is stored twice: wte [50257, 768] for the Gather and, because constant folding
  folds the transpose, a [768, 50257] copy for the last MatMul (154 MB more); the file stays under
  protobuf's 2 GB limit, so no external data is needed;
- untrained LayerNorm gains, LayerNorm biases, the zero biases and the 12 identical mask buffers are
  deduplicated by the exporter: one initializer each, the others are Identity nodes of it.
--blocks N writes the same model with N blocks (for the scaling table).
"""
import argparse, importlib.util, math, os, time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_lm_fixtures", os.path.join(HERE, "..", "fixtures", "make-lm-fixtures.py"))
lm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lm)  # sets 2 torch threads; its main() runs only as a script
import torch  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("out", nargs="?", default="/tmp/gpt2-small.onnx")
parser.add_argument("--blocks", type=int, default=12)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

VOCAB, D, HEADS, CONTEXT = 50257, 768, 12, 1024
t0 = time.time()
torch.manual_seed(args.seed)
model = lm.Gpt2(VOCAB, D, HEADS, args.blocks, CONTEXT).eval()
params = sum(p.numel() for p in model.parameters())
print(f"GPT-2-small shape: {args.blocks} blocks, d_model {D}, {HEADS} heads, MLP {4 * D}, vocabulary {VOCAB}, "
      f"context {CONTEXT}: {params} parameters ({time.time() - t0:.1f} s)", flush=True)
with torch.no_grad():
    example = torch.randint(VOCAB, (1, 16), generator=torch.Generator().manual_seed(args.seed))
    lm.export(model, args.out, example)
size = os.path.getsize(args.out)
print(f"wrote {args.out}: {size} bytes ({size / 2**20:.0f} MiB) in {time.time() - t0:.1f} s", flush=True)
