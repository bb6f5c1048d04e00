"""MNIST IDX files, CIFAR-10 python batches and ImageFolder trees read back what the tests write."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from deepcourse.dl.data import (
    CifarBatches,
    IdxDataset,
    image_folder,
    read_cifar10_batch,
    read_idx,
    write_idx,
)


@settings(max_examples=30, deadline=None)
@given(
    array=st.sampled_from(["u1", "i1", "i2", "i4", "f4", "f8"]).flatmap(
        lambda dt: arrays(np.dtype(dt), array_shapes(max_dims=4, max_side=5))
    ),
    gz=st.booleans(),
)
def test_idx_round_trips_every_dtype_and_shape(tmp_path_factory, array, gz):
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if gz else "a.idx")
    back = read_idx(write_idx(path, array))
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_idx_dataset_yields_scaled_images_and_labels(tmp_path):
    images = np.arange(3 * 4 * 4, dtype=np.uint8).reshape(3, 4, 4)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.array([7, 1, 3], dtype=np.uint8))
    dataset = IdxDataset(tmp_path / "train-images-idx3-ubyte", tmp_path / "train-labels-idx1-ubyte")
    image, label = dataset[2]
    assert len(dataset) == 3 and label == 3
    assert image.shape == (1, 4, 4)
    torch.testing.assert_close(image[0], torch.tensor(images[2], dtype=torch.float32) / 255)


def test_a_truncated_or_foreign_idx_file_is_refused(tmp_path):
    path = write_idx(tmp_path / "x.idx", np.zeros((4, 3), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-2])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(path)
    (tmp_path / "y.idx").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "y.idx")
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "missing")


def _write_cifar(root, name, n, seed):
    rng = np.random.default_rng(seed)
    batch = {
        b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
        b"labels": rng.integers(0, 10, n).tolist(),
    }
    with open(root / name, "wb") as f:
        pickle.dump(batch, f)
    return batch


def test_cifar_batch_is_read_channels_first(tmp_path):
    batch = _write_cifar(tmp_path, "data_batch_1", 5, 0)
    images, labels = read_cifar10_batch(tmp_path / "data_batch_1")
    assert images.shape == (5, 3, 32, 32)
    np.testing.assert_array_equal(images[1, 2].ravel(), batch[b"data"][1, 2048:])  # blue plane
    np.testing.assert_array_equal(labels, batch[b"labels"])


def test_cifar_dataset_joins_training_batches_and_reads_class_names(tmp_path):
    _write_cifar(tmp_path, "data_batch_1", 4, 0)
    _write_cifar(tmp_path, "data_batch_2", 3, 1)
    _write_cifar(tmp_path, "test_batch", 2, 2)
    names = [n.encode() for n in ["airplane", "automobile", "bird", "cat", "deer"] + list("abcde")]
    with open(tmp_path / "batches.meta", "wb") as f:
        pickle.dump({b"label_names": names}, f)
    train, test = CifarBatches(tmp_path), CifarBatches(tmp_path, train=False)
    assert (len(train), len(test)) == (7, 2)
    image, _ = train[6]
    assert image.shape == (3, 32, 32) and 0.0 <= float(image.min()) <= float(image.max()) <= 1.0
    assert train.classes[0] == "airplane"


def test_a_folder_without_cifar_batches_is_refused_with_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="extract"):
        CifarBatches(tmp_path)


def test_image_folder_reads_one_class_per_sub_folder(tmp_path):
    from PIL import Image

    for cls, colour in [("cat", (255, 0, 0)), ("dog", (0, 0, 255))]:
        (tmp_path / cls).mkdir()
        for i in range(2):
            Image.new("RGB", (10, 6), colour).save(tmp_path / cls / f"{i}.png")
    dataset = image_folder(tmp_path, size=8)
    image, label = dataset[3]
    assert dataset.classes == ["cat", "dog"] and label == 1
    assert image.shape == (3, 8, 8) and float(image[2].mean()) == pytest.approx(1.0)


def test_an_empty_image_folder_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="one sub-folder"):
        image_folder(tmp_path)
