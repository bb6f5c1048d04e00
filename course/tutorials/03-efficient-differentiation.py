# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Unit 3: Efficient Differentiation
#
# ECE 046211 Deep Learning, Technion, Winter 2024. *Backpropagation using the chain rule
# (Hebrew syllabus: using Lagrange multipliers); differentiation in general graphs and implicit
# functions; sub-gradients; numerical differentiation; second-order derivatives.*
#
# Everything here runs on `deepcourse.dl.autodiff`, an automatic-differentiation engine of a few
# hundred lines over numpy (read `reverse.py`: each operation's value and its backward rule sit
# side by side). PyTorch appears only as the reference the numbers are checked against.

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch

from deepcourse.dl.autodiff import (
    Tensor,
    backprop_by_lagrange,
    central_difference,
    draw_graph,
    gradcheck,
    hvp,
    implicit_jacobian,
    jacobian,
    jvp,
    to_dot,
)

torch.set_num_threads(1)
warnings.filterwarnings("ignore", category=FutureWarning)  # torch.func's own deprecation notices
rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Reverse mode: backpropagation by the chain rule
#
# A program is a graph of elementary operations $v_k = \phi_k(\text{parents of } v_k)$ ending in
# a scalar $L$. Write $\bar v = \partial L / \partial v$ (the *adjoint* of $v$). The chain rule,
# read from the output backwards, is
#
# $$\bar v_j = \sum_{k \,:\, j \to k} \Big(\frac{\partial \phi_k}{\partial v_j}\Big)^T \bar v_k ,$$
#
# a sum over every use of $v_j$. Visiting the nodes in reverse topological order guarantees
# that $\bar v_k$ is complete before it is passed on. One backward pass costs a small constant
# times the forward pass, whatever the number of inputs: that is why a network with millions of
# parameters can be trained by gradients at all.
#
# Our `Tensor` has a torch-like API. A two-layer network with a node ($h$) used three times:

# %%
x = Tensor(rng.normal(size=(4, 3)), requires_grad=True)
W = Tensor(rng.normal(size=(3, 2)), requires_grad=True)
h = (x @ W).tanh()
loss = (h * h + h).sum() / h.max()
loss.backward()

xt = torch.tensor(x.data, requires_grad=True)
Wt = torch.tensor(W.data, requires_grad=True)
ht = (xt @ Wt).tanh()
((ht * ht + ht).sum() / ht.amax()).backward()
print("max |dL/dW - torch|:", np.abs(W.grad - Wt.grad.numpy()).max())
print("max |dL/dx - torch|:", np.abs(x.grad - xt.grad.numpy()).max())
assert np.allclose(W.grad, Wt.grad.numpy(), rtol=1e-12, atol=1e-14)
assert np.allclose(x.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-14)

# %% [markdown]
# The graph is a DAG, not a tree: $h$ feeds three operations. `to_dot` gives Graphviz source,
# `draw_graph` a matplotlib drawing (leaves in blue).

# %%
print(to_dot(loss, names={"x": x, "W": W, "h": h}))
draw_graph(loss, names={"x": x, "W": W, "h": h})
plt.show()

# %% [markdown]
# ## 2. Backpropagation again, as Lagrange multipliers
#
# The Hebrew syllabus derives backpropagation with Lagrange multipliers. Treat the forward pass
# of a network as constraints, $c_k = s_k - \varphi(W_k s_{k-1} + b_k) = 0$, and minimise
# $J(s_L)$ subject to them. With $\mathcal L = J(s_L) - \sum_k \lambda_k^T c_k$, stationarity in
# the states gives one linear system for all multipliers,
# $(\partial c/\partial s)^T \lambda = \nabla_s J$, and then
# $\partial J/\partial W_k = \partial \mathcal L / \partial W_k = (D_k\lambda_k) s_{k-1}^T$.
# `backprop_by_lagrange` assembles and solves that system as a whole (no chain rule). The matrix
# is block lower-bidiagonal with identities on the diagonal, so back-substitution would be
# exactly the backward pass: $\lambda_k = \bar s_k$, the adjoints *are* the multipliers.

