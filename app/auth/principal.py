"""The authenticated caller and the one scoping rule every domain applies."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    sending = "sending"
    receiving = "receiving"
    scheduler = "scheduler"


@dataclass(frozen=True)
class Principal:
    id: str
    name: str
    role: Role
    region_code: str | None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def owns_region(self, region_code: str | None) -> bool:
        """Admins see everything; others only what is bound to their own region."""
        return self.is_admin or (region_code is not None and region_code == self.region_code)
