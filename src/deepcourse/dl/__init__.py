"""The teaching library: the course's algorithms written from scratch, verified against PyTorch.

Subpackages:
    optim     unit 2, optimization: optimizers and learning-rate schedules
    autodiff  unit 3, efficient differentiation: reverse and forward mode, numerical and
              implicit differentiation, subgradients
"""
