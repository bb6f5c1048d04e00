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
# # Unit 5: multilayer networks
#
# A multilayer perceptron composes affine maps and nonlinearities,
# $h_l = \phi(W_l h_{l-1} + b_l)$. This tutorial measures what that buys and what it costs:
# universal approximation (constructive, then trained), the symmetries of the parameters and the
# non-convex surface they imply, a quantity gradient flow conserves, initialisation across 50
# layers, skip-connections, and finally an MLP on the digits trained with
# `deepcourse.dl.train.fit`. Every claim is asserted at the end of its section.

# %%
import copy
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from deepcourse.dl import data, mlp, train

torch.set_num_threads(1)  # small models run faster on one thread
started = time.perf_counter()

# %% [markdown]
# ## Universal approximation, constructively
#
# Three ReLUs make a "bump" (a hat function):
# $\mathrm{hat}(x) = [\mathrm{ReLU}(x - c + h) - 2\mathrm{ReLU}(x - c) + \mathrm{ReLU}(x - c - h)]/h$.
# A weighted sum of hats at knots $c_k$ with heights $f(c_k)$ is the piecewise-linear
# interpolant of $f$, and it is *one hidden layer*: `mlp.bump_network` writes its weights by hand.
# For smooth $f$ the error is at most $h^2\max|f''|/8$: doubling the width divides it by 4.


# %%
def target_1d(x):
    return np.sin(3 * x) + 0.5 * np.abs(x)


grid = torch.linspace(-2, 2, 2001, dtype=torch.float64)[:, None]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for c in [-1.0, 0.0, 0.5]:
    axes[0].plot(grid, mlp.bump(grid, c, 0.5), label=f"hat at {c}")
axes[0].legend()
axes[0].set_title("bumps from three ReLUs")
bump_errors = {}
for knots in [5, 9, 17, 33, 65]:
    net = mlp.bump_network(target_1d, low=-2, high=2, num_knots=knots, dtype=torch.float64)
    with torch.no_grad():
        bump_errors[knots - 1] = (
            (net(grid) - torch.tensor(target_1d(grid.numpy()))).abs().max().item()
        )
    if knots in (5, 17):
        axes[1].plot(grid, net(grid).detach(), label=f"{knots - 1} hidden ReLUs")
axes[1].plot(grid, target_1d(grid.numpy()), "k:", label="target")
axes[1].legend()
plt.show()
print("hidden units -> max error:", {k: f"{v:.1e}" for k, v in bump_errors.items()})
widths = sorted(bump_errors)
assert all(bump_errors[a] > 2.5 * bump_errors[b] for a, b in zip(widths, widths[1:]))

# %% [markdown]
# ## Universal approximation, trained
#
# Gradient descent (Adam, full batch) on one hidden layer of growing width, for a 1-D target and
# the 2-D target $\sin(\pi x_1)\cos(\pi x_2)$. The training error falls with width; the
# theorem promises it can be made as small as we like, not that training finds it.


