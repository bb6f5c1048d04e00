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
# # Unit 1: a recap of learning systems
#
# Supervised learning fits a predictor $h$ to samples $(x_i, y_i)$ drawn from an unknown
# distribution, and is judged on samples it has **not** seen. This tutorial recaps the tools the
# rest of the course leans on: the offline data sets of `deepcourse.dl.data`; train, validation
# and test sets and k-fold cross-validation; bias and variance, *measured* by refitting on
# resampled data; feature scaling; linear regression in closed form and by gradient descent;
# ridge and lasso; and generalisation, ending with why depth matters. Code: `deepcourse.dl.recap`.
# Every claim is asserted at the end of its section.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.linear_model import LinearRegression, lasso_path

from deepcourse.dl import data, recap

torch.set_num_threads(1)
started = time.perf_counter()

# %% [markdown]
# ## Data that needs no network
#
# scikit-learn's bundled sets (the 8x8 digits and tabular sets), MNIST-1D generated on the spot
# (Greydanus 2020: 10 classes of length-40 signals, harder than it looks), and synthetic 2-D sets.
# Readers for MNIST IDX files, CIFAR-10 batches and ImageFolder trees take files you bring.

# %%
digits = data.digits(seed=0)
signals = data.mnist1d(num_samples=1000)
fig, axes = plt.subplots(2, 5, figsize=(13, 5))
for k, ax in enumerate(axes[0]):
    image = digits.X_train[digits.y_train == k][0] * digits.std + digits.mean
    ax.imshow(image.view(8, 8), cmap="gray_r")
    ax.set_title(f"digit {k}")
    ax.axis("off")
synthetic = {
    "moons": data.moons(300, seed=0),
    "circles": data.circles(300, seed=0),
    "spirals": data.spirals(300, seed=0),
    "xor": data.xor(300, seed=0),
}
for ax, (name, (X, y)) in zip(axes[1], synthetic.items()):
    ax.scatter(*X.T, c=y, s=6, cmap="coolwarm")
    ax.set_title(name)
for k in range(3):
    axes[1, 4].plot(signals.X_train[signals.y_train == k][0], label=f"class {k}")
axes[1, 4].set_title("MNIST-1D")
axes[1, 4].legend(fontsize=7)
plt.show()
print(
    f"digits: {len(digits.X_train)} train / {len(digits.X_test)} test, {digits.num_features} features"
)
print(f"MNIST-1D: {tuple(signals.X_train.shape)} train, {signals.num_classes} classes")
assert digits.num_features == 64 and digits.num_classes == 10
assert signals.X_train.shape == (800, 40)

# %% [markdown]
# ## Train, validation, test and k-fold cross-validation
#
# We fit polynomials $h(x) = \sum_{p \le d} w_p x^p$ to 69 noisy samples of
# $f(x) = \sin(\pi x)$. The *training* error always falls with the degree $d$; to *choose* $d$ we
# need data the fit did not see: a hold-out validation set (cheap, but noisy when small), or
# k-fold cross-validation splits the training set into $k$ folds,
# fits on $k-1$ and validates on the held-out one, $k$ times; the **test set** is touched once,
# after the choice, to report an unbiased error.


# %%
def f_true(x):
    return np.sin(np.pi * x)


def fit_predict(degree):
    def run(x_train, y_train, x_eval):
        w, b = recap.linear_regression(recap.polynomial_features(x_train, degree), y_train)
        return recap.polynomial_features(x_eval, degree) @ w + b

    return run


rng = np.random.default_rng(0)
noise = 0.3
x_all = rng.uniform(-1, 1, 460)
y_all = f_true(x_all) + noise * rng.standard_normal(460)
train_idx, val_idx, test_idx = recap.train_val_test_indices(
    460, fractions=(0.15, 0.05, 0.8), seed=0
)
x_train, y_train = x_all[train_idx], y_all[train_idx]
x_val, y_val = x_all[val_idx], y_all[val_idx]
x_test, y_test = x_all[test_idx], y_all[test_idx]

degrees = list(range(1, 13))
train_err, val_err, cv_err, test_err = [], [], [], []
for d in degrees:
    model = fit_predict(d)
    train_err.append(np.mean((model(x_train, y_train, x_train) - y_train) ** 2))
    val_err.append(np.mean((model(x_train, y_train, x_val) - y_val) ** 2))
    test_err.append(np.mean((model(x_train, y_train, x_test) - y_test) ** 2))
    folds = recap.kfold_indices(len(x_train), 5, seed=0)
    cv_err.append(
        np.mean(
            [
                np.mean((model(x_train[tr], y_train[tr], x_train[va]) - y_train[va]) ** 2)
                for tr, va in folds
            ]
        )
    )