# %%
sizes = [5, 8, 6, 3]
Ws = [rng.normal(size=(m, n)) / np.sqrt(n) for n, m in zip(sizes, sizes[1:])]
bs = [rng.normal(size=m) for m in sizes[1:]]
x0, target = rng.normal(size=5), rng.normal(size=3)
grad_W_lagrange, grad_b_lagrange, multipliers = backprop_by_lagrange(Ws, bs, x0, target)

params = [Tensor(p, requires_grad=True) for p in (*Ws, *bs)]
s = Tensor(x0)
states = []
for k in range(3):
    s = params[k] @ s + params[3 + k]
    s = s.tanh() if k < 2 else s
    states.append(s)
J = ((s - target) ** 2).sum() * 0.5
J.backward()
difference = max(
    np.abs(a - b.grad).max() for a, b in zip([*grad_W_lagrange, *grad_b_lagrange], params)
)
print(f"largest difference, Lagrange multipliers vs chain rule: {difference:.1e}")
assert difference < 1e-12

# %% [markdown]
# ## 3. Forward mode: dual numbers
#
# Forward mode pushes a *tangent* alongside each value: with $\varepsilon^2 = 0$,
# $f(a + \dot a\varepsilon) = f(a) + f'(a)\dot a\,\varepsilon$. Running $f$ on dual numbers
# computes $f(x)$ and the Jacobian-vector product $J v$ in one pass. The same `Tensor` code runs
# on `Dual` data, so $f$ is written once. `jvp(f, primals, tangents)` returns
# `(value, J v)` like `torch.func.jvp`.

# %%
A = rng.normal(size=(3, 4))


def f(x):
    return (x @ A.T).tanh() * x[:3]


point, direction = rng.normal(size=4), rng.normal(size=4)
value, tangent = jvp(f, (point,), (direction,))
ref_value, ref_tangent = torch.func.jvp(
    lambda t: torch.tanh(t @ torch.tensor(A.T)) * t[:3], (torch.tensor(point),), (torch.tensor(direction),)
)
print("J v:", tangent, "\ntorch:", ref_tangent.numpy())
assert np.allclose(tangent, ref_tangent.numpy(), rtol=1e-12)

# %% [markdown]
# **Which mode is cheaper?** For $f: \mathbb R^n \to \mathbb R^m$ the full Jacobian takes $n$
# forward passes (one per input direction) or $m$ reverse passes (one per output direction).
# We measure it: $f(x) = \tanh(Mx)$ with $M$ of size $m \times n$.


# %%
def timed_jacobian(n: int, m: int, mode: str, repeats: int = 5) -> float:
    M = np.random.default_rng(1).normal(size=(m, n))
    x = np.ones(n)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jacobian(lambda t: (t @ M.T).tanh(), x, mode=mode)
        times.append(time.perf_counter() - start)
    return min(times)


widths = [4, 16, 64, 256]
cost = {
    "forward, n grows (m=4)": [timed_jacobian(w, 4, "forward") for w in widths],
    "reverse, n grows (m=4)": [timed_jacobian(w, 4, "reverse") for w in widths],
    "forward, m grows (n=4)": [timed_jacobian(4, w, "forward") for w in widths],
    "reverse, m grows (n=4)": [timed_jacobian(4, w, "reverse") for w in widths],
}
plt.figure(figsize=(6, 4))
for label, seconds in cost.items():
    plt.loglog(widths, np.array(seconds) * 1e3, "o-" if "forward" in label else "s--", label=label)
plt.xlabel("n or m")
plt.ylabel("time for the full Jacobian (ms)")
plt.legend(fontsize=8)
plt.title("Forward mode pays per input, reverse mode per output")
plt.show()
for label, seconds in cost.items():
    print(f"{label}: " + ", ".join(f"{s * 1e3:.2f} ms" for s in seconds))

