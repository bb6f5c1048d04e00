"""The perceptron separates separable data within Novikoff's bound; one neuron does linear,
logistic and softmax regression."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from deepcourse.dl.data import blobs, linearly_separable, xor
from deepcourse.dl.neuron import Neuron, fit_full_batch, perceptron


def test_perceptron_separates_separable_data_within_the_novikoff_bound():
    X, y, _ = linearly_separable(200, margin=0.3, seed=3)
    result = perceptron(X, y, max_epochs=1000)
    assert result.converged
    assert (y * (X @ result.w + result.b) > 0).all()
    X1 = np.hstack([X, np.ones((len(X), 1))])  # bias as a constant feature
    radius = np.linalg.norm(X1, axis=1).max()
    gamma = 0.3 / np.sqrt(2.0)  # the unit separator (w_true, 0) normalised with the bias slot
    assert result.updates <= (radius / gamma) ** 2


def test_perceptron_never_converges_on_xor():
    X, y = xor(100, seed=0)
    result = perceptron(X, 2 * y - 1, max_epochs=20)
    assert not result.converged


def test_perceptron_refuses_zero_one_labels():
    with pytest.raises(ValueError, match="-1 or \\+1"):
        perceptron(np.zeros((2, 2)), np.array([0, 1]))


def test_linear_neuron_trained_by_gradient_descent_recovers_the_generating_weights():
    torch.manual_seed(0)
    X = torch.randn(200, 3)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = Neuron(3)
    losses = fit_full_batch(model, X, y, F.mse_loss, lr=0.1, steps=300)
    assert losses[-1] < 1e-6 < losses[0]
    torch.testing.assert_close(
        model.linear.weight, torch.tensor([[1.0, -2.0, 0.5]]), atol=1e-3, rtol=0
    )


def test_logistic_and_softmax_neurons_classify_blobs():
    X, y = blobs(300, num_classes=3, spread=0.8, seed=1)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    torch.manual_seed(0)
    softmax_reg = Neuron(2, 3)
    fit_full_batch(softmax_reg, X, y, F.cross_entropy, lr=0.5, steps=300)
    assert (softmax_reg(X).argmax(1) == y).float().mean() > 0.95
    binary = (y == 0).float()[:, None]
    logistic = Neuron(2)
    fit_full_batch(logistic, X, binary, F.binary_cross_entropy_with_logits, lr=0.5, steps=300)
    assert ((logistic(X) > 0).float() == binary).float().mean() > 0.95


def test_full_batch_fit_refuses_a_negative_step():
    with pytest.raises(ValueError, match="lr"):
        fit_full_batch(Neuron(1), torch.zeros(2, 1), torch.zeros(2, 1), F.mse_loss, lr=-1.0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("seed", range(5))
def test_perceptron_makes_the_same_updates_as_scikit_learns(seed):
    from sklearn.linear_model import Perceptron

    X, y, _ = linearly_separable(80, margin=0.1, seed=seed)
    result = perceptron(X, y, max_epochs=1000)
    reference = Perceptron(shuffle=False, tol=None, eta0=1.0, max_iter=result.epochs).fit(X, y)
    np.testing.assert_allclose(result.w, reference.coef_[0], rtol=1e-12, atol=1e-12)
    assert result.b == pytest.approx(reference.intercept_[0], abs=1e-12)
    assert result.converged and result.updates > 1  # the comparison covers several updates
