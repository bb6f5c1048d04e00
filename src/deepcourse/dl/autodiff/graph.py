"""Draw the computation graph behind a Tensor: Graphviz DOT source, or a matplotlib figure.

Tutorial: course/tutorials/03-efficient-differentiation.py, section "Reverse mode".
"""

from __future__ import annotations

from typing import Any

from deepcourse.dl.autodiff.reverse import Tensor


def _nodes_and_edges(root: Tensor) -> tuple[list[Tensor], list[tuple[Tensor, Tensor]]]:
    nodes, edges, seen, stack = [], [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        for parent in node._parents:
            edges.append((parent, node))
            stack.append(parent)
    return nodes, edges


def _label(node: Tensor, names: dict[int, str]) -> str:
    name = names.get(id(node)) or node._op or ("leaf" if node.requires_grad else "const")
    return f"{name} {tuple(node.shape)}"


def to_dot(root: Tensor, names: dict[str, Tensor] | None = None) -> str:
    """The graph that produced ``root`` as Graphviz DOT source (render with ``dot -Tsvg``).

    Args:
        root: the output tensor.
        names: optional labels for some tensors, e.g. ``{"x": x, "W": W}``.

    Returns:
        DOT source; a node shared by several operations appears once, with several out-edges.
    """
    by_id = {id(t): n for n, t in (names or {}).items()}
    nodes, edges = _nodes_and_edges(root)
    index = {id(n): i for i, n in enumerate(nodes)}
    lines = ["digraph computation {", "  rankdir=LR;"]
    for node in nodes:
        shape = "box" if node._backward is None else "ellipse"
        lines.append(f'  n{index[id(node)]} [label="{_label(node, by_id)}", shape={shape}];')
    for parent, child in edges:
        lines.append(f"  n{index[id(parent)]} -> n{index[id(child)]};")
    lines.append("}")
    return "\n".join(lines)


def draw_graph(root: Tensor, names: dict[str, Tensor] | None = None, ax: Any = None) -> Any:
    """Draw the graph with matplotlib, inputs on the left, ``root`` on the right; return the axes."""
    import matplotlib.pyplot as plt

    by_id = {id(t): n for n, t in (names or {}).items()}
    nodes, edges = _nodes_and_edges(root)
    depth: dict[int, int] = {}

    def depth_of(node: Tensor) -> int:  # longest path from a leaf (the graph is small)
        if id(node) not in depth:
            depth[id(node)] = 1 + max((depth_of(p) for p in node._parents), default=-1)
        return depth[id(node)]

    columns: dict[int, list[Tensor]] = {}
    for node in nodes:
        columns.setdefault(depth_of(node), []).append(node)
    position = {}
    for col, members in columns.items():
        for row, node in enumerate(members):
            position[id(node)] = (col, row - (len(members) - 1) / 2)
    if ax is None:
        _, ax = plt.subplots(
            figsize=(1.8 * (len(columns) + 1), 1 + 0.8 * max(map(len, columns.values())))
        )
    for parent, child in edges:
        (x0, y0), (x1, y1) = position[id(parent)], position[id(child)]
        ax.annotate("", (x1, y1), (x0, y0), arrowprops=dict(arrowstyle="->", color="0.5"))
    for node in nodes:
        x, y = position[id(node)]
        color = "lightblue" if node._backward is None else "lightyellow"
        ax.text(
            x,
            y,
            _label(node, by_id),
            ha="center",
            va="center",
            fontsize=8,
            bbox=dict(boxstyle="round", fc=color, ec="0.4"),
        )
    ax.set_xlim(-0.7, max(columns) + 0.7)
    ax.set_ylim(
        min(p[1] for p in position.values()) - 0.7, max(p[1] for p in position.values()) + 0.7
    )
    ax.axis("off")
    return ax
