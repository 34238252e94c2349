"""The three state machines of the exchange (exchange, match, interview) as data.

Each machine is one table: (from, to) -> the roles that may take that step by hand. ``transition`` is the
one place a state changes: it checks the table, sets the state and writes the history row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal, Role
from app.core.problems import Conflict
from app.db import utcnow
from app.exchanges.models import StateChange

S, R, SCH, A = Role.sending, Role.receiving, Role.scheduler, Role.admin
_ANY = frozenset({S, R, SCH, A})


@dataclass(frozen=True)
class Machine:
    name: str
    attr: str
    transitions: Mapping[tuple[str, str], frozenset[Role]]
    terminal: frozenset[str]
    # What is due next in a state, for the 409 detail of an out-of-order step.
    due: Mapping[str, str] = field(default_factory=dict)

    def allowed(self, from_state: str, to_state: str) -> bool:
        return (from_state, to_state) in self.transitions


EXCHANGE = Machine(
    name="exchange",
    attr="state",
    transitions={
        ("seekers_sent", "jobs_supplied"): frozenset({R, A}),
        ("jobs_supplied", "jobs_supplied"): frozenset({R, A}),  # more jobs added
        ("jobs_supplied", "matched"): frozenset({S, A}),
        ("matched", "matched"): frozenset({S, A}),  # match re-run
        ("recruiting", "recruiting"): frozenset({S, A}),  # match re-run
        ("matched", "recruiting"): _ANY,  # the first interview booked
        ("jobs_supplied", "closed"): frozenset({S, R, A}),
        ("matched", "closed"): _ANY,
        ("recruiting", "closed"): _ANY,
        ("seekers_sent", "cancelled"): frozenset({S, R, A}),
        ("jobs_supplied", "cancelled"): frozenset({S, R, A}),
        ("matched", "cancelled"): frozenset({S, R, A}),
        ("recruiting", "cancelled"): frozenset({S, R, A}),
    },
    terminal=frozenset({"closed", "cancelled"}),
    due={
        "seekers_sent": "应先由输入地提交岗位供给清单",
        "jobs_supplied": "应先由输出地发起匹配",
        "matched": "应由输入地或调度方为已同意的推荐安排面试",
        "recruiting": "应跟进面试、录用与到岗",
        "closed": "本轮对接已关闭，不能再办理",
        "cancelled": "本轮对接已取消，不能再办理",
    },
)

_BEFORE_HIRED = ("proposed", "accepted", "interviewing", "offered")
MATCH = Machine(
    name="match",
    attr="status",
    transitions={
        ("proposed", "accepted"): frozenset({S, A}),
        ("proposed", "declined"): frozenset({S, A}),
        ("accepted", "interviewing"): frozenset({R, A}),
        ("interviewing", "offered"): frozenset({R, A}),
        ("interviewing", "rejected"): frozenset({R, A}),
        ("interviewing", "hired"): frozenset({R, A}),
        ("offered", "hired"): frozenset({R, A}),
        **{(s, "withdrawn"): frozenset({S, R, A}) for s in _BEFORE_HIRED},
    },
    terminal=frozenset({"declined", "rejected", "hired", "withdrawn"}),
    due={
        "proposed": "应先由输出地记录劳动者是否同意（accepted/declined）",
        "accepted": "应先安排面试（或由输入地标记 interviewing）",
        "interviewing": "应由输入地记录面试结果（offered/rejected/hired）",
        "offered": "应由输入地记录录用（hired，需 start_date）或撤回",
        "hired": "已录用，不能再变更",
        "declined": "劳动者已拒绝，不能再变更",
        "rejected": "未通过面试，不能再变更",
        "withdrawn": "已撤回，不能再变更",
    },
)

INTERVIEW = Machine(
    name="interview",
    attr="status",
    transitions={
        ("scheduled", "scheduled"): frozenset({R, SCH, A}),  # rescheduled
        ("scheduled", "cancelled"): frozenset({R, SCH, A}),
        ("scheduled", "completed"): frozenset({R, SCH, A}),
        ("scheduled", "no_show"): frozenset({R, SCH, A}),
    },
    terminal=frozenset({"cancelled", "completed", "no_show"}),
    due={
        "cancelled": "面试已取消，不能再变更",
        "completed": "面试已完成，不能再变更",
        "no_show": "面试已记为缺席，不能再变更",
    },
)

MACHINES = {m.name: m for m in (EXCHANGE, MATCH, INTERVIEW)}

_LABEL = {"exchange": "对接", "match": "推荐", "interview": "面试"}


def illegal(machine: Machine, from_state: str, to_state: str) -> Conflict:
    hint = machine.due.get(from_state, "")
    detail = f"{_LABEL[machine.name]}当前状态为 {from_state}，不能变更为 {to_state}"
    return Conflict(f"{detail}；{hint}" if hint else detail, extra={"state": from_state})


def out_of_order(machine: Machine, state: str) -> Conflict:
    """The 409 for a step called in the wrong state: names the step that is due."""
    hint = machine.due.get(state, "")
    return Conflict(f"当前状态为 {state}，{hint}", extra={"state": state})


def transition(
    *,
    session: Session,
    machine: Machine,
    subject: object,
    to_state: str,
    principal: Principal,
    note: str | None = None,
    by_rule: bool = False,
) -> None:
    """Move ``subject`` to ``to_state`` if the table allows it, and record the step.

    ``by_rule`` marks a consequence of another recorded step (an interview outcome moving its match),
    where the role check was done on that step.
    """
    subject_id: str = getattr(subject, "id")  # noqa: B009
    from_state: str = getattr(subject, machine.attr)
    roles = machine.transitions.get((from_state, to_state))
    if roles is None:
        raise illegal(machine, from_state, to_state)
    if not by_rule and principal.role not in roles:
        # The endpoint is open to this role; it is the step that is not theirs to take: a state conflict.
        allowed = "、".join(sorted(r.value for r in roles))
        raise Conflict(
            f"角色 {principal.role.value} 不能将{_LABEL[machine.name]}从 {from_state} 变更为 {to_state}（应由 {allowed} 操作）",
            extra={"state": from_state},
        )
    setattr(subject, machine.attr, to_state)
    session.add(
        StateChange(
            machine=machine.name,
            subject_id=subject_id,
            at=utcnow(),
            principal_id=principal.id,
            principal_name=principal.name,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )
    )


def record_start(
    *, session: Session, machine: Machine, subject_id: str, state: str, principal: Principal, note: str | None
) -> None:
    """The first history row: the object came into being in ``state``."""
    session.add(
        StateChange(
            machine=machine.name,
            subject_id=subject_id,
            at=utcnow(),
            principal_id=principal.id,
            principal_name=principal.name,
            from_state=None,
            to_state=state,
            note=note,
        )
    )


def history(*, session: Session, machine: Machine, subject_id: str) -> list[StateChange]:
    return list(
        session.scalars(
            select(StateChange)
            .where(StateChange.machine == machine.name, StateChange.subject_id == subject_id)
            .order_by(StateChange.at, StateChange.id)
        )
    )