best = degrees[int(np.argmin(cv_err))]
plt.semilogy(degrees, train_err, "o-", label="training error")
plt.semilogy(degrees, val_err, "o-", label=f"hold-out validation error ({len(x_val)} points)")
plt.semilogy(degrees, cv_err, "o-", label="5-fold cross-validation error")
plt.semilogy(degrees, test_err, "o-", label="test error (for illustration)")
plt.axhline(noise**2, color="k", ls=":", label="noise variance")
plt.xlabel("degree")
plt.legend()
plt.show()
print(
    f"{len(x_train)} training points; hold-out validation picks degree {1 + int(np.argmin(val_err))}, "
    f"cross-validation picks degree {best}: test error {test_err[best - 1]:.3f}; the best degree "
    f"in hindsight, {1 + int(np.argmin(test_err))}, has {min(test_err):.3f} "
    f"(noise floor {noise**2:.3f}; degree 1: {test_err[0]:.3f}, degree 12: {test_err[-1]:.3f})"
)
assert all(np.diff(train_err) <= 1e-12)  # nested models: training error never rises
assert 3 <= best <= 9
assert test_err[best - 1] < 1.25 * min(test_err)  # cross-validation chose (nearly) the best
assert test_err[best - 1] < 0.5 * test_err[0]  # underfitting costs
assert test_err[-1] > test_err[best - 1] and train_err[-1] < train_err[best - 1]  # overfitting too

# %% [markdown]
# ## Bias and variance, measured
#
# Over random training sets $S$, the expected squared error at $x$ splits into
# $$ E[(h_S(x) - y)^2] = \underbrace{(E_S[h_S(x)] - f(x))^2}_{\text{bias}^2}
#   + \underbrace{\mathrm{Var}_S[h_S(x)]}_{\text{variance}} + \underbrace{\sigma^2}_{\text{noise}}. $$
# We do not take this on faith: `recap.bias_variance` refits each model on 300 fresh training
# sets of 40 points and measures the three terms, and the error against fresh noisy labels.

# %%
x_eval = np.linspace(-0.95, 0.95, 50)
decomposition = {
    d: recap.bias_variance(
        fit_predict(d), f_true, x_test=x_eval, num_train=40, noise=noise, num_refits=300
    )
    for d in degrees[:10]
}
bias2 = np.array([r.bias_squared for r in decomposition.values()])
variance = np.array([r.variance for r in decomposition.values()])
expected = np.array([r.expected_error for r in decomposition.values()])
plt.semilogy(degrees[:10], bias2, "o-", label="bias$^2$")
plt.semilogy(degrees[:10], variance, "o-", label="variance")
plt.semilogy(degrees[:10], expected, "o-", label="expected error (measured)")
plt.semilogy(degrees[:10], bias2 + variance + noise**2, "k--", label="bias$^2$ + variance + noise")
plt.xlabel("degree")
plt.legend()
plt.show()
print(
    "degree: bias^2 / variance:",
    {d: f"{r.bias_squared:.1e}/{r.variance:.1e}" for d, r in decomposition.items()},
)
assert bias2[0] > 100 * bias2[4]  # a line cannot bend: bias dominates
assert variance[9] > 5 * variance[2]  # a degree-10 polynomial chases the noise
assert np.allclose(expected, bias2 + variance + noise**2, rtol=0.1)  # the decomposition, measured
assert 2 <= 1 + int(np.argmin(expected)) <= 7

# %% [markdown]
# ## Linear regression: closed form and gradient descent, and feature scaling
#
# Least squares has the closed form $w = (X^\top X)^{-1}X^\top y$ (with the bias handled by
# centring). Gradient descent on $L = \frac1n\|Xw + b - y\|^2$ reaches the same point, at a
# speed set by the condition number of $X^\top X$: features on wildly different scales (the wine
# set: proline in the hundreds, hue below one) make it crawl. Standardising each feature with the
# **training** mean and standard deviation fixes that and changes no prediction.

# %%
wine_X, _ = data.tabular("wine")
X_wine, y_wine = wine_X[:, 1:], wine_X[:, 0]  # predict the alcohol content from the rest
w_closed, b_closed = recap.linear_regression(X_wine, y_wine)
reference = LinearRegression().fit(X_wine, y_wine)
assert np.allclose(w_closed, reference.coef_) and np.isclose(b_closed, reference.intercept_)

