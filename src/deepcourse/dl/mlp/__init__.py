"""Unit 5, multilayer networks (see ``course/tutorials/05-multilayer-networks.py``).

A readable :class:`MLP` and :class:`ResidualMLP`, initialisation from scratch, signal
propagation through depth, the constructive universal approximation by bumps, and the
symmetries (permutation, ReLU rescaling) with the quantity gradient flow conserves, and double
descent with random features.
"""

from deepcourse.dl.mlp.approximation import bump, bump_network
from deepcourse.dl.mlp.double_descent import random_features_test_error
from deepcourse.dl.mlp.init import (
    INITS,
    fans,
    init_weights,
    kaiming_normal,
    kaiming_uniform,
    normal,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from deepcourse.dl.mlp.model import ACTIVATION_MODULES, MLP, ResidualMLP
from deepcourse.dl.mlp.signal import SignalStats, signal_propagation
from deepcourse.dl.mlp.symmetry import layer_balance, permute_hidden_units, rescale_hidden_units

__all__ = [
    "ACTIVATION_MODULES",
    "INITS",
    "MLP",
    "ResidualMLP",
    "SignalStats",
    "bump",
    "bump_network",
    "fans",
    "init_weights",
    "kaiming_normal",
    "kaiming_uniform",
    "layer_balance",
    "normal",
    "permute_hidden_units",
    "random_features_test_error",
    "rescale_hidden_units",
    "signal_propagation",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]
