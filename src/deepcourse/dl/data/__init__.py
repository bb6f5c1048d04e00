"""Offline data sets and seeded loaders (see ``course/tutorials/01-introduction.py``).

- scikit-learn's bundled sets (:func:`tabular`, :func:`digits`), MNIST-1D generated on the spot
  (:func:`mnist1d`), synthetic 2-D classification and regression sets;
- seeded ``torch.utils.data`` loaders (:func:`loader`, :func:`tensor_dataset`);
- readers for MNIST IDX files, CIFAR-10 python batches and ImageFolder trees.
"""

from deepcourse.dl.data.formats import (
    CifarBatches,
    IdxDataset,
    image_folder,
    read_cifar10_batch,
    read_idx,
    write_idx,
)
from deepcourse.dl.data.loaders import loader, tensor_dataset
from deepcourse.dl.data.synthetic import (
    blobs,
    circles,
    linearly_separable,
    moons,
    regression_1d,
    regression_2d,
    spirals,
    xor,
)
from deepcourse.dl.data.tabular import TABULAR_SETS, Split, digits, mnist1d, split_arrays, tabular

__all__ = [
    "TABULAR_SETS",
    "CifarBatches",
    "IdxDataset",
    "Split",
    "blobs",
    "circles",
    "digits",
    "image_folder",
    "linearly_separable",
    "loader",
    "mnist1d",
    "moons",
    "read_cifar10_batch",
    "read_idx",
    "regression_1d",
    "regression_2d",
    "spirals",
    "split_arrays",
    "tabular",
    "tensor_dataset",
    "write_idx",
    "xor",
]
