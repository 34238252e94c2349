"""Dependency aliases shared by routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from app.core.paging import PageParams, page_params
from app.db import session_scope

SessionDep = Annotated[Session, Depends(session_scope)]
PageDep = Annotated[PageParams, Depends(page_params)]
