"""``deepcourse enroll request|drop|capacity``: registration and the waiting list."""

from __future__ import annotations

import typer

from deepcourse.cli._common import out
from deepcourse.cli._db import BY_OPTION, actor, rule_errors, services

enroll_app = typer.Typer(help="Registration: request a seat, drop, change the capacity.")


@enroll_app.command("request")
def request(
    student_id: str = typer.Argument(..., help="9-digit Technion id"),
    waive: str = typer.Option(
        "", "--waive-prerequisites", help="Staff: waive the prerequisites, with this reason."
    ),
    by: str | None = BY_OPTION,
) -> None:
    """Request a seat: enrolled while seats are free, otherwise waitlisted."""
    svc = services()
    with rule_errors():
        result = svc.enrollment_request(
            student_id=student_id, actor=actor(by) if waive else "", waiver_reason=waive
        )
    if result.position is None:
        out.print(
            f"{result.student_id} enrolled" + (" (prerequisites waived)" if result.waived else "")
        )
    else:
        out.print(f"{result.student_id} waitlisted at position {result.position}")


@enroll_app.command("drop")
def drop(student_id: str = typer.Argument(..., help="9-digit Technion id")) -> None:
    """Drop a student; the first on the waiting list takes the seat and is emailed."""
    svc = services()
    with rule_errors():
        result = svc.enrollment_drop(student_id=student_id)
    line = f"{result.student_id} dropped ({result.was.value})"
    if result.promoted:
        line += f"; {result.promoted} promoted from the waiting list"
    out.print(line)


@enroll_app.command("capacity")
def capacity(seats: int = typer.Argument(..., help="the new number of seats")) -> None:
    """Set the capacity; raising it promotes that many from the waiting list."""
    svc = services()
    with rule_errors():
        promoted = svc.offering_capacity_set(capacity=seats)
    out.print(
        f"capacity {seats}"
        + (f"; promoted {', '.join(promoted)}" if promoted else "; no one promoted")
    )


def register(app: typer.Typer) -> None:
    app.add_typer(enroll_app, name="enroll")
