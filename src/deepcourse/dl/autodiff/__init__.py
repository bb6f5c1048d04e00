"""Unit 3, efficient differentiation: reverse and forward mode from scratch, over numpy.

- :class:`Tensor` (reverse mode, backpropagation) and :func:`no_grad`;
- :class:`Dual` numbers and the transforms :func:`jvp`, :func:`vjp`, :func:`grad`,
  :func:`jacobian` and :func:`hvp` (as ``torch.func``'s);
- :func:`central_difference` and :func:`gradcheck`; :func:`implicit_jacobian`;
  :func:`backprop_by_lagrange` (the adjoint view); :func:`to_dot` and :func:`draw_graph`.

Tutorial: course/tutorials/03-efficient-differentiation.py.
"""

from deepcourse.dl.autodiff.dual import Dual
from deepcourse.dl.autodiff.functional import grad, hvp, jacobian, jvp, vjp
from deepcourse.dl.autodiff.graph import draw_graph, to_dot
from deepcourse.dl.autodiff.implicit import implicit_jacobian
from deepcourse.dl.autodiff.lagrange import backprop_by_lagrange
from deepcourse.dl.autodiff.numerical import GradcheckError, central_difference, gradcheck
from deepcourse.dl.autodiff.reverse import Tensor, is_grad_enabled, no_grad, tensor

__all__ = [
    "Dual",
    "GradcheckError",
    "Tensor",
    "backprop_by_lagrange",
    "central_difference",
    "draw_graph",
    "grad",
    "gradcheck",
    "hvp",
    "implicit_jacobian",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "no_grad",
    "tensor",
    "to_dot",
    "vjp",
]