X_scaled = recap.standardize(X_wine)[0]
kappa_raw = np.linalg.cond(X_wine - X_wine.mean(0)) ** 2
kappa_scaled = np.linalg.cond(X_scaled) ** 2
steps = 2000
lr_raw = 1 / (
    2
    * np.linalg.eigvalsh(
        np.cov(X_wine.T, bias=True) + np.outer(X_wine.mean(0), X_wine.mean(0))
    ).max()
)
_, _, losses_raw = recap.linear_regression_gd(X_wine, y_wine, lr=lr_raw, steps=steps)
w_gd, b_gd, losses_scaled = recap.linear_regression_gd(X_scaled, y_wine, lr=0.1, steps=steps)
best_loss = np.mean((X_wine @ w_closed + b_closed - y_wine) ** 2)
plt.semilogy(losses_raw - best_loss, label=f"raw features (condition number {kappa_raw:.0e})")
plt.semilogy(losses_scaled - best_loss + 1e-16, label=f"standardised ({kappa_scaled:.0f})")
plt.xlabel("gradient descent step")
plt.ylabel("loss - closed-form optimum")
plt.legend()
plt.show()
w_scaled_closed, _ = recap.linear_regression(X_scaled, y_wine)
print(
    f"after {steps} steps: raw gap {losses_raw[-1] - best_loss:.2e}, standardised gap {losses_scaled[-1] - best_loss:.2e}"
)
assert np.allclose(w_gd, w_scaled_closed, atol=1e-6)  # gradient descent reaches the closed form
assert losses_scaled[-1] - best_loss < 1e-10
assert losses_raw[-1] - best_loss > 1e3 * (losses_scaled[-1] - best_loss + 1e-12)
assert kappa_raw > 1e5 * kappa_scaled

# %% [markdown]
# ## Ridge and lasso
#
# Ridge adds $\lambda\|w\|_2^2$ and keeps a closed form, $(X^\top X + \lambda I)^{-1}X^\top y$:
# every coefficient shrinks smoothly. Lasso adds $\alpha\|w\|_1$; coordinate descent with
# soft-thresholding solves it, and it sets coefficients *exactly* to zero: a feature selector.
# The paths on the (standardised) diabetes data, checked against scikit-learn's `lasso_path`:

# %%
X_diab, y_diab = data.tabular("diabetes")
X_diab = recap.standardize(X_diab)[0]
lams = np.logspace(-2, 5, 40)
alphas = np.logspace(1.6, -2, 40)
ridge_path = recap.regularization_path(X_diab, y_diab, lams, kind="ridge")
our_lasso = recap.regularization_path(X_diab, y_diab, alphas, kind="lasso")
_, sklearn_lasso, _ = lasso_path(
    X_diab - X_diab.mean(0), y_diab - y_diab.mean(), alphas=alphas, tol=1e-10
)
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
axes[0].semilogx(lams, ridge_path)
axes[0].set_xlabel(r"ridge $\lambda$")
axes[1].semilogx(alphas, our_lasso)
axes[1].set_xlabel(r"lasso $\alpha$")
for ax in axes:
    ax.set_ylabel("coefficient")
    ax.invert_xaxis()
plt.show()
nonzero = (np.abs(our_lasso) > 1e-10).sum(axis=1)
print("lasso non-zero coefficients along the path:", nonzero.tolist())
print(
    f"largest difference from scikit-learn's lasso path: {np.abs(our_lasso - sklearn_lasso.T).max():.1e}"
)
assert np.abs(our_lasso - sklearn_lasso.T).max() < 1e-3
assert nonzero[0] <= 2 and nonzero[-1] == 10  # strong alpha: sparse; weak: all features
assert (np.diff(np.linalg.norm(ridge_path, axis=1)) < 0).all()  # ridge shrinks monotonically
assert (np.abs(ridge_path[-1]) > 1e-6).all()  # ...but never to exactly zero

# %% [markdown]
# ## Generalisation, and why depth matters
#
# On the interleaved spirals a linear classifier is no better than a coin, whatever we do
# about variance: its bias is the problem. A small multilayer network (unit 5) bends the decision
# boundary and generalises to fresh test points. The rest of the course is about making such
# models train, and generalise, at scale.

# %%
from deepcourse.dl import mlp, train  # noqa: E402

X_sp, y_sp = data.spirals(1000, noise=0.1, seed=0)
spirals = data.split_arrays(X_sp, y_sp, test_fraction=0.3, seed=0)
test_loader = data.loader(spirals.test_dataset(), batch_size=512, shuffle=False)
results = {}
for name, hidden in [("linear", []), ("MLP 2x64", [64, 64])]:
    torch.manual_seed(0)
    model = mlp.MLP(2, hidden, 2)
    history = train.fit(
        model,
        data.loader(spirals.train_dataset(), batch_size=64, seed=0),
        epochs=60,
        lr=1e-2,
        val_loader=test_loader,
        quiet=True,
    )
    results[name] = (history.last("train_accuracy"), history.last("val_accuracy"))
print({k: f"train {a:.2f}, test {b:.2f}" for k, (a, b) in results.items()})
assert results["linear"][1] < 0.7
assert results["MLP 2x64"][1] > 0.95

# %%
elapsed = time.perf_counter() - started
print(f"tutorial ran in {elapsed:.1f} s")
