"""Find the course's tutorials: ``course/tutorials/NN-<slug>.py``, one per syllabus unit.

The number ``NN`` is the unit number and ``<slug>`` the unit's ``slug`` in
``course/syllabus/NN-<slug>.toml``; a file that breaks the rule is an error, not silently skipped,
so a misnamed tutorial cannot drop out of CI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from deepcourse.course import Course, load_course
from deepcourse.tutorials.exceptions import TutorialNameError, TutorialNotFound

_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.py$")


@dataclass(frozen=True)
class Tutorial:
    """One tutorial: a jupytext percent-format notebook for one syllabus unit."""

    unit: int
    slug: str
    title: str
    path: Path

    @property
    def name(self) -> str:
        """The file's stem, ``NN-slug``; built notebooks are named after it."""
        return self.path.stem


def tutorials_dir(course: Course) -> Path:
    """The folder of tutorial sources, ``<course>/tutorials``."""
    return course.root / "tutorials"


def discover_tutorials(course: Course | None = None, folder: Path | None = None) -> list[Tutorial]:
    """Every tutorial in ``folder`` (default: the course's), sorted by unit.

    Args:
        course: the course whose syllabus names the units (default: :func:`load_course`).
        folder: where the ``NN-slug.py`` files are (default: ``<course>/tutorials``).

    Raises:
        TutorialNameError: a ``.py`` file whose name is not ``NN-slug.py`` for a syllabus unit.
    """
    course = course or load_course()
    folder = folder or tutorials_dir(course)
    if not folder.is_dir():
        return []
    units = {u.number: u for u in course.syllabus.units}
    found = []
    for path in sorted(folder.glob("*.py")):
        match = _NAME.match(path.name)
        if match is None:
            if path.name.startswith(("_", ".")):
                continue  # helpers, not tutorials
            raise TutorialNameError(
                f"{path.name}: tutorial files are named NN-<unit slug>.py (e.g. 02-optimization.py)"
            )
        number, slug = int(match.group(1)), match.group(2)
        unit = units.get(number)
        if unit is None:
            raise TutorialNameError(
                f"{path.name}: there is no unit {number} in the syllabus (units are "
                f"{', '.join(map(str, units))})"
            )
        if unit.slug != slug:
            raise TutorialNameError(
                f"{path.name}: unit {number}'s slug is {unit.slug!r}; rename the file to "
                f"{number:02d}-{unit.slug}.py"
            )
        found.append(Tutorial(unit=number, slug=slug, title=unit.title("en"), path=path))
    return found


def select_tutorials(tutorials: list[Tutorial], units: list[int]) -> list[Tutorial]:
    """The tutorials of the given units, in the order asked.

    Raises:
        TutorialNotFound: a unit has no tutorial (the message lists the ones that exist).
    """
    by_unit = {t.unit: t for t in tutorials}
    missing = [u for u in units if u not in by_unit]
    if missing:
        have = ", ".join(str(t.unit) for t in tutorials) or "none"
        raise TutorialNotFound(
            f"no tutorial for unit {', '.join(map(str, missing))} (tutorials exist for units: {have})"
        )
    return [by_unit[u] for u in units]
