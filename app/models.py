"""Every model, imported so ``Base.metadata`` is complete for Alembic and tests."""

from app.auth.models import ApiKey
from app.core.models import AuditEvent, IdempotencyRecord
from app.db import Base
from app.employers.models import Employer, Job
from app.exchanges.models import Exchange, ExchangeJob, ExchangeSeeker, Match, MatchRun, StateChange
from app.interviews.models import Interview, InterviewSlot
from app.occupations.models import OccupationSynonym
from app.partnerships.models import Partnership, Target
from app.placements.models import Placement, ServiceRecord
from app.regions.models import Region
from app.seekers.models import Seeker

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Employer",
    "Exchange",
    "ExchangeJob",
    "ExchangeSeeker",
    "IdempotencyRecord",
    "Interview",
    "InterviewSlot",
    "Job",
    "Match",
    "MatchRun",
    "OccupationSynonym",
    "Partnership",
    "Placement",
    "Region",
    "Seeker",
    "ServiceRecord",
    "StateChange",
    "Target",
]
