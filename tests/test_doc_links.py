"""Issue 15, item 5: every relative link in README.md and docs/*.md names a file in the repository.

A link outside the repository (``../shared/...``) works only on the machine it was written on; the
project's own copy (docs/course-page.md) is the one to link.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_HTML = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.I)


def relative_links(markdown: str) -> list[str]:
    """The relative link targets of a Markdown text (code blocks left out), anchors removed."""
    text = _FENCE.sub("", markdown)
    targets = [m.group(1) for rx in (_INLINE, _REFERENCE, _HTML) for m in rx.finditer(text)]
    return [t.split("#", 1)[0] for t in targets if not _EXTERNAL.match(t) and t.split("#", 1)[0]]


def test_the_link_finder_sees_inline_reference_and_html_links_but_not_urls_or_code():
    text = (
        '[a](docs/a.md) ![img](pic.png "title") [b](https://x.org) [c](#top) [d](e.md#part)\n'
        '[ref]: ../outside.md\n<a href="f.md">f</a>\n```\n[code](not/a/link.md)\n```\n'
    )
    assert relative_links(text) == ["docs/a.md", "pic.png", "e.md", "../outside.md", "f.md"]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_issue15_every_relative_link_in_the_readme_and_docs_resolves_inside_the_repository(doc):
    bad = []
    for target in relative_links(doc.read_text(encoding="utf-8")):
        resolved = (doc.parent / target).resolve()
        if not resolved.is_relative_to(REPO):
            bad.append(f"{target} (outside the repository)")
        elif not resolved.exists():
            bad.append(f"{target} (no such file)")
    assert not bad, f"{doc.relative_to(REPO)}: {bad}"


def test_issue15_the_readme_links_the_projects_own_copy_of_the_course_page():
    assert "](docs/course-page.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    assert (REPO / "docs" / "course-page.md").is_file()