# %%
# The Jacobians agree, and the costs grow where the theory says they do: x64 in the dimension
# a mode pays for costs at least x8 (the theory says x64 passes), while x64 in the other
# dimension costs far less.
M = rng.normal(size=(5, 7))
assert np.allclose(
    jacobian(lambda t: (t @ M.T).tanh(), np.ones(7), "forward"),
    jacobian(lambda t: (t @ M.T).tanh(), np.ones(7), "reverse"),
    rtol=1e-12,
)
growth = {label: seconds[-1] / seconds[0] for label, seconds in cost.items()}
print({k: round(v, 1) for k, v in growth.items()})
assert growth["forward, n grows (m=4)"] > 8 and growth["reverse, m grows (n=4)"] > 8
assert growth["forward, n grows (m=4)"] > 3 * growth["reverse, n grows (m=4)"]
assert growth["reverse, m grows (n=4)"] > 3 * growth["forward, m grows (n=4)"]

# %% [markdown]
# ## 4. Numerical differentiation
#
# The central difference $\frac{f(x+h) - f(x-h)}{2h}$ has a truncation error $\approx
# \frac{h^2}{6}|f'''|$ and a rounding error $\approx \epsilon_{\text{mach}}|f|/h$; the total is
# smallest near $h^\star \approx \epsilon_{\text{mach}}^{1/3} \approx 6\cdot10^{-6}$, where it is
# about $10^{-10}$ in float64. It costs $2n$ evaluations, so it is a *check* (`gradcheck`), not
# a method.

# %%
hs = np.logspace(-13, -1, 49)
x_check = np.array([0.7])
exact = np.cos(0.7) * np.exp(np.sin(0.7))
errors = [
    abs(central_difference(lambda t: (np.sin(t.data) + 0 * t).exp(), x_check, h=h)[0, 0] - exact)
    for h in hs
]
plt.figure(figsize=(6, 4))
plt.loglog(hs, errors, "o-", ms=3, label="|central difference - exact|")
plt.loglog(hs, hs**2 / 6 * 2.5, "k:", label="h^2 (truncation)")
plt.loglog(hs, 1e-16 / hs, "k--", label="eps/h (rounding)")
plt.ylim(1e-13, 1)
plt.xlabel("h")
plt.legend()
plt.title("d/dx exp(sin x) at 0.7")
plt.show()
best_h = hs[int(np.argmin(errors))]
print(f"best h = {best_h:.1e}, error {min(errors):.1e}")
assert 1e-7 < best_h < 1e-3 and min(errors) < 1e-9

# %% [markdown]
# `gradcheck` compares a backward pass with central differences on every input, the standard
# test for a new backward rule:

# %%
assert gradcheck(lambda a, b: (a @ b).sigmoid().log().sum(), rng.normal(size=(3, 4)), rng.normal(size=(4, 2)))

# %% [markdown]
# ## 5. Sub-gradients
#
# At a kink there is no derivative, but a convex function has *sub-gradients*: every slope $g$
# with $f(y) \ge f(x) + g (y - x)$. For $|x|$ at 0 that is any $g \in [-1, 1]$; for ReLU, any
# $g\in[0,1]$; for $\max_i x_i$ with ties, any convex combination of the tied coordinates. An
# engine must pick one. Ours picks the same as PyTorch: $\text{relu}'(0) = 0$,
# $|\cdot|'(0) = 0$, and `max` splits the gradient evenly among ties (as `torch.amax`).

# %%
kinks = np.array([-1.0, 0.0, 1.0])
for name, ours, theirs in [
    ("relu", lambda t: t.relu(), torch.relu),
    ("abs", lambda t: t.abs(), torch.abs),
]:
    t = Tensor(kinks, requires_grad=True)
    ours(t).sum().backward()
    tt = torch.tensor(kinks, requires_grad=True)
    theirs(tt).sum().backward()
    print(f"{name}: ours {t.grad}, torch {tt.grad.numpy()}")
    assert np.array_equal(t.grad, tt.grad.numpy())
