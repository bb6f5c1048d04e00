r"""Symmetries of multilayer networks and the quantities gradient flow conserves.

- Permuting the hidden units of a layer (rows of $W_l$, entries of $b_l$, columns of
  $W_{l+1}$) leaves the function unchanged.
- ReLU is positively homogeneous, $\mathrm{ReLU}(cz) = c\,\mathrm{ReLU}(z)$ for $c > 0$, so scaling
  a layer's incoming weights by $c$ and outgoing weights by $1/c$ leaves the function unchanged.
- The infinitesimal version of that rescaling gives a conservation law: under gradient flow
  $\dot W = -\nabla L$, for a bias-free network with homogeneous activations,
  $\frac{d}{dt}(\|W_{l+1}\|_F^2 - \|W_l\|_F^2) = 0$ for every pair of consecutive layers
  (Du, Hu and Lee, NeurIPS 2018). Gradient descent with a finite step drifts by $O(\eta^2)$
  per step. See ``course/tutorials/05-multilayer-networks.py``.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from deepcourse.dl.mlp.model import MLP

__all__ = ["layer_balance", "permute_hidden_units", "rescale_hidden_units"]


def _check_layer(model: MLP, layer: int) -> None:
    if not 0 <= layer < len(model.layers) - 1:
        raise ValueError(
            f"layer must index a hidden layer, 0 to {len(model.layers) - 2}, got {layer}"
        )


@torch.no_grad()
def permute_hidden_units(model: MLP, layer: int, permutation: torch.Tensor) -> MLP:
    """A copy of ``model`` with the outputs of hidden layer ``layer`` reordered by ``permutation``."""
    _check_layer(model, layer)
    out = copy.deepcopy(model)
    incoming, outgoing = out.layers[layer], out.layers[layer + 1]
    if sorted(permutation.tolist()) != list(range(incoming.out_features)):
        raise ValueError(f"permutation must reorder 0..{incoming.out_features - 1}")
    incoming.weight.copy_(incoming.weight[permutation])
    if incoming.bias is not None:
        incoming.bias.copy_(incoming.bias[permutation])
    outgoing.weight.copy_(outgoing.weight[:, permutation])
    return out


@torch.no_grad()
def rescale_hidden_units(model: MLP, layer: int, scale: torch.Tensor | float) -> MLP:
    """A copy with hidden layer ``layer``'s incoming weights (and bias) times ``scale`` (> 0, one
    per unit or a scalar) and its outgoing weights divided by it."""
    _check_layer(model, layer)
    scale = torch.as_tensor(scale, dtype=model.layers[layer].weight.dtype)
    if bool((scale <= 0).any()):
        raise ValueError("rescaling needs positive factors: ReLU(cz) = c ReLU(z) only for c > 0")
    out = copy.deepcopy(model)
    incoming, outgoing = out.layers[layer], out.layers[layer + 1]
    per_unit = scale.expand(incoming.out_features)
    incoming.weight.mul_(per_unit[:, None])
    if incoming.bias is not None:
        incoming.bias.mul_(per_unit)
    outgoing.weight.div_(per_unit[None, :])
    return out


def layer_balance(model: MLP) -> np.ndarray:
    r"""$\|W_{l+1}\|_F^2 - \|W_l\|_F^2$ for each consecutive pair of ``model.layers``.

    (With biases, the conserved quantity is $\|W_{l+1}\|_F^2 - \|W_l\|_F^2 - \|b_l\|^2$; this
    function includes the bias term, so it is conserved either way.)
    """
    norms = []
    for layer in model.layers:
        incoming = float((layer.weight.detach() ** 2).sum())
        bias = 0.0 if layer.bias is None else float((layer.bias.detach() ** 2).sum())
        norms.append((incoming, bias))
    return np.array(
        [norms[l + 1][0] - norms[l][0] - norms[l][1] for l in range(len(norms) - 1)]  # noqa: E741
    )
