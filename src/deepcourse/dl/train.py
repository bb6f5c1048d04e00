"""A small, readable training loop used from unit 5 on: :func:`fit` and its :class:`History`.

One epoch = one pass over ``train_loader``: forward, loss, ``zero_grad``, backward, step.
After each epoch the model is evaluated (``torch.no_grad``, ``model.eval()``) on the training and
(optionally) validation loaders. See ``course/tutorials/05-multilayer-networks.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm import tqdm  # plain text bar: tqdm.auto would need ipywidgets in Jupyter

__all__ = ["History", "evaluate", "fit"]


@dataclass
class History:
    """Per-epoch metrics: ``history["val_accuracy"]`` is a list with one value per epoch.

    Keys: ``train_loss``, ``train_accuracy`` and, with a validation loader, ``val_loss``,
    ``val_accuracy`` (accuracies only for classification, i.e. when targets are integers).
    """

    metrics: dict[str, list[float]] = field(default_factory=dict)

    def append(self, **values: float) -> None:
        for key, value in values.items():
            self.metrics.setdefault(key, []).append(float(value))

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.metrics:
            raise KeyError(f"no metric {key!r} in this history; it has {sorted(self.metrics)}")
        return self.metrics[key]

    def __contains__(self, key: str) -> bool:
        return key in self.metrics

    @property
    def epochs(self) -> int:
        return len(next(iter(self.metrics.values()), []))

    def last(self, key: str) -> float:
        """The value of ``key`` after the final epoch."""
        return self[key][-1]

    def plot(self, axes=None):
        """Loss (left) and, when recorded, accuracy (right) per epoch; returns the figure."""
        import matplotlib.pyplot as plt

        has_accuracy = any(k.endswith("accuracy") for k in self.metrics)
        if axes is None:
            _, axes = plt.subplots(
                1, 2 if has_accuracy else 1, figsize=(10 if has_accuracy else 5, 3.5)
            )
        axes = list(axes) if isinstance(axes, Iterable) else [axes]
        epochs = range(1, self.epochs + 1)
        for panel, suffix in zip(axes, ["loss", "accuracy"], strict=False):
            for key, values in self.metrics.items():
                if key.endswith(suffix):
                    panel.plot(epochs, values, label=key)
            panel.set_xlabel("epoch")
            panel.set_ylabel(suffix)
            panel.legend()
        return axes[0].figure


@torch.no_grad()
def evaluate(
    model: nn.Module,
    data_loader: Iterable,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> dict[str, float]:
    """Mean loss (weighted by batch size) and, for integer targets, accuracy of ``argmax``."""
    was_training = model.training
    model.eval()
    total_loss, correct, count, classification = 0.0, 0, 0, False
    for X, y in data_loader:
        y_hat = model(X)
        total_loss += float(loss_fn(y_hat, y)) * len(y)
        count += len(y)
        if not y.dtype.is_floating_point:
            classification = True
            correct += int((y_hat.argmax(dim=1) == y).sum())
    model.train(was_training)
    if count == 0:
        raise ValueError("evaluate: the data loader yielded no samples")
    result = {"loss": total_loss / count}
    if classification:
        result["accuracy"] = correct / count
    return result


def fit(
    model: nn.Module,
    train_loader: Iterable,
    *,
    epochs: int,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    lr: float = 1e-3,
    val_loader: Iterable | None = None,
    seed: int | None = 0,
    quiet: bool = False,
) -> History:
    """Train ``model`` for ``epochs`` epochs and return its :class:`History`.

    Args:
        model: any ``nn.Module`` mapping a batch of inputs to predictions.
        train_loader: yields ``(X, y)`` batches; for reproducible shuffling use
            :func:`deepcourse.dl.data.loader`, which has its own seeded generator.
        epochs: number of passes over ``train_loader``.
        loss_fn: defaults to cross entropy (integer targets: classification).
        optimizer: defaults to ``torch.optim.Adam(model.parameters(), lr=lr)``.
        lr: learning rate of the default optimizer.
        val_loader: evaluated after every epoch when given.
        seed: seeds torch's global generator before training (dropout and the like), so a run is
            repeatable; ``None`` leaves it alone.
        quiet: no progress bar (for tests and tutorials).

    Raises:
        ValueError: for a non-positive number of epochs.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs}")
    if seed is not None:
        torch.manual_seed(seed)
    loss_fn = loss_fn or nn.functional.cross_entropy
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    bar = tqdm(range(1, epochs + 1), desc="fit", disable=quiet, leave=False)
    for _ in bar:
        model.train()
        for X, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
        metrics = {f"train_{k}": v for k, v in evaluate(model, train_loader, loss_fn).items()}
        if val_loader is not None:
            metrics |= {f"val_{k}": v for k, v in evaluate(model, val_loader, loss_fn).items()}
        history.append(**metrics)
        bar.set_postfix({k: f"{v:.4f}" for k, v in metrics.items()})
    return history
