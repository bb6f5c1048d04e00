"""Each part of deepcourse.dl exports exactly the names in its __all__, and they all exist."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "deepcourse.dl.data",
    "deepcourse.dl.neuron",
    "deepcourse.dl.mlp",
    "deepcourse.dl.recap",
    "deepcourse.dl.train",
]


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_all_exists_and_is_unique(name):
    module = importlib.import_module(name)
    assert len(module.__all__) == len(set(module.__all__))
    for export in module.__all__:
        assert hasattr(module, export), f"{name}.__all__ lists {export!r}, which is missing"


def test_the_dl_package_itself_exports_nothing():
    dl = importlib.import_module("deepcourse.dl")
    assert dl.__doc__ and not getattr(dl, "__all__", [])
