"""Loaders shuffle reproducibly from their own seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepcourse.dl.data import loader, tensor_dataset


def _first_labels(seed):
    dataset = tensor_dataset(np.zeros((100, 2)), np.arange(100))
    return next(iter(loader(dataset, batch_size=10, seed=seed)))[1]


def test_same_seed_gives_same_batches_and_global_rng_is_irrelevant():
    torch.manual_seed(1)
    a = _first_labels(5)
    torch.manual_seed(2)
    b = _first_labels(5)
    assert torch.equal(a, b)
    assert not torch.equal(a, _first_labels(6))


def test_tensor_dataset_keeps_integer_labels_as_int64():
    dataset = tensor_dataset(np.zeros((3, 2)), np.array([0, 1, 2]))
    assert dataset.tensors[0].dtype == torch.float32
    assert dataset.tensors[1].dtype == torch.int64


def test_mismatched_lengths_and_bad_batch_sizes_are_refused():
    with pytest.raises(ValueError, match="different lengths"):
        tensor_dataset(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="batch_size"):
        loader(tensor_dataset(np.zeros((3, 2)), np.zeros(3)), batch_size=0)
