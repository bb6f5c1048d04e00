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
# # Unit 4: the single neuron
#
# One neuron computes $\hat y = \phi(z)$, $z = w^\top x + b$. With $\phi$ the identity and the
# squared error it is **linear regression**; with the sigmoid and the cross entropy it is
# **logistic regression**; with $k$ outputs and the softmax it is **softmax regression**. This
# tutorial builds the losses and activations from scratch (`deepcourse.dl.neuron`), checks them
# against PyTorch, looks at optimisation surfaces and convergence, and reproduces the
# *implicit bias* of gradient descent (Soudry, Hoffer, Nacson, Gunasekar and Srebro, 2018).
# Every claim is measured and asserted at the end of its section.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.svm import SVC

from deepcourse.dl import data, neuron

torch.set_num_threads(1)  # small models run faster on one thread
started = time.perf_counter()

# %% [markdown]
# ## Activation functions
#
# | name | $\phi(z)$ | $\phi'(z)$ |
# |---|---|---|
# | sigmoid | $1/(1+e^{-z})$ | $\sigma(z)(1-\sigma(z)) \le 1/4$ |
# | tanh | $2\sigma(2z)-1$ | $1-\tanh^2 z$ |
# | ReLU | $\max(z,0)$ | $\mathbb 1[z>0]$ |
# | leaky ReLU | $z$ or $\alpha z$ | $1$ or $\alpha$ |
# | GELU | $z\,\Phi(z)$ | $\Phi(z) + z\varphi(z)$ |
# | softplus | $\log(1+e^z)$ | $\sigma(z)$ |
#
# Each is written in torch ops, so we can compare both the value and the autograd gradient with
# `torch.nn.functional`, and the hand-derived $\phi'$ with autograd.

# %%
z = torch.linspace(-4, 4, 401, dtype=torch.float64, requires_grad=True)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
worst_value = worst_grad = 0.0
for name, act in neuron.ACTIVATIONS.items():
    ours = act.fn(z)
    (auto,) = torch.autograd.grad(act.reference(z).sum(), z)
    worst_value = max(worst_value, (ours - act.reference(z)).abs().max().item())
    worst_grad = max(worst_grad, (act.grad(z.detach()) - auto).abs().max().item())
    axes[0].plot(z.detach(), ours.detach(), label=name)
    axes[1].plot(z.detach(), act.grad(z.detach()), label=name)
axes[0].set_title(r"$\phi(z)$")
axes[1].set_title(r"$\phi'(z)$")
axes[0].legend()
plt.show()
print(f"largest difference from torch: values {worst_value:.1e}, derivatives {worst_grad:.1e}")
assert worst_value < 1e-12 and worst_grad < 1e-12
sigmoid_peak = neuron.ACTIVATIONS["sigmoid"].grad(z.detach()).max().item()
assert abs(sigmoid_peak - 0.25) < 1e-12  # why stacked sigmoids shrink gradients

# %% [markdown]
# ## Losses
#
# * MSE $\frac1n\sum(\hat y - y)^2$, gradient $\frac2n(\hat y - y)$;
# * binary cross entropy on logits $\frac1n\sum[\mathrm{softplus}(z) - yz]$, gradient
#   $\frac1n(\sigma(z) - y)$: *prediction minus target*, like the MSE;
# * categorical cross entropy $\frac1n\sum[\log\sum_k e^{z_k} - z_y]$, gradient
#   $\frac1n(\mathrm{softmax}(z) - \mathrm{onehot}(y))$;
# * hinge $\frac1n\sum\max(0, 1 - ys)$, subgradient $-\frac1n y\,\mathbb 1[ys<1]$: zero for
#   points beyond the margin, which is why only support vectors matter to an SVM.

