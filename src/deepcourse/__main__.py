"""``python -m deepcourse`` is the ``deepcourse`` command."""

from deepcourse.cli import main

main()
