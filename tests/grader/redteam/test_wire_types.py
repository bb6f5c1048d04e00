"""Red team (issue 11): only exact numpy types cross as numpy data."""

from __future__ import annotations

import numpy as np
import pytest

from deepcourse.grader import wire

pytestmark = pytest.mark.unit


def test_a_numpy_scalar_subclass_claiming_to_be_numpy_is_refused():
    class Fake(np.float64):
        __module__ = "numpy"

    with pytest.raises(wire.WireError):
        wire.encode(Fake(1.0))
    assert wire.decode(wire.encode(np.float64(2.5))) == 2.5
