"""``deepcourse groups propose|confirm|single|leave|submit|list``: homework pairs."""

from __future__ import annotations

import typer
from rich.table import Table

from deepcourse.cli._common import out
from deepcourse.cli._db import BY_OPTION, actor, rule_errors, services

groups_app = typer.Typer(help="Homework pairs: one group per student per assignment.")

ASSIGNMENT = typer.Argument(..., help="hw0, hw1, hw2 or hw3")


def _show(group) -> str:
    lock = ", locked" if group.locked else ""
    return f"{group.assignment}: {' + '.join(group.members)} ({group.state.value}{lock})"


@groups_app.command("propose")
def propose(
    assignment: str = ASSIGNMENT,
    student_id: str = typer.Argument(...),
    partner: str = typer.Argument(...),
) -> None:
    """STUDENT_ID proposes a pair with PARTNER; the partner then confirms."""
    svc = services()
    with rule_errors():
        out.print(
            _show(svc.group_propose(assignment=assignment, proposer=student_id, partner=partner))
        )


@groups_app.command("confirm")
def confirm(assignment: str = ASSIGNMENT, student_id: str = typer.Argument(...)) -> None:
    """The invited partner confirms the pair."""
    svc = services()
    with rule_errors():
        out.print(_show(svc.group_confirm(assignment=assignment, student_id=student_id)))


@groups_app.command("single")
def single(
    assignment: str = ASSIGNMENT,
    student_id: str = typer.Argument(...),
    reason: str = typer.Option("", "--reason", help="Why this student works alone (required)."),
    by: str | None = BY_OPTION,
) -> None:
    """Staff: approve a single-member group, with a reason (audited)."""
    svc = services()
    with rule_errors():
        group = svc.group_approve_single(
            assignment=assignment, student_id=student_id, reason=reason, actor=actor(by)
        )
    out.print(_show(group))


@groups_app.command("leave")
def leave(
    assignment: str = ASSIGNMENT,
    student_id: str = typer.Argument(...),
    staff: bool = typer.Option(False, "--staff", help="A staff change (may touch locked groups)."),
    reason: str = typer.Option("", "--reason", help="Why (required for a locked group)."),
    by: str | None = BY_OPTION,
) -> None:
    """Dissolve the student's group for the assignment."""
    svc = services()
    with rule_errors():
        group = svc.group_leave(
            assignment=assignment,
            student_id=student_id,
            actor=actor(by),
            staff=staff,
            reason=reason,
        )
    out.print(f"dissolved {_show(group)}")


@groups_app.command("submit")
def submit(assignment: str = ASSIGNMENT, student_id: str = typer.Argument(...)) -> None:
    """Record a submission by one member: the group is locked."""
    svc = services()
    with rule_errors():
        out.print(_show(svc.group_submit(assignment=assignment, student_id=student_id)))


@groups_app.command("list")
def list_(assignment: str | None = typer.Argument(None, help="only this assignment")) -> None:
    """All groups (or one assignment's)."""
    svc = services()
    with rule_errors():
        groups = svc.group_list(assignment=assignment)
    table = Table("assignment", "members", "state", "locked", "reason")
    for g in groups:
        table.add_row(
            g.assignment, " + ".join(g.members), g.state.value, "yes" if g.locked else "", g.reason
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(groups_app, name="groups")
