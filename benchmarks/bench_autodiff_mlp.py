"""One MLP training step (784-512-512-10, batch 256, float32): deepcourse.dl.autodiff vs torch.

Three implementations of the same step (forward, softmax cross-entropy, backward, SGD update),
timed in the same process with the same thread count for numpy's BLAS and torch:

- ``deepcourse``: the from-scratch reverse-mode Tensor (numpy underneath);
- ``torch.autograd``: the same network in PyTorch;
- ``numpy by hand``: the forward and backward written out manually (no engine at all).

Run: ``python benchmarks/bench_autodiff_mlp.py [--threads N] [--steps N]``. The ratio column is
time / torch's time; the engine's own overhead is the gap between ``deepcourse`` and ``numpy``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from deepcourse.dl.autodiff import Tensor

SIZES = (784, 512, 512, 10)
BATCH = 256
LR = 0.01


def make_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
    labels = rng.integers(0, SIZES[-1], size=BATCH)
    params = []
    for n_in, n_out in zip(SIZES, SIZES[1:], strict=False):
        params.append((rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)).astype(np.float32))
        params.append(np.zeros(n_out, dtype=np.float32))
    return X, labels, params


def step_deepcourse(X, labels, params):
    W1, b1, W2, b2, W3, b3 = params
    h = (Tensor(X) @ W1 + b1).relu()
    h = (h @ W2 + b2).relu()
    logits = h @ W3 + b3
    shifted = logits - logits.max(1, keepdim=True).detach()
    log_probs = shifted - shifted.exp().sum(1, keepdim=True).log()
    loss = -log_probs[np.arange(BATCH), labels].mean()
    loss.backward()
    for p in params:
        p.data -= LR * p.grad
        p.grad = None
    return loss.item()


def step_torch(X, labels, params):
    W1, b1, W2, b2, W3, b3 = params
    h = torch.relu(X @ W1 + b1)
    h = torch.relu(h @ W2 + b2)
    loss = torch.nn.functional.cross_entropy(h @ W3 + b3, labels)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= LR * p.grad
            p.grad = None
    return loss.item()


def step_numpy(X, labels, params):
    W1, b1, W2, b2, W3, b3 = params
    u1 = X @ W1 + b1
    h1 = np.maximum(u1, 0)
    u2 = h1 @ W2 + b2
    h2 = np.maximum(u2, 0)
    logits = h2 @ W3 + b3
    shifted = logits - logits.max(1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(1, keepdims=True)
    loss = -np.log(probs[np.arange(BATCH), labels]).mean()
    g = probs
    g[np.arange(BATCH), labels] -= 1
    g /= BATCH  # dL/dlogits
    gW3, gb3 = h2.T @ g, g.sum(0)
    g = (g @ W3.T) * (u2 > 0)
    gW2, gb2 = h1.T @ g, g.sum(0)
    g = (g @ W2.T) * (u1 > 0)
    gW1, gb1 = X.T @ g, g.sum(0)
    for p, gp in zip(params, (gW1, gb1, gW2, gb2, gW3, gb3), strict=True):
        p -= LR * gp
    return float(loss)


def time_steps(step, args, steps: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        step(*args)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def _runs(X, labels, params) -> dict[str, tuple]:
    """Each implementation's step function and its own fresh copy of the data and weights."""
    return {
        "deepcourse.dl.autodiff": (
            step_deepcourse,
            (X, labels, [Tensor(p.copy(), requires_grad=True) for p in params]),
        ),
        "torch.autograd": (
            step_torch,
            (
                torch.tensor(X),
                torch.tensor(labels),
                [torch.tensor(p, requires_grad=True) for p in params],
            ),
        ),
        "numpy by hand": (step_numpy, (X, labels, [p.copy() for p in params])),
    }


def _array(p) -> np.ndarray:
    """The value of a parameter of any of the three implementations, as a numpy array."""
    if isinstance(p, Tensor):
        return p.data
    return p.detach().numpy() if isinstance(p, torch.Tensor) else p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default 1)")
    parser.add_argument("--steps", type=int, default=30, help="timed steps per implementation")
    options = parser.parse_args()
    torch.set_num_threads(options.threads)
    X, labels, params = make_data()
    with threadpool_limits(limits=options.threads):
        # The three implementations start from the same weights and must agree on the loss and
        # on the update of every parameter (a wrong gradient shows in the update, not the loss).
        losses, updates = {}, {}
        for name, (step, args) in _runs(X, labels, params).items():
            losses[name] = step(*args)
            updates[name] = [_array(p) - p0 for p, p0 in zip(args[2], params, strict=True)]
        if max(losses.values()) - min(losses.values()) > 1e-4:
            raise SystemExit(f"the implementations disagree on the loss: {losses}")
        for name, update in updates.items():
            for k, (ours, ref) in enumerate(zip(update, updates["torch.autograd"], strict=True)):
                if np.abs(ours - ref).max() > 1e-3 * np.abs(ref).max():
                    raise SystemExit(f"{name} disagrees with torch on the update of parameter {k}")
        results = {
            name: time_steps(step, args, options.steps)
            for name, (step, args) in _runs(X, labels, params).items()
        }
    reference = results["torch.autograd"]
    print(
        f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float32, {options.threads} thread(s), "
        f"median of {options.steps} steps; {platform.processor() or platform.machine()}, "
        f"numpy {np.__version__}, torch {torch.__version__}"
    )
    print(f"| {'implementation':<24} | {'ms / step':>9} | {'vs torch':>8} |")
    print(f"|{'-' * 26}|{'-' * 11}|{'-' * 10}|")
    for name, ms in results.items():
        print(f"| {name:<24} | {ms:9.2f} | {ms / reference:7.2f}x |")


if __name__ == "__main__":
    main()
