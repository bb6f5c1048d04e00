"""Unit 2, optimization: optimizers and learning-rate schedules, from scratch.

Each optimizer is a :class:`torch.optim.Optimizer` with the name and constructor of its
``torch.optim`` counterpart (or of its authors' package), so one replaces the other; each
file shows its single-tensor update rule, and ``_base.SingleTensorOptimizer`` does the rest of
``step()`` (closure, parameter loop, ``maximize``, lazy state). Each schedule has torch's
``lr_scheduler`` interface. Tutorial: course/tutorials/02-optimization.py.
"""

from deepcourse.dl.optim.adabelief import AdaBelief
from deepcourse.dl.optim.adagrad import Adagrad
from deepcourse.dl.optim.adam import Adam, AdamW
from deepcourse.dl.optim.adan import Adan
from deepcourse.dl.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    OneCycleLR,
    StepLR,
)
from deepcourse.dl.optim.madgrad import MADGRAD
from deepcourse.dl.optim.rmsprop import RMSprop
from deepcourse.dl.optim.schedule_free import AdamWScheduleFree, SGDScheduleFree
from deepcourse.dl.optim.sgd import SGD

__all__ = [
    "MADGRAD",
    "SGD",
    "AdaBelief",
    "Adagrad",
    "Adam",
    "AdamW",
    "AdamWScheduleFree",
    "Adan",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LinearLR",
    "OneCycleLR",
    "RMSprop",
    "SGDScheduleFree",
    "StepLR",
]
