"""deepcourse.dl: the teaching library, from scratch and verified against PyTorch.

Subpackages and modules (import them explicitly; nothing is re-exported here):

- :mod:`deepcourse.dl.data`: offline data sets and seeded loaders (digits, MNIST-1D, synthetic
  2-D sets) and readers for MNIST IDX, CIFAR-10 batches and ImageFolder trees.
- :mod:`deepcourse.dl.recap`: unit 1, the recap of learning systems (splits, k-fold, bias-variance,
  linear regression closed form and by gradient descent, ridge and lasso).
- :mod:`deepcourse.dl.optim`: unit 2, optimization: optimizers and learning-rate schedules.
- :mod:`deepcourse.dl.autodiff`: unit 3, efficient differentiation: reverse and forward mode,
  numerical and implicit differentiation, subgradients, backpropagation as Lagrange multipliers.
- :mod:`deepcourse.dl.neuron`: unit 4, the single neuron (losses, activations, perceptron,
  linear/logistic/softmax regression, the implicit bias of gradient descent).
- :mod:`deepcourse.dl.mlp`: unit 5, multilayer networks (MLP, residual MLP, initialisation,
  universal approximation, symmetries and conserved quantities).
- :mod:`deepcourse.dl.train`: a small training loop (``fit``) with a metrics history.

Every from-scratch component is tested against PyTorch's own (values and gradients, float64) and
without a reference (finite differences, hypothesis).
"""
