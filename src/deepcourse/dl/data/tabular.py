"""Tabular and small image sets that ship with scikit-learn, and MNIST-1D generated on the spot.

Nothing here downloads: scikit-learn's ``load_*`` sets are installed with it, and MNIST-1D
(Greydanus 2020) is generated procedurally by the ``mnist1d`` package's own generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import TensorDataset

from deepcourse.dl.data.loaders import tensor_dataset

__all__ = ["Split", "TABULAR_SETS", "digits", "mnist1d", "split_arrays", "tabular"]

# name (scikit-learn's load_<name>) -> task
TABULAR_SETS: dict[str, str] = {
    "digits": "classification",
    "iris": "classification",
    "wine": "classification",
    "breast_cancer": "classification",
    "diabetes": "regression",
}


@dataclass(frozen=True)
class Split:
    """A train/test split as tensors: ``X_*`` float32 of shape (n, d), ``y_*`` int64 or float32.

    ``mean`` and ``std`` are the training-set statistics the features were standardised with
    (``None`` when they were not).
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    mean: torch.Tensor | None = None
    std: torch.Tensor | None = None

    @property
    def num_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def num_classes(self) -> int:
        """Number of classes (classification splits only)."""
        return int(torch.cat([self.y_train, self.y_test]).max()) + 1

    def train_dataset(self) -> TensorDataset:
        return TensorDataset(self.X_train, self.y_train)

    def test_dataset(self) -> TensorDataset:
        return TensorDataset(self.X_test, self.y_test)


def tabular(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Load one of scikit-learn's bundled sets as ``(X, y)`` numpy arrays.

    Args:
        name: one of :data:`TABULAR_SETS` (``"digits"`` is 1797 8x8 images flattened to 64).

    Returns:
        ``X`` of shape (n, d) float64 and ``y`` of shape (n,) (int for classification sets).

    Raises:
        ValueError: for an unknown name.
    """
    if name not in TABULAR_SETS:
        known = ", ".join(repr(k) for k in TABULAR_SETS)
        raise ValueError(f"unknown tabular data set {name!r}, expected one of {known}")
    import sklearn.datasets

    bunch = getattr(sklearn.datasets, f"load_{name}")()
    return np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target)


def split_arrays(
    X: np.ndarray,
    y: np.ndarray,
    *,
    test_fraction: float = 0.2,
    seed: int = 0,
    standardize: bool = True,
) -> Split:
    """Shuffle, split and (optionally) standardise with the *training* statistics only.

    Args:
        X: features, shape (n, d).
        y: targets, shape (n,); integer targets become int64 labels, others float32.
        test_fraction: share of samples held out, in (0, 1).
        seed: seed of the shuffle.
        standardize: subtract the training mean and divide by the training standard deviation
            (constant features are left unscaled), so no test information leaks into training.

    Raises:
        ValueError: for a fraction outside (0, 1) or mismatched lengths.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    X_t, y_t = tensor_dataset(X, y).tensors  # float32 features, int64 or float32 targets
    order = np.random.default_rng(seed).permutation(len(X_t))
    n_test = max(1, int(round(test_fraction * len(X_t))))
    test, train = order[:n_test], order[n_test:]
    X_train, X_test = X_t[train], X_t[test]
    mean = std = None
    if standardize:
        mean = X_train.mean(0)
        std = X_train.std(0)
        std = torch.where(std > 0, std, torch.ones_like(std))
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    return Split(X_train, y_t[train], X_test, y_t[test], mean, std)


def digits(*, test_fraction: float = 0.2, seed: int = 0, standardize: bool = True) -> Split:
    """scikit-learn's handwritten digits (1797 samples, 8x8 = 64 features, 10 classes)."""
    X, y = tabular("digits")
    return split_arrays(X, y, test_fraction=test_fraction, seed=seed, standardize=standardize)


def mnist1d(*, num_samples: int = 5000, seed: int = 42, test_fraction: float = 0.2) -> Split:
    """MNIST-1D (Greydanus 2020), generated procedurally: 10 classes of length-40 signals.

    With the defaults it is the published data set (5000 samples, seed 42). The generator seeds
    Python's and numpy's global random state; both are restored afterwards.

    Raises:
        ValueError: if ``num_samples`` is under 10 (one per class).
    """
    if num_samples < 10:
        raise ValueError(f"num_samples must be at least 10 (one per class), got {num_samples}")
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples = num_samples
    args.seed = seed
    args.train_split = 1.0 - test_fraction
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        data = make_dataset(args)
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    return Split(
        torch.as_tensor(data["x"], dtype=torch.float32),
        torch.as_tensor(data["y"], dtype=torch.int64),
        torch.as_tensor(data["x_test"], dtype=torch.float32),
        torch.as_tensor(data["y_test"], dtype=torch.int64),
    )
