"""fit trains, records a history, repeats with a seed and plots."""

from __future__ import annotations

import matplotlib
import pytest
import torch

from deepcourse.dl.data import loader, moons, tensor_dataset
from deepcourse.dl.mlp import MLP
from deepcourse.dl.train import History, evaluate, fit

matplotlib.use("Agg")


def _run(quiet=True, epochs=15):
    X, y = moons(200, noise=0.1, seed=0)
    train = loader(tensor_dataset(X, y), batch_size=32, seed=0)
    val = loader(tensor_dataset(*moons(100, noise=0.1, seed=1)), shuffle=False)
    torch.manual_seed(0)
    model = MLP(2, [32], 2)
    return fit(model, train, epochs=epochs, lr=1e-2, val_loader=val, quiet=quiet), model


def test_fit_learns_moons_and_records_every_epoch():
    history, _ = _run()
    assert history.epochs == 15
    assert set(history.metrics) == {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}
    assert history.last("val_accuracy") > 0.95
    assert history["train_loss"][-1] < history["train_loss"][0]


def test_fit_is_deterministic_with_a_seed():
    a, _ = _run(epochs=3)
    b, _ = _run(epochs=3)
    assert a.metrics == b.metrics


def test_quiet_fit_prints_no_progress_bar(capsys):
    _run(quiet=True, epochs=1)
    captured = capsys.readouterr()
    assert "fit" not in captured.err and "fit" not in captured.out


def test_history_plot_has_a_loss_and_an_accuracy_panel():
    history, _ = _run(epochs=2)
    fig = history.plot()
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    assert len(fig.axes[0].lines) == 2


def test_regression_history_has_no_accuracy():
    data = loader(tensor_dataset(torch.randn(20, 1).numpy(), torch.randn(20, 1).numpy()))
    history = fit(
        torch.nn.Linear(1, 1), data, epochs=2, loss_fn=torch.nn.functional.mse_loss, quiet=True
    )
    assert "train_accuracy" not in history
    assert history.plot().axes[0].get_ylabel() == "loss"


def test_bad_epochs_and_missing_metrics_are_refused():
    with pytest.raises(ValueError, match="epochs"):
        fit(torch.nn.Linear(1, 1), [], epochs=0)
    with pytest.raises(KeyError, match="val_accuracy"):
        History()["val_accuracy"]
    with pytest.raises(ValueError, match="no samples"):
        evaluate(torch.nn.Linear(1, 1), [], torch.nn.functional.mse_loss)


def test_a_loud_fit_shows_a_progress_bar_with_the_metrics(capsys):
    _run(quiet=False, epochs=1)
    assert "train_loss" in capsys.readouterr().err
