"""Readers for the real formats users bring: MNIST IDX files, CIFAR-10 python batches, an
ImageFolder tree. Nothing downloads: point them at files you already have.
"""

from __future__ import annotations

import gzip
import pickle
import struct
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

__all__ = [
    "CifarBatches",
    "IdxDataset",
    "image_folder",
    "read_cifar10_batch",
    "read_idx",
    "write_idx",
]

# IDX type code -> big-endian numpy dtype (the format of LeCun's MNIST files)
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IDX_CODES = {dt.newbyteorder("="): code for code, dt in _IDX_DTYPES.items()}


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (``train-images-idx3-ubyte`` and friends, optionally ``.gz``).

    Layout: two zero bytes, a type code, the number of dimensions, each dimension as a big-endian
    int32, then the data in C order.

    Raises:
        FileNotFoundError: when the file is absent.
        ValueError: when the header or the length is not that of an IDX file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no IDX file at {path}")
    with _open(path) as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{path}: not an IDX file (expected two zero bytes and a type code in "
            f"{sorted(hex(c) for c in _IDX_DTYPES)}, got header {raw[:4]!r})"
        )
    dtype, ndim = _IDX_DTYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}i", raw[4:header])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: header says shape {shape} ({expected} bytes of data), "
            f"the file has {len(raw) - header}; is it truncated?"
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def write_idx(path: str | Path, array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file (gzip-compressed when the name ends in ``.gz``)."""
    path = Path(path)
    array = np.asarray(array)
    code = _IDX_CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(
            f"IDX cannot store dtype {array.dtype}; use uint8, int8, int16, int32, float32 or float64"
        )
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    data = header + array.astype(_IDX_DTYPES[code]).tobytes()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(data)
    return path


class IdxDataset(Dataset):
    """MNIST-style images and labels from two IDX files: items are ``(image, label)``.

    Images become float32 tensors of shape (1, H, W) scaled to [0, 1]; labels int64.
    """

    def __init__(self, images: str | Path, labels: str | Path) -> None:
        self.images = read_idx(images)
        self.labels = read_idx(labels)
        if self.images.ndim != 3:
            raise ValueError(
                f"{images}: expected images of shape (n, H, W), got {self.images.shape}"
            )
        if len(self.images) != len(self.labels):
            raise ValueError(
                f"{images} has {len(self.images)} images but {labels} has {len(self.labels)} labels"
            )

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int):
        image = torch.as_tensor(self.images[index], dtype=torch.float32)[None] / 255.0
        return image, int(self.labels[index])


def read_cifar10_batch(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one CIFAR-10 python batch (``data_batch_1`` ... ``test_batch``).

    The file is a pickle with ``b"data"`` (n x 3072 uint8: 1024 red, 1024 green, 1024 blue values
    per image) and ``b"labels"``. Pickles can run code: read only files you trust.

    Returns:
        images of shape (n, 3, 32, 32) uint8 and labels of shape (n,) int64.

    Raises:
        FileNotFoundError: when the file is absent.
        ValueError: when the pickle lacks the CIFAR keys or has the wrong size.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no CIFAR-10 batch at {path}")
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise ValueError(f"{path}: not a CIFAR-10 python batch (expected keys b'data', b'labels')")
    data = np.asarray(batch[b"data"], dtype=np.uint8)
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(data) != len(labels):
        raise ValueError(
            f"{path}: expected data of shape (n, 3072) and n labels, "
            f"got {data.shape} and {labels.shape}"
        )
    return data.reshape(-1, 3, 32, 32), labels


class CifarBatches(Dataset):
    """CIFAR-10 from the extracted ``cifar-10-batches-py`` folder: items ``(image, label)``.

    ``train=True`` reads ``data_batch_1`` to ``data_batch_5`` (those present), else ``test_batch``.
    Images are float32 (3, 32, 32) in [0, 1]; ``classes`` come from ``batches.meta`` when present.
    """

    def __init__(self, root: str | Path, *, train: bool = True) -> None:
        root = Path(root)
        names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
        files = [root / n for n in names if (root / n).is_file()]
        if not files:
            raise FileNotFoundError(
                f"no CIFAR-10 batches ({', '.join(names)}) in {root}; "
                "extract cifar-10-python.tar.gz there"
            )
        parts = [read_cifar10_batch(f) for f in files]
        self.images = np.concatenate([p[0] for p in parts])
        self.labels = np.concatenate([p[1] for p in parts])
        meta = root / "batches.meta"
        self.classes = [str(i) for i in range(10)]
        if meta.is_file():
            with open(meta, "rb") as f:
                self.classes = [
                    n.decode() for n in pickle.load(f, encoding="bytes")[b"label_names"]
                ]

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int):
        return torch.as_tensor(self.images[index], dtype=torch.float32) / 255.0, int(
            self.labels[index]
        )


def image_folder(root: str | Path, *, size: int | None = None):
    """An ImageFolder tree (``root/<class>/<image>``) as torchvision's ``ImageFolder``.

    Images become float tensors (C, H, W) in [0, 1], resized to ``size`` x ``size`` if given.

    Raises:
        FileNotFoundError: when ``root`` is not a folder or holds no class sub-folders.
    """
    from torchvision import datasets, transforms

    root = Path(root)
    if not root.is_dir() or not any(p.is_dir() for p in root.iterdir()):
        raise FileNotFoundError(
            f"{root}: expected a folder with one sub-folder of images per class"
        )
    steps = [transforms.Resize((size, size))] if size else []
    return datasets.ImageFolder(root, transform=transforms.Compose([*steps, transforms.ToTensor()]))