# %%
g = torch.Generator().manual_seed(0)
logits = 3 * torch.randn(32, 4, dtype=torch.float64, generator=g)
labels = torch.randint(0, 4, (32,), generator=g)
leaf = logits.clone().requires_grad_()
(auto,) = torch.autograd.grad(F.cross_entropy(leaf, labels), leaf)
ce_error = (neuron.cross_entropy_grad(logits, labels) - auto).abs().max().item()
value_error = abs(
    neuron.cross_entropy(logits, labels).item() - F.cross_entropy(logits, labels).item()
)
print(f"cross entropy vs torch: value {value_error:.1e}, gradient {ce_error:.1e}")
assert value_error < 1e-12 and ce_error < 1e-12

# %% [markdown]
# ## The perceptron
#
# Rosenblatt's rule updates only on mistakes, $w \leftarrow w + y_i x_i$. On data separable
# with margin $\gamma$ in a ball of radius $R$ it stops after at most $(R/\gamma)^2$ updates.

# %%
X_sep, y_sep, w_true = data.linearly_separable(200, margin=0.3, seed=3)
result = neuron.perceptron(X_sep, y_sep, max_epochs=1000)
X1 = np.hstack([X_sep, np.ones((len(X_sep), 1))])
bound = (np.linalg.norm(X1, axis=1).max() / (0.3 / np.sqrt(2))) ** 2
print(f"perceptron: {result.updates} updates in {result.epochs} epochs; Novikoff bound {bound:.0f}")
assert result.converged and result.updates <= bound

# %% [markdown]
# ## Softmax regression on the digits
#
# One layer of 10 neurons on the 64 pixels of scikit-learn's 8x8 digits, trained by full-batch
# gradient descent on the cross entropy. A linear model already does well on this easy set.

# %%
digits = data.digits(seed=0)
torch.manual_seed(0)
softmax_regression = neuron.Neuron(64, 10)
losses = neuron.fit_full_batch(
    softmax_regression, digits.X_train, digits.y_train, F.cross_entropy, lr=0.5, steps=300
)
with torch.no_grad():
    train_acc = (
        (softmax_regression(digits.X_train).argmax(1) == digits.y_train).float().mean().item()
    )
    test_acc = (softmax_regression(digits.X_test).argmax(1) == digits.y_test).float().mean().item()
print(f"softmax regression: train accuracy {train_acc:.3f}, test accuracy {test_acc:.3f}")
assert test_acc > 0.93 and losses[-1] < losses[0] / 10

# %% [markdown]
# **Generalisation.** The gap between training and test accuracy above is the generalisation gap;
# for a linear model with 650 parameters and 1438 samples it is small.

# %%
assert train_acc - test_acc < 0.05

# %% [markdown]
# ## Optimisation surfaces
#
# For a linear neuron the MSE is a quadratic in $w$: **convex**, one basin. Put a sigmoid in
# front of the MSE and the surface gets flat plateaus where $\sigma' \approx 0$: it is **not
# convex**, as a chord test finds ($L(\frac{u+v}2) > \frac{L(u)+L(v)}2$ somewhere). The cross
# entropy of a sigmoid neuron is convex again: the log undoes the exp.

# %%
rng = np.random.default_rng(0)
X2 = rng.standard_normal((100, 2))
y2 = (X2 @ np.array([1.0, -1.0]) > 0).astype(float)


def linear_mse(w):
    return float(((X2 @ w - y2) ** 2).mean())


def sigmoid_mse(w):
    return float(((1 / (1 + np.exp(-(X2 @ w))) - y2) ** 2).mean())


def sigmoid_bce(w):
    return float(np.mean(np.logaddexp(0, X2 @ w) - y2 * (X2 @ w)))


grid = np.linspace(-10, 10, 61)
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
gaps = {}
for ax, loss in zip(axes, [linear_mse, sigmoid_mse, sigmoid_bce]):
    ax.contourf(grid, grid, neuron.loss_surface(loss, grid, grid), levels=30)
    gaps[loss.__name__] = neuron.convexity_gap(loss, [-10, -10], [10, 10], num_chords=400)
    ax.set_title(f"{loss.__name__}: convexity gap {gaps[loss.__name__]:.2g}")
    ax.set_xlabel("$w_1$")
