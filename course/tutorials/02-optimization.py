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
# # Unit 2: Optimization
#
# ECE 046211 Deep Learning, Technion, Winter 2024. *Properties and promises of various
# optimization algorithms: gradient descent, stochastic gradient descent, momentum, adaptive
# learning rates.*
#
# Every optimizer used here is written from scratch in `deepcourse.dl.optim` (read the source:
# each class's docstring gives its update rule in the code's symbols) and is tested against
# `torch.optim` or against its authors' package. We
#
# 1. measure gradient descent's linear rate on a quadratic and compare it with the bound
#    $1 - 1/\kappa$;
# 2. measure momentum's $\sqrt{\kappa}$ speed-up;
# 3. see SGD's noise floor with a constant step, and a decaying schedule remove it;
# 4. train a small network with the adaptive methods (Adagrad, RMSprop, Adam, AdamW, AdaBelief,
#    Adan, MADGRAD, schedule-free AdamW), and check ours against torch's on the way.
#
# Each section ends with `assert`s: this notebook is executed by CI, and it fails if the theory
# and the measurement disagree.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch

from deepcourse.dl import optim

torch.set_num_threads(1)  # small problems run faster on one thread
torch.manual_seed(0)
rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Gradient descent on a quadratic
#
# Take $f(x) = \tfrac12 x^T A x$ with $A$ symmetric, eigenvalues in $[\mu, L]$, and condition
# number $\kappa = L/\mu$. Gradient descent with step $\eta$ is linear:
#
# $$x_{t+1} = x_t - \eta A x_t = (I - \eta A)\,x_t,$$
#
# so along each eigenvector $q_i$ the error is multiplied by $1 - \eta\lambda_i$ at every step.
# With $\eta = 1/L$ the slowest direction ($\lambda = \mu$) contracts by $1 - \mu/L$:
#
# $$\lVert x_t - x^\star \rVert \le \Big(1 - \frac{1}{\kappa}\Big)^t \lVert x_0 - x^\star\rVert .$$
#
# This is the rate of gradient descent for any $L$-smooth, $\mu$-strongly convex function; the
# quadratic attains it. We run `optim.SGD` (full gradients, so plain GD) and measure the rate as
# the slope of $\log\lVert x_t\rVert$.


