"""deepcourse: Technion ECE 046211 *Deep Learning* (Winter 2024) as software.

Parts, with dependencies pointing one way::

    portal, cli  ->  course, grader  ->  dl

- :mod:`deepcourse.dl`: the teaching library (from-scratch, verified against PyTorch).
- :mod:`deepcourse.grader`: notebook assignments, sandboxed grading, feedback.
- :mod:`deepcourse.course`: the course as data and its rules (framework-free).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
