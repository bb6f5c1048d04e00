"""The syllabus: 13 units with hours and topics, in English and Hebrew."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """One unit of the course page's subject outline.

    ``in_winter_2024`` is false for unit 11 (compression), which the page strikes through:
    "not part of Winter 2024 semester material", provided for completeness.
    """

    number: int
    slug: str
    hours: int
    title_en: str
    title_he: str
    topics_en: tuple[str, ...]
    topics_he: tuple[str, ...]
    in_winter_2024: bool
    page_text_en: str
    note: str | None = None

    def title(self, lang: str = "en") -> str:
        return self.title_he if lang == "he" else self.title_en

    def topics(self, lang: str = "en") -> tuple[str, ...]:
        return self.topics_he if lang == "he" else self.topics_en

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "slug": self.slug,
            "title": self.title_en,
            "title_he": self.title_he,
            "hours": self.hours,
            "topics": list(self.topics_en),
            "topics_he": list(self.topics_he),
            "in_winter_2024": self.in_winter_2024,
            "note": self.note,
        }


@dataclass(frozen=True)
class Syllabus:
    units: tuple[Unit, ...]

    @property
    def total_hours(self) -> int:
        return sum(u.hours for u in self.units)

    @property
    def winter_2024_hours(self) -> int:
        return sum(u.hours for u in self.units if u.in_winter_2024)

    def unit(self, number: int) -> Unit:
        for u in self.units:
            if u.number == number:
                return u
        known = ", ".join(str(u.number) for u in self.units)
        raise KeyError(f"no unit {number} in the syllabus (units are {known})")
