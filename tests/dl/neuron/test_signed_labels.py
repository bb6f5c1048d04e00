"""Signed labels: the perceptron, the hinge loss and the implicit-bias tools refuse 0/1 labels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepcourse.dl.neuron import implicit_bias, losses, models

X = np.array([[1.0, 2.0], [-1.0, -2.0]])
ZERO_ONE = np.array([1.0, 0.0])


def test_the_perceptron_refuses_0_1_labels_and_says_how_to_map_them():
    with pytest.raises(ValueError, match=r"perceptron: labels must be -1 or \+1 .*2 \* y - 1"):
        models.perceptron(X, ZERO_ONE)


def test_the_hinge_loss_refuses_0_1_targets():
    with pytest.raises(ValueError, match=r"hinge: labels must be -1 or \+1"):
        losses.hinge(torch.tensor([0.3, -0.2]), torch.tensor(ZERO_ONE))


def test_the_hard_margin_svm_refuses_0_1_labels():
    with pytest.raises(ValueError, match=r"implicit bias: labels must be -1 or \+1"):
        implicit_bias.hard_margin_svm(X, ZERO_ONE)


def test_signed_labels_are_accepted_everywhere():
    y = np.array([1.0, -1.0])
    assert models.perceptron(X, y).w.shape == (2,)
    assert float(losses.hinge(torch.tensor([0.3, -0.2]), torch.tensor(y))) >= 0