axes[0].set_ylabel("$w_2$")
plt.show()
print(gaps)
assert gaps["linear_mse"] <= 1e-9 and gaps["sigmoid_bce"] <= 1e-9
assert gaps["sigmoid_mse"] > 1e-3

# %% [markdown]
# ## Convergence
#
# Gradient descent on the quadratic $L(w) = \frac1n\|Xw - y\|^2$ with step $1/\lambda_{\max}$ of
# the Hessian $H = \frac2n X^\top X$ shrinks the error by $1 - \kappa^{-1}$ per step, where
# $\kappa = \lambda_{\max}/\lambda_{\min}$ is the condition number. Badly scaled features give a
# large $\kappa$ and slow convergence: the reason for **feature scaling**.


# %%
def gd_loss_gap(X, y, steps):
    H = 2 * X.T @ X / len(y)
    eigenvalues = np.linalg.eigvalsh(H)
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    best = np.mean((X @ w_star - y) ** 2)
    w = np.zeros(X.shape[1])
    gaps = []
    for _ in range(steps):
        gaps.append(np.mean((X @ w - y) ** 2) - best)
        w = w - (2 * X.T @ (X @ w - y) / len(y)) / eigenvalues.max()
    return np.array(gaps), eigenvalues.max() / eigenvalues.min()


X_raw = rng.standard_normal((200, 2)) * np.array([1.0, 8.0]) + np.array([0.0, 3.0])
y_raw = X_raw @ np.array([2.0, -0.5]) + 0.1 * rng.standard_normal(200)
X_scaled = (X_raw - X_raw.mean(0)) / X_raw.std(0)
gap_raw, kappa_raw = gd_loss_gap(X_raw, y_raw - y_raw.mean(), 200)
gap_scaled, kappa_scaled = gd_loss_gap(X_scaled, y_raw - y_raw.mean(), 200)
plt.semilogy(gap_raw, label=f"raw features, $\\kappa$ = {kappa_raw:.0f}")
plt.semilogy(gap_scaled + 1e-300, label=f"standardised, $\\kappa$ = {kappa_scaled:.1f}")
plt.xlabel("step")
plt.ylabel("loss - optimum")
plt.legend()
plt.show()
rate = (gap_raw[150] / gap_raw[100]) ** (1 / 50)  # measured per-step contraction of the gap
print(
    f"kappa raw {kappa_raw:.1f}: per-step rate {rate:.4f}, bound (1 - 1/kappa)^2 = {(1 - 1 / kappa_raw) ** 2:.4f}"
)
assert kappa_raw > 20 * kappa_scaled
assert abs(rate - (1 - 1 / kappa_raw) ** 2) < 1e-3  # the theory's rate, measured
assert gap_scaled[20] < 1e-6 * gap_scaled[0] and gap_raw[20] > 1e-3 * gap_raw[0]

# %% [markdown]
# ## Hidden (implicit) regularisation
#
# On linearly separable data the logistic loss has no minimiser: gradient descent sends
# $\|w(t)\| \to \infty$. Yet its **direction** converges, and to a special one, the
# hard-margin SVM $\hat w = \arg\min\|w\|^2$ s.t. $y_i w^\top x_i \ge 1$:
# $$ w(t) = \hat w \log t + \rho(t), \qquad \Big\| \frac{w(t)}{\|w(t)\|} - \frac{\hat w}{\|\hat w\|} \Big\| = O\Big(\frac{1}{\log t}\Big). $$
# Nobody asked for a margin; plain gradient descent on an unregularised loss finds the
# max-margin separator (Soudry et al., JMLR 2018). The rate is very slow: the angle
# times $\log t$ stays about constant.
#
# We symmetrise the data ($x \mapsto -x$, $y \mapsto -y$) so the SVM through the origin equals
# scikit-learn's SVC (whose intercept is then 0), and compare with our own QP too.

