r"""The one check for signed labels $y_i \in \{-1, +1\}$ (perceptron, hinge loss, implicit bias)."""

from __future__ import annotations


def check_signed_labels(y, *, where: str) -> None:
    """Raise unless every label is -1 or +1 (numpy arrays and torch tensors alike).

    Raises:
        ValueError: naming ``where`` and how to map 0/1 labels.
    """
    if not bool(((y == 1) | (y == -1)).all()):
        raise ValueError(f"{where}: labels must be -1 or +1 (map 0/1 labels with 2 * y - 1)")
