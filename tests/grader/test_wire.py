"""The data-only value format that leaves the sandbox."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from deepcourse.grader.wire import WireError, decode, encode

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(plain)
def test_plain_values_survive_a_json_round_trip(value):
    assert decode(json.loads(json.dumps(encode(value)))) == value


def test_arrays_and_tensors_round_trip_with_dtype_and_shape():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    back = decode(encode(arr))
    assert back.dtype == np.float32 and back.shape == (2, 3) and np.array_equal(back, arr)
    assert np.array_equal(decode(encode(torch.ones(2, 2))), np.ones((2, 2), dtype=np.float32))
    assert decode(encode(np.float64(2.5))) == 2.5


def test_an_object_whose_eq_is_always_true_is_refused():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    with pytest.raises(WireError, match="cannot grade a value of type"):
        encode(AlwaysEqual())


def test_subclasses_of_builtin_types_are_refused():
    class Sneaky(float):
        def __eq__(self, other):
            return True

    with pytest.raises(WireError, match="Sneaky"):
        encode(Sneaky(1.0))
    with pytest.raises(WireError):
        encode([1, Sneaky(2.0)])


def test_object_arrays_are_refused():
    with pytest.raises(WireError, match="dtype object"):
        encode(np.array([object()], dtype=object))


def test_malformed_or_forged_data_is_refused_on_decode():
    for bad in (
        {"t": "pickle", "v": "gASV"},
        {"t": "int", "v": 3},
        "text",
        {"t": "ndarray", "dtype": "<f8", "shape": [4], "b64": "AAAA"},
    ):
        with pytest.raises(WireError):
            decode(bad)


def test_huge_values_are_refused():
    with pytest.raises(WireError, match="too large"):
        encode("x" * (40 * 1024 * 1024))
