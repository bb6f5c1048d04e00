"""Unit 4, the single neuron (see ``course/tutorials/04-single-neuron.py``).

Losses and activations from scratch with hand-derived gradients, the perceptron, one trainable
neuron for linear/logistic/softmax regression, optimisation surfaces, and the implicit bias of
gradient descent towards the max-margin solution.
"""

from deepcourse.dl.neuron.activations import ACTIVATIONS, Activation
from deepcourse.dl.neuron.implicit_bias import (
    GDPath,
    angle_between,
    hard_margin_svm,
    logistic_gd_path,
)
from deepcourse.dl.neuron.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    hinge,
    hinge_grad,
    log_softmax,
    mse,
    mse_grad,
    softmax,
)
from deepcourse.dl.neuron.models import Neuron, PerceptronResult, fit_full_batch, perceptron
from deepcourse.dl.neuron.surface import convexity_gap, loss_surface

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "GDPath",
    "Neuron",
    "PerceptronResult",
    "angle_between",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "convexity_gap",
    "cross_entropy",
    "cross_entropy_grad",
    "fit_full_batch",
    "hard_margin_svm",
    "hinge",
    "hinge_grad",
    "log_softmax",
    "logistic_gd_path",
    "loss_surface",
    "mse",
    "mse_grad",
    "perceptron",
    "softmax",
]
