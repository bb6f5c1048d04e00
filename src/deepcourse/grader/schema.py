"""nbgrader's cell metadata schema (version 3): upgrading older metadata and validating it.

This follows nbgrader 0.9's ``nbgraderformat`` package (``v1.py`` to ``v3.py`` and ``v3.json``)
so that a source nbgrader refuses is refused here too, with a message naming what to fix, and a
source written for an older nbgrader is read the way ``nbgrader update`` would rewrite it.

Two deliberate differences, both lenient where nothing can go wrong: a missing ``grade``,
``solution``, ``locked`` or ``task`` flag counts as false (the schema's documented default;
nbgrader refuses the cell), and the upgrade happens in memory instead of asking the author to
run ``nbgrader update`` first (the release says it did so).

Functions here raise :class:`ValueError` with a message about one cell; the caller adds where.
"""

from __future__ import annotations

import math
import re

SCHEMA_VERSION = 3
FLAGS = ("grade", "solution", "locked", "task")
KEYS = frozenset(
    {"schema_version", "grade", "locked", "solution", "task", "grade_id", "points", "checksum"}
    | {"cell_type"}
)
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]*$")  # nbgrader's pattern (v3.json)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _version(meta: dict) -> int:
    version = meta.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"schema_version must be an integer, got {version!r}")
    return version


def upgrade(meta: dict, cell_type: str) -> tuple[dict | None, bool]:
    """Bring one cell's ``metadata.nbgrader`` to schema 3, as ``nbgrader update`` does.

    Returns ``(metadata, upgraded)``; the metadata is ``None`` when nbgrader would drop it (a
    schema-0 cell with no flag set becomes an ordinary cell). ``meta`` itself is not changed.

    Raises:
        ValueError: ``schema_version`` is not an integer, or old ``points`` are not a number.
    """
    version = _version(meta)
    if version >= SCHEMA_VERSION:
        return meta, False
    meta = dict(meta)
    if version <= 0:  # v0 -> v1 (nbgrader's MetadataValidatorV1._upgrade_v0_to_v1)
        for flag in ("grade", "solution", "locked"):
            meta.setdefault(flag, False)
        if not (meta["grade"] or meta["solution"] or meta["locked"]):
            return None, True
        if not meta["grade"]:
            meta.pop("points", None)
        elif meta.get("points", "") == "":
            meta["points"] = 0.0
        else:
            try:
                meta["points"] = max(0.0, float(meta["points"]))
            except (TypeError, ValueError):
                raise ValueError(f"points must be a number, got {meta['points']!r}") from None
    if version <= 1 and "checksum" in meta and "cell_type" not in meta:  # v1 -> v2
        meta["cell_type"] = cell_type
    meta["schema_version"] = SCHEMA_VERSION  # v2 -> v3 changes nothing else
    for key in set(meta) - KEYS:  # nbgrader drops unknown keys when it upgrades
        del meta[key]
    return meta, True


def validate(meta: dict, cell_type: str) -> None:
    """Check one cell's schema-3 ``metadata.nbgrader`` as nbgrader's validator does.

    Raises:
        ValueError: the first problem found, phrased with its fix.
    """
    version = _version(meta)
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"metadata.nbgrader has schema_version {version}, newer than the schema "
            f"{SCHEMA_VERSION} this grader reads (nbgrader 0.9); write it with nbgrader 0.9"
        )
    if version < SCHEMA_VERSION:
        raise ValueError(
            f"metadata.nbgrader has the outdated schema_version {version}; run `nbgrader update` "
            "on the source"
        )
    unknown = sorted(set(meta) - KEYS)
    if unknown:
        raise ValueError(
            f"unknown key(s) {', '.join(map(repr, unknown))} in metadata.nbgrader "
            f"(schema 3 allows {', '.join(sorted(KEYS))})"
        )
    for flag in FLAGS:
        if flag in meta and not isinstance(meta[flag], bool):
            raise ValueError(f"'{flag}' must be true or false, got {meta[flag]!r}")
    grade_id = meta.get("grade_id")
    if grade_id is not None and not (isinstance(grade_id, str) and GRADE_ID.match(grade_id)):
        raise ValueError(f"grade_id must be made of letters, digits, '_' and '-', got {grade_id!r}")
    if "points" in meta:
        points = meta["points"]
        if not _is_number(points) or not math.isfinite(points) or points < 0:
            raise ValueError(f"points must be a number, 0 or more, got {points!r}")
    checksum = meta.get("checksum")
    if checksum is not None and not (isinstance(checksum, str) and len(checksum) == 32):
        raise ValueError(f"checksum must be a string of 32 characters, got {checksum!r}")
    if meta.get("cell_type", "code") not in ("code", "markdown", "raw"):
        raise ValueError(f"cell_type must be code, markdown or raw, got {meta['cell_type']!r}")
    grade, solution, locked, task = (bool(meta.get(flag)) for flag in FLAGS)
    if (grade or solution or locked) and not grade_id:
        raise ValueError(
            "a grade, solution or locked cell needs a grade_id"
            + (" (it is empty)" if grade_id == "" else "")
        )
    if grade and "points" not in meta:
        raise ValueError("a grade cell needs 'points' (0 or more)")
    if task:
        if cell_type != "markdown":
            raise ValueError(f"a task cell must be markdown, not {cell_type}")
    elif cell_type == "markdown" and grade and not solution:
        raise ValueError(
            "a markdown grade cell must also be a solution cell (a manually graded answer); "
            "set solution: true, or make it a task cell"
        )
    elif cell_type == "markdown" and solution and not grade:
        raise ValueError(
            "a markdown solution cell must also be a grade cell with points (a manually "
            "graded answer); set grade: true and points"
        )
