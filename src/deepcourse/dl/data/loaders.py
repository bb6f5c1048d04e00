"""Seeded ``torch.utils.data`` loaders: the same seed gives the same batches, every run."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

__all__ = ["loader", "tensor_dataset"]


def tensor_dataset(X, y) -> TensorDataset:
    """Wrap arrays as a dataset: float features; integer labels stay int64, others float32."""
    X_t = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y_arr = np.asarray(y)
    y_dtype = torch.int64 if np.issubdtype(y_arr.dtype, np.integer) else torch.float32
    y_t = torch.as_tensor(y_arr, dtype=y_dtype)
    if len(X_t) != len(y_t):
        raise ValueError(f"X and y have different lengths: {len(X_t)} and {len(y_t)}")
    return TensorDataset(X_t, y_t)


def loader(
    dataset: Dataset, *, batch_size: int = 64, shuffle: bool = True, seed: int = 0
) -> DataLoader:
    """A ``DataLoader`` whose shuffling is driven by its own seeded generator.

    The global torch seed is untouched, so two loaders with one seed yield identical batches.

    Raises:
        ValueError: for a non-positive batch size.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)