tied = Tensor(np.array([2.0, 2.0, 1.0]), requires_grad=True)
tied.max().backward()
print("max with a tie:", tied.grad)
assert np.array_equal(tied.grad, [0.5, 0.5, 0.0])

# %% [markdown]
# ## 6. Implicit functions
#
# When $x^\star(\theta)$ is defined by an equation $F(x^\star, \theta) = 0$ (a fixed point, the
# optimum of an inner problem), the implicit function theorem gives its derivative without
# differentiating the solver:
#
# $$\frac{\partial x^\star}{\partial\theta} = -\big(\partial_x F\big)^{-1}\partial_\theta F .$$
#
# Example: ridge regression, $w^\star(\theta) = \arg\min_w \tfrac12\lVert Xw - y\rVert^2 +
# \tfrac{e^\theta}{2}\lVert w\rVert^2$, with $F = \nabla_w = X^T(Xw - y) + e^\theta w$. The
# alternative, *unrolled* differentiation, backpropagates through $K$ steps of gradient descent:
# it needs memory for all $K$ steps and is exact only as $K \to \infty$.

# %%
X = rng.normal(size=(30, 4))
y = rng.normal(size=30)
theta = np.array([0.3])
lam = np.exp(theta[0])


def F(w, t):  # noqa: N802
    return X.T @ (X @ w - y) + t.exp() * w


w_star = np.linalg.solve(X.T @ X + lam * np.eye(4), X.T @ y)
implicit = implicit_jacobian(F, w_star, theta)
closed_form = -np.linalg.solve(X.T @ X + lam * np.eye(4), w_star)[:, None] * lam
step = 1.0 / (np.linalg.norm(X, 2) ** 2 + lam)


def unrolled(t: Tensor, steps: int) -> Tensor:
    w = Tensor(np.zeros(4))
    for _ in range(steps):
        w = w - F(w, t) * step
    return w


ks = [5, 10, 20, 40, 80, 160, 320]
unrolled_error = [np.abs(jacobian(lambda t: unrolled(t, k), theta) - closed_form).max() for k in ks]
plt.figure(figsize=(6, 4))
plt.semilogy(ks, unrolled_error, "o-", label="unrolled through K steps")
plt.axhline(np.abs(implicit - closed_form).max() + 1e-17, color="k", ls=":", label="implicit")
plt.xlabel("K")
plt.ylabel("error in dw*/dtheta")
plt.legend()
plt.show()
print("implicit error:", np.abs(implicit - closed_form).max(), " unrolled:", unrolled_error)
assert np.allclose(implicit, closed_form, rtol=1e-10)
assert unrolled_error[-1] < 1e-6 < unrolled_error[0]

# %% [markdown]
# ## 7. Second-order derivatives: Hessian-vector products
#
# Newton-type methods and curvature analysis need $\nabla^2 f\, v$, not the $n\times n$ Hessian.
# Forward-over-reverse computes it for the price of a few gradients: run the backward pass on
# dual numbers at $x + \varepsilon v$, and its tangent is $\nabla^2 f(x) v$. Columns $H e_i$ give
# the whole Hessian, checked against `torch.autograd.functional.hessian`.


# %%
def g(x):
    return (x @ A.T).tanh().sum() + (x * x * x).sum() / 3


x1 = rng.normal(size=4)
hessian = np.stack([hvp(g, x1, e) for e in np.eye(4)], axis=1)
reference = torch.autograd.functional.hessian(
    lambda t: torch.tanh(t @ torch.tensor(A.T)).sum() + (t**3).sum() / 3, torch.tensor(x1)
).numpy()
print(np.round(hessian, 4))
assert np.allclose(hessian, reference, rtol=1e-10, atol=1e-12)
assert np.allclose(hessian, hessian.T, atol=1e-12)