# %%
def fit_width(X, y, width, steps=1500, seed=0):
    torch.manual_seed(seed)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    model = mlp.MLP(X.shape[1], [width], 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((model(X) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        schedule.step()
    return model, loss.item()


x1, y1 = data.regression_1d(target_1d, 256, low=-2, high=2)
X2, y2 = data.regression_2d(num_samples=1024)
targets = {"1-D": (x1, y1), "2-D": (X2, y2)}
fits = {  # name -> width -> (model, final training MSE)
    name: {width: fit_width(X, y, width) for width in [2, 8, 32, 128]}
    for name, (X, y) in targets.items()
}
trained_errors = {name: {w: loss for w, (_, loss) in by_width.items()} for name, by_width in fits.items()}
for name, errors in trained_errors.items():
    plt.loglog(list(errors), list(errors.values()), "o-", label=f"{name} target, trained")
plt.loglog(
    widths,
    [bump_errors[w] ** 2 for w in widths],
    "k--",
    label="1-D bump network (squared max error)",
)
plt.xlabel("hidden units")
plt.ylabel("training MSE")
plt.legend()
plt.show()
print({k: {w: f"{e:.1e}" for w, e in v.items()} for k, v in trained_errors.items()})
for errors in trained_errors.values():
    assert errors[128] < errors[2] / 50
    assert errors[32] < errors[8] < errors[2]

# %% [markdown]
# ## Symmetries and the optimisation surface
#
# Permuting the hidden units (rows of $W_1$, entries of $b_1$, columns of $W_2$) gives the same
# function; so does scaling a ReLU unit's incoming weights by $c > 0$ and its outgoing weights by
# $1/c$, because $\mathrm{ReLU}(cz) = c\,\mathrm{ReLU}(z)$. So every minimum comes in at least
# $H!$ copies, and the straight line between two copies climbs over a barrier: the loss surface
# of a network is **not convex** (a convex function is at most its endpoints' value on a chord).

# %%
model, _ = fits["2-D"][32]  # trained above: 32 hidden units on the 2-D target
X2_t, y2_t = torch.tensor(X2, dtype=torch.float32), torch.tensor(y2, dtype=torch.float32)
permutation = torch.randperm(32, generator=torch.Generator().manual_seed(0))
permuted = mlp.permute_hidden_units(model, 0, permutation)
rescaled = mlp.rescale_hidden_units(model, 0, torch.linspace(0.1, 10, 32))
with torch.no_grad():
    permutation_change = (permuted(X2_t) - model(X2_t)).abs().max().item()
    rescale_change = (rescaled(X2_t) - model(X2_t)).abs().max().item()
print(f"function change: permuted {permutation_change:.1e}, rescaled {rescale_change:.1e}")
assert permutation_change < 1e-5 and rescale_change < 1e-4


def interpolate(a, b, alpha):
    mixed = copy.deepcopy(a)
    for p_mix, p_a, p_b in zip(mixed.parameters(), a.parameters(), b.parameters()):
        p_mix.data = (1 - alpha) * p_a.data + alpha * p_b.data
    return mixed


alphas = np.linspace(0, 1, 21)
with torch.no_grad():
    path_loss = [
        ((interpolate(model, permuted, a)(X2_t) - y2_t) ** 2).mean().item() for a in alphas
    ]
plt.plot(alphas, path_loss)
plt.xlabel(r"$\alpha$ on the segment from $\theta$ to its permutation")
plt.ylabel("training MSE")
plt.show()
barrier = max(path_loss) - max(path_loss[0], path_loss[-1])
print(f"endpoints {path_loss[0]:.1e} and {path_loss[-1]:.1e}, barrier {barrier:.3f}")
assert abs(path_loss[0] - path_loss[-1]) < 1e-6
assert barrier > 10 * path_loss[0]

# %% [markdown]
# ## A conserved quantity
#
# The rescaling symmetry has a continuous version, and by a Noether-like argument gradient flow
# conserves its charge: for a bias-free ReLU network,
# $$\frac{d}{dt}\left(\|W_{l+1}\|_F^2 - \|W_l\|_F^2\right) = 0$$
# for each pair of layers (Du, Hu and Lee, NeurIPS 2018): the layers stay *balanced* while the
# norms themselves change. Gradient descent with step $\eta$ departs from the flow by $O(\eta^2)$
# per step, so over a fixed time $T = \eta \cdot \text{steps}$ the drift grows like $\eta$.


# %%
def balance_drift(lr, total_time=20.0):
    torch.manual_seed(0)
    net = mlp.MLP(2, [32, 32], 1, bias=False).double()
    X, y = torch.tensor(X2[:200]), torch.tensor(y2[:200])
    balance0 = mlp.layer_balance(net)
    norms0 = np.array([(layer.weight.detach() ** 2).sum().item() for layer in net.layers])
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    drift = []
    for _ in range(int(total_time / lr)):
        optimizer.zero_grad()
        ((net(X) - y) ** 2).mean().backward()
        optimizer.step()
        drift.append(np.abs(mlp.layer_balance(net) - balance0).max())
    norms = np.array([(layer.weight.detach() ** 2).sum().item() for layer in net.layers])
    return np.array(drift), np.abs(norms - norms0).max()


drift_small, norm_change = balance_drift(0.005)
drift_large, _ = balance_drift(0.2)
plt.semilogy(np.linspace(0, 20, len(drift_small)), drift_small + 1e-16, label=r"$\eta$ = 0.005")
plt.semilogy(np.linspace(0, 20, len(drift_large)), drift_large + 1e-16, label=r"$\eta$ = 0.2")
plt.xlabel(r"time $t = \eta \cdot$ step")
plt.ylabel(r"drift of $\|W_{l+1}\|^2 - \|W_l\|^2$")
plt.legend()
plt.show()
print(
    f"the squared norms moved by up to {norm_change:.2f}; the balance drifted by "
    f"{drift_small[-1]:.1e} (eta 0.005) and {drift_large[-1]:.1e} (eta 0.2): ratio {drift_large[-1] / drift_small[-1]:.0f}"
)
assert drift_small[-1] < 1e-3 * norm_change
assert drift_large[-1] / drift_small[-1] > 10

# %% [markdown]
# ## Initialisation
#
# For $z_l = W_l h_{l-1}$ with i.i.d. zero-mean weights,
# $\mathrm{Var}(z_l) = \text{fan\_in}\cdot\mathrm{Var}(W_l)\cdot E[h_{l-1}^2]$, and ReLU halves the
# second moment. Keeping the variance constant through depth needs
# $\mathrm{Var}(W) = 2/\text{fan\_in}$ (Kaiming/He); Xavier/Glorot's $2/(\text{fan\_in}+\text{fan\_out})$
# is right for linear or tanh units. Zeros leave every hidden unit identical (the permutation
# symmetry is never broken) and, with ReLU, pass no signal at all. First, the from-scratch
# initialisers against `torch.nn.init`'s statistics:

# %%
shape = (512, 256)
torch_inits = {
    "xavier_uniform": nn.init.xavier_uniform_,
    "xavier_normal": nn.init.xavier_normal_,
    "kaiming_uniform": lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "kaiming_normal": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
}
for name, torch_init in torch_inits.items():
    ours = mlp.INITS[name](
        torch.empty(shape, dtype=torch.float64), generator=torch.Generator().manual_seed(0)
    )
    theirs = torch_init(torch.empty(shape, dtype=torch.float64))
    print(f"{name:16s} variance ours {ours.var().item():.3e}  torch {theirs.var().item():.3e}")
    assert abs(ours.var().item() / theirs.var().item() - 1) < 0.03

# %% [markdown]
# Now 50 ReLU layers of width 256 at initialisation: the variance of each layer's
# pre-activations on a batch (forward), and of the gradient with respect to them (backward).

# %%
schemes = {
    "normal(0, 1)": ("normal", {"std": 1.0}),
    "normal(0, 0.05)": ("normal", {"std": 0.05}),
    "xavier_normal": ("xavier_normal", {}),
    "kaiming_normal": ("kaiming_normal", {}),
    "zeros": ("zeros", {}),
}
stats = {
    label: mlp.signal_propagation(s, depth=50, width=256, **kw)
    for label, (s, kw) in schemes.items()
}
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for label, st in stats.items():
    if label != "zeros":
        axes[0].semilogy(range(1, 51), st.activation_variance, label=label)
        axes[1].semilogy(range(1, 51), st.gradient_variance, label=label)
axes[0].set_title("forward: Var(pre-activation) per layer")
axes[1].set_title("backward: Var(gradient) per layer")
for ax in axes:
    ax.set_xlabel("layer")
axes[0].legend()
plt.show()
for label, st in stats.items():
    print(
        f"{label:16s} layer 50 activation variance {st.activation_variance[-1]:.1e}, "
        f"layer 1 gradient variance {st.gradient_variance[0]:.1e}"
    )
kaiming = stats["kaiming_normal"]
assert 0.1 < kaiming.activation_variance[-1] < 10 and 0.1 < kaiming.gradient_variance[0] < 10
assert stats["xavier_normal"].activation_variance[-1] < 1e-6  # halves ~every layer
assert stats["normal(0, 0.05)"].gradient_variance[0] < 1e-6  # vanishes
assert stats["normal(0, 1)"].activation_variance[-1] > 1e50  # explodes
assert stats["zeros"].activation_variance.max() == 0.0

# %% [markdown]
# ## Skip-connections
#
# The same 30 blocks of width 64 (PyTorch's default initialisation, SGD with momentum), composed
# plainly, $h_l = W_l\phi(h_{l-1})$, or with a skip, $h_l = h_{l-1} + W_l\phi(h_{l-1})$. The plain
# network's signal dies on the way (see above) and its loss stays at chance, $\ln 10 \approx 2.30$;
# the residual network's Jacobian is $I + \dots$ in every block, and it trains.

# %%
digits = data.digits(seed=0)
train_loader = data.loader(digits.train_dataset(), batch_size=64, seed=0)
test_loader = data.loader(digits.test_dataset(), batch_size=512, shuffle=False)
histories = {}
for residual in [False, True]:
    torch.manual_seed(0)
    deep = mlp.ResidualMLP(64, 64, 30, 10, residual=residual)
    optimizer = torch.optim.SGD(deep.parameters(), lr=0.01, momentum=0.9)
    histories["residual" if residual else "plain"] = train.fit(
        deep, train_loader, epochs=8, optimizer=optimizer, val_loader=test_loader, quiet=True
    )
for label, history in histories.items():
    plt.plot(
        history["train_loss"], label=f"{label}: test accuracy {history.last('val_accuracy'):.2f}"
    )
plt.xlabel("epoch")
plt.ylabel("training loss")
plt.legend()
plt.show()
plain, residual = histories["plain"], histories["residual"]
assert plain.last("train_loss") > 2.2 and plain.last("val_accuracy") < 0.2
assert residual.last("train_loss") < 0.1 and residual.last("val_accuracy") > 0.95

# %% [markdown]
# ## An MLP on the digits with `fit`
#
# `deepcourse.dl.train.fit` is the loop used from here on: seeded, with a tqdm progress bar
# (`quiet=True` here), a metrics history and its plot.

# %%
torch.manual_seed(0)
classifier = mlp.MLP(64, [128], 10)
history = train.fit(
    classifier, train_loader, epochs=15, lr=3e-3, val_loader=test_loader, quiet=True
)
history.plot()
plt.show()
print(f"test accuracy {history.last('val_accuracy'):.3f}")
assert history.last("val_accuracy") >= 0.97

# %% [markdown]
# ## Double descent, in its simplest setting
#
# Classical bias-variance (unit 1) predicts a U-shaped test error in model size. Large networks
# break it: past the *interpolation threshold*, where the model can just fit every training
# point, the test error falls again. The cheapest place to see it is a two-layer ReLU network
# whose first layer is random and frozen and whose output layer is the minimum-norm
# least-squares fit, the point gradient descent from zero converges to (Belkin et al. 2019).
# With $n = 200$ training digits (one-hot targets) the test error peaks at width $p = n$.
# (The *deep* double descent of fully trained networks, Nakkiran et al. 2019, shows the same
# shape but needs far more compute than this tutorial's budget.)

# %%
n_train = 200
widths_dd = [10, 50, 100, 150, 190, 200, 210, 250, 400, 1000, 2000]
dd_train, dd_test = mlp.random_features_test_error(
    digits.X_train[:n_train].double().numpy(),
    np.eye(10)[digits.y_train[:n_train].numpy()],
    digits.X_test.double().numpy(),
    np.eye(10)[digits.y_test.numpy()],
    widths_dd,
    seed=0,
)
plt.loglog(widths_dd, dd_test, "o-", label="test MSE")
plt.loglog(widths_dd, dd_train + 1e-12, "s-", label="training MSE")
plt.axvline(n_train, color="k", ls=":", label="p = n (interpolation threshold)")
plt.xlabel("hidden width p")
plt.legend()
plt.show()
print({p: f"{e:.3f}" for p, e in zip(widths_dd, dd_test)})
peak = widths_dd[int(np.argmax(dd_test))]
assert peak == n_train
assert dd_test.max() > 10 * dd_test.min()
assert dd_test[-1] < dd_test[:2].min()  # the second descent beats the best small model
assert dd_train[widths_dd.index(n_train) :].max() < 1e-10  # interpolates from p = n on

# %%
elapsed = time.perf_counter() - started
print(f"tutorial ran in {elapsed:.1f} s")