# %%
X_sep, y_sep, _ = data.linearly_separable(100, margin=0.3, seed=1)
X_svm, y_svm = np.vstack([X_sep, -X_sep]), np.concatenate([y_sep, -y_sep])
w_qp = neuron.hard_margin_svm(X_svm, y_svm)
svc = SVC(kernel="linear", C=1e8).fit(X_svm, y_svm)
print(
    f"QP vs scikit-learn SVM: angle {neuron.angle_between(w_qp, svc.coef_[0]):.1e} rad, intercept {svc.intercept_[0]:.1e}"
)
assert neuron.angle_between(w_qp, svc.coef_[0]) < 1e-4

path = neuron.logistic_gd_path(X_svm, y_svm, lr=1.0, num_steps=200_000, num_snapshots=25)
angles = path.angles_to(svc.coef_[0])
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
axes[0].scatter(*X_svm.T, c=y_svm, cmap="coolwarm", s=12)
for w, style, label in [(w_qp, "k-", "SVM"), (path.weights[1], "g--", f"GD t={path.steps[1]}")]:
    direction = np.array([-w[1], w[0]]) / np.linalg.norm(w)
    axes[0].plot(*np.outer([-4, 4], direction).T, style, label=label)
axes[0].legend()
axes[0].set_title("data and separators")
axes[1].semilogx(path.steps, np.degrees(angles), "o-")
axes[1].set_title("angle to the SVM (degrees)")
axes[1].set_xlabel("step t")
axes[2].semilogx(path.steps[1:], angles[1:] * np.log(path.steps[1:]), "o-")
axes[2].set_title(r"angle $\times \log t$: flat means $1/\log t$")
axes[2].set_xlabel("step t")
plt.show()

late = path.steps >= 1000
slope = np.polyfit(np.log(np.log(path.steps[late])), np.log(angles[late]), 1)[0]
print(
    f"final angle {np.degrees(angles[-1]):.2f} degrees after {path.steps[-1]} steps; "
    f"log-angle vs log-log-t slope {slope:.2f} (1/log t gives -1); final loss {path.losses[-1]:.1e}"
)
print(f"|w| grew to {np.linalg.norm(path.weights[-1]):.1f} (like log t)")
assert (np.diff(angles) < 0).all()  # the direction keeps turning towards the SVM
assert np.degrees(angles[-1]) < 1.5
assert -1.5 < slope < -0.6  # the 1/log t rate
scaled = angles[late] * np.log(path.steps[late])
assert scaled.max() / scaled.min() < 1.3  # angle x log t roughly constant

# %% [markdown]
# The constant in $O(1/\log t)$ depends on the data: on other samples the direction can
# overshoot the SVM's before settling, so the angle is not always monotone. What holds for any
# separable sample is the first term of $w(t) = \hat w \log t + \rho(t)$: late on, each
# decade of steps adds about $\hat w \ln 10$ to $w$, in the SVM's direction.

# %%
i = np.searchsorted(path.steps, 20_000)
increment = path.weights[-1] - path.weights[i]
growth = np.linalg.norm(increment) / (np.linalg.norm(w_qp) * np.log(path.steps[-1] / path.steps[i]))
print(
    f"from t={path.steps[i]} to t={path.steps[-1]}: |increment| / (|w_svm| log ratio) = {growth:.2f}, "
    f"angle to the SVM {np.degrees(neuron.angle_between(increment, w_qp)):.2f} degrees"
)
assert 0.75 < growth < 1.1
assert np.degrees(neuron.angle_between(increment, w_qp)) < 1.5

# %%
elapsed = time.perf_counter() - started
print(f"tutorial ran in {elapsed:.1f} s")