# %%
def quadratic(kappa: float, dim: int = 20, seed: int = 0) -> torch.Tensor:
    """A random symmetric matrix with eigenvalues spread from 1 to kappa (float64)."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    eigenvalues = np.linspace(1.0, kappa, dim)
    return torch.tensor(q @ np.diag(eigenvalues) @ q.T)


def run(A: torch.Tensor, steps: int, **sgd_kwargs) -> np.ndarray:
    """Minimise x^T A x / 2 from a fixed start with our SGD; return ||x_t|| for t = 0..steps."""
    x = torch.ones(A.shape[0], dtype=torch.float64, requires_grad=True)
    optimizer = optim.SGD([x], **sgd_kwargs)
    norms = [x.norm().item()]
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * x @ A @ x).backward()
        optimizer.step()
        norms.append(x.norm().item())
    return np.array(norms)


def measured_rate(norms: np.ndarray) -> float:
    """The per-step contraction factor: exp of the slope of log||x_t|| over the second half."""
    t = np.arange(len(norms))
    half = len(norms) // 2
    slope = np.polyfit(t[half:], np.log(norms[half:]), 1)[0]
    return math.exp(slope)


kappa = 100.0
A = quadratic(kappa)
L = torch.linalg.eigvalsh(A).max().item()
gd = run(A, steps=1500, lr=1 / L)
rate_gd, bound_gd = measured_rate(gd), 1 - 1 / kappa
print(f"kappa = {kappa:.0f}: measured rate {rate_gd:.5f}, bound 1 - 1/kappa = {bound_gd:.5f}")

# %% [markdown]
# ## 2. Momentum: $\sqrt{\kappa}$ instead of $\kappa$
#
# Polyak's heavy ball adds a fraction $\beta$ of the previous step,
# $x_{t+1} = x_t - \eta\nabla f(x_t) + \beta (x_t - x_{t-1})$, which is exactly `SGD(lr=eta,
# momentum=beta)` (torch's convention keeps the gradients in the buffer; for a constant step the
# two are the same). On a quadratic, the best constants
#
# $$\eta = \frac{4}{(\sqrt L + \sqrt \mu)^2}, \qquad \beta = \Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^2$$
#
# give the rate $\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1} \approx 1 - 2/\sqrt\kappa$. The number of
# steps to gain a digit drops from about $\kappa \ln 10$ to $\tfrac12\sqrt\kappa \ln 10$: the
# speed-up, the ratio $\ln\rho_{\text{HB}} / \ln\rho_{\text{GD}}$, is about $2\sqrt\kappa$.

# %%
results = []
for kappa_k in (10.0, 100.0, 1000.0):
    A_k = quadratic(kappa_k)
    mu_k, L_k = (v.item() for v in torch.linalg.eigvalsh(A_k)[[0, -1]])
    sqrt_kappa = math.sqrt(L_k / mu_k)
    lr_hb = 4 / (math.sqrt(L_k) + math.sqrt(mu_k)) ** 2
    beta_hb = ((sqrt_kappa - 1) / (sqrt_kappa + 1)) ** 2
    gd_k = run(A_k, steps=int(8 * kappa_k) + 200, lr=1 / L_k)
    hb_k = run(A_k, steps=int(25 * sqrt_kappa) + 200, lr=lr_hb, momentum=beta_hb)
    theory = {"gd": 1 - 1 / kappa_k, "hb": (sqrt_kappa - 1) / (sqrt_kappa + 1)}
    measured = {"gd": measured_rate(gd_k), "hb": measured_rate(hb_k)}
    speedup = math.log(measured["hb"]) / math.log(measured["gd"])
    speedup_theory = math.log(theory["hb"]) / math.log(theory["gd"])
    results.append((kappa_k, measured, theory, speedup, speedup_theory, gd_k, hb_k))
    print(
        f"kappa={kappa_k:6.0f}  GD rate {measured['gd']:.5f} (theory {theory['gd']:.5f})  "
        f"heavy ball {measured['hb']:.5f} (theory {theory['hb']:.5f})  "
        f"speed-up {speedup:6.1f} (theory {speedup_theory:6.1f}, 2 sqrt(kappa) = {2 * sqrt_kappa:.1f})"
    )

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for kappa_k, _, theory, _, _, gd_k, hb_k in results:
    (line,) = axes[0].semilogy(gd_k / gd_k[0], label=f"GD, kappa={kappa_k:.0f}")
    axes[0].semilogy(hb_k / hb_k[0], "--", color=line.get_color(), label=f"heavy ball, kappa={kappa_k:.0f}")
axes[0].set(xlabel="step t", ylabel="||x_t|| / ||x_0||", title="Linear convergence", ylim=(1e-12, 2), xlim=(0, 3000))
axes[0].legend(fontsize=7)
kappas = np.array([r[0] for r in results])
axes[1].loglog(kappas, [r[3] for r in results], "o-", label="measured speed-up")
axes[1].loglog(kappas, 2 * np.sqrt(kappas), "k:", label="2 sqrt(kappa)")
axes[1].set(xlabel="kappa", ylabel="steps(GD) / steps(heavy ball)", title="Momentum's speed-up")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# The measured rates match the theory: the bound $1 - 1/\kappa$ is attained (not just an upper
# bound) and momentum's speed-up grows like $\sqrt\kappa$.

# %%
assert abs(math.log(rate_gd) / math.log(bound_gd) - 1) < 0.10, "GD rate within 10% of 1 - 1/kappa"
assert np.all(gd <= gd[0] * bound_gd ** np.arange(len(gd)) * (1 + 1e-9)), "the bound holds at every step"
for kappa_k, measured, theory, speedup, speedup_theory, *_ in results:
    for method in ("gd", "hb"):
        ratio = math.log(measured[method]) / math.log(theory[method])
        assert abs(ratio - 1) < 0.10, f"{method} rate at kappa={kappa_k}: {ratio:.3f} of theory"
    assert abs(speedup / speedup_theory - 1) < 0.10, f"speed-up at kappa={kappa_k}"
# the speed-up grows like sqrt(kappa): x100 in kappa gives about x10
growth = results[-1][3] / results[0][3]
assert 8 < growth < 12.5, growth

# %% [markdown]
# ## 3. Stochastic gradients: a noise floor, and a schedule that removes it
#
# Least squares $f(w) = \frac{1}{2n}\sum_i (x_i^T w - y_i)^2$ with noisy labels
# $y_i = x_i^T w^\star + \varepsilon_i$. SGD uses one example per step, an unbiased but noisy
# gradient. With a constant step $\eta$ the iterates do not converge: they settle where the pull
# towards the minimum balances the noise, at an excess loss roughly proportional to
# $\eta\,\sigma^2$. A step that decays (Robbins-Monro: $\sum\eta_t = \infty$,
# $\sum\eta_t^2 < \infty$; in practice a cosine or step schedule to a small value) removes the
# floor. We use `optim.SGD` with the schedules from `optim` (`CosineAnnealingLR` here).

# %%
n, d, noise = 2000, 10, 0.5
X = torch.tensor(rng.normal(size=(n, d)))
w_true = torch.tensor(rng.normal(size=d))
y = X @ w_true + noise * torch.tensor(rng.normal(size=n))
w_best = torch.linalg.lstsq(X, y).solution
f_best = 0.5 * ((X @ w_best - y) ** 2).mean().item()


def excess_loss(w: torch.Tensor) -> float:
    return 0.5 * ((X @ w - y) ** 2).mean().item() - f_best


def sgd_run(lr: float, steps: int, schedule: str | None = None, seed: int = 1) -> np.ndarray:
    generator = torch.Generator().manual_seed(seed)
    w = torch.zeros(d, dtype=torch.float64, requires_grad=True)
    optimizer = optim.SGD([w], lr=lr)
    scheduler = optim.CosineAnnealingLR(optimizer, T_max=steps) if schedule == "cosine" else None
    trace = []
    for i in torch.randint(n, (steps,), generator=generator):
        optimizer.zero_grad()
        (0.5 * (X[i] @ w - y[i]) ** 2).backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        trace.append(excess_loss(w.detach()))
    return np.array(trace)


steps = 6000
constant = {lr: sgd_run(lr, steps) for lr in (0.01, 0.02)}
cosine = sgd_run(0.02, steps, schedule="cosine")
floor = {lr: trace[steps // 2 :].mean() for lr, trace in constant.items()}
print(f"floor with lr=0.01: {floor[0.01]:.2e}, with lr=0.02: {floor[0.02]:.2e}")
print(f"cosine schedule from lr=0.02, final excess loss: {cosine[-200:].mean():.2e}")

plt.figure(figsize=(7, 4))
for lr, trace in constant.items():
    plt.semilogy(trace, alpha=0.7, label=f"constant lr={lr}")
plt.semilogy(cosine, label="cosine schedule from lr=0.02")
plt.xlabel("step")
plt.ylabel("f(w) - f*")
plt.title("SGD: the noise floor and its removal")
plt.legend()
plt.show()

# %%
ratio = floor[0.02] / floor[0.01]
assert 1.4 < ratio < 2.9, f"the floor should scale about linearly with the step, got x{ratio:.2f}"
assert cosine[-200:].mean() < 0.2 * floor[0.01], "the decaying step goes below the constant-step floor"

# %% [markdown]
# ## 4. Adaptive learning rates on a small network
#
# Adagrad divides each coordinate's step by the root of its summed squared gradients; RMSprop
# and Adam use an exponential average instead, Adam adds momentum and bias correction; AdamW
# decouples weight decay; AdaBelief scales by the variance of the gradient around its average;
# Adan adds a Nesterov-like gradient-difference term; MADGRAD is dual averaging with a cube
# root; schedule-free AdamW replaces the schedule by an average of the iterates. Their update
# rules are in each class's docstring.
#
# First a check that ours *is* torch's: the same network trained with `optim.Adam` and
# `torch.optim.Adam` in float64 stays equal to $10^{-10}$.

# %%
from sklearn.datasets import load_digits  # noqa: E402

digits = load_digits()
features = torch.tensor(digits.data / 16.0, dtype=torch.float32)
labels = torch.tensor(digits.target)


def network(seed: int = 0, dtype=torch.float32) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(dtype)


ours_net, torch_net = network(dtype=torch.float64), network(dtype=torch.float64)
ours_opt = optim.Adam(ours_net.parameters(), lr=1e-2)
torch_opt = torch.optim.Adam(torch_net.parameters(), lr=1e-2, foreach=False)
for _ in range(100):
    for net, opt in ((ours_net, ours_opt), (torch_net, torch_opt)):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(features.double()), labels).backward()
        opt.step()
gap = max((p - q).abs().max().item() for p, q in zip(ours_net.parameters(), torch_net.parameters()))
print(f"largest parameter difference after 100 Adam steps: {gap:.1e}")
assert gap < 1e-10

# %%
optimizers = {
    "SGD": lambda p: optim.SGD(p, lr=0.5),
    "SGD + Nesterov": lambda p: optim.SGD(p, lr=0.2, momentum=0.9, nesterov=True),
    "Adagrad": lambda p: optim.Adagrad(p, lr=0.05),
    "RMSprop": lambda p: optim.RMSprop(p, lr=3e-3),
    "Adam": lambda p: optim.Adam(p, lr=1e-2),
    "AdamW": lambda p: optim.AdamW(p, lr=1e-2, weight_decay=1e-2),
    "AdaBelief": lambda p: optim.AdaBelief(p, lr=1e-2),
    "Adan": lambda p: optim.Adan(p, lr=1e-2),
    "MADGRAD": lambda p: optim.MADGRAD(p, lr=1e-2),
    "AdamW schedule-free": lambda p: optim.AdamWScheduleFree(p, lr=1e-2),
}
curves, accuracy = {}, {}
for name, make in optimizers.items():
    net = network()
    opt = make(net.parameters())
    if hasattr(opt, "train"):
        opt.train()  # schedule-free optimizers keep train/eval modes, like the model
    losses = []
    for _ in range(150):  # full-batch steps on the 1797 digits
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(features), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    if hasattr(opt, "eval"):
        opt.eval()  # evaluate at the averaged point x
    with torch.no_grad():
        accuracy[name] = (net(features).argmax(1) == labels).float().mean().item()
    curves[name] = losses
    print(f"{name:22s} final loss {losses[-1]:.3f}  training accuracy {accuracy[name]:.3f}")

plt.figure(figsize=(7, 4))
for name, losses in curves.items():
    plt.semilogy(losses, label=name)
plt.xlabel("step (full batch)")
plt.ylabel("training cross-entropy")
plt.title("Optimizers on an MLP for scikit-learn's digits")
plt.legend(fontsize=7, ncol=2)
plt.show()

# %%
for name, losses in curves.items():
    assert losses[-1] < 0.5 * losses[0], f"{name} did not train"
for name in ("Adam", "AdamW", "AdaBelief", "Adan", "RMSprop"):
    assert accuracy[name] > 0.95, f"{name}: {accuracy[name]:.3f}"

# %% [markdown]
# ## 5. Learning-rate schedules
#
# The schedules in `deepcourse.dl.optim` have torch's `lr_scheduler` interface
# (`scheduler.step()` after `optimizer.step()`), and each `get_lr` is the closed form of its
# curve. Linear warm-up is `LinearLR` with a small `start_factor`; one-cycle warms up and then
# anneals far below the start, moving momentum the opposite way.

# %%
schedules = {
    "StepLR(step_size=60, gamma=0.5)": lambda o: optim.StepLR(o, step_size=60, gamma=0.5),
    "ExponentialLR(gamma=0.99)": lambda o: optim.ExponentialLR(o, gamma=0.99),
    "CosineAnnealingLR(T_max=300)": lambda o: optim.CosineAnnealingLR(o, T_max=300),
    "LinearLR warm-up (30 steps)": lambda o: optim.LinearLR(o, start_factor=0.01, total_iters=30),
    "OneCycleLR(max_lr=1)": lambda o: optim.OneCycleLR(o, max_lr=1.0, total_steps=300),
}
plt.figure(figsize=(7, 4))
traces = {}
for name, make in schedules.items():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
    scheduler = make(opt)
    trace = []
    for _ in range(300):
        trace.append(opt.param_groups[0]["lr"])
        opt.step()
        if len(trace) < 300:
            scheduler.step()
    traces[name] = trace
    plt.plot(trace, label=name)
plt.xlabel("step")
plt.ylabel("learning rate")
plt.legend(fontsize=7)
plt.title("Schedules (initial lr 1)")
plt.show()

# %%
cosine_trace = traces["CosineAnnealingLR(T_max=300)"]
assert abs(cosine_trace[150] - 0.5) < 0.01 and cosine_trace[-1] < 1e-3
one_cycle = np.array(traces["OneCycleLR(max_lr=1)"])
assert one_cycle.argmax() == 89 and one_cycle[-1] < 1e-5  # peak at pct_start * 300 - 1
