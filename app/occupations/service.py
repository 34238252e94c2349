"""The occupation lexicon as a resource: search, look up, and teach it synonyms that survive restarts."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.problems import Conflict, NotFound
from app.core.textnorm import clean_text
from app.matching.lexicon import Lexicon, Occupation, OccupationHit, get_lexicon
from app.occupations.models import OccupationSynonym

_replayed = threading.Event()
_replay_lock = threading.Lock()


def lexicon(*, session: Session) -> Lexicon:
    """The shared lexicon with the synonyms admins taught it, replayed once per process."""
    lex = get_lexicon()
    if not _replayed.is_set():
        with _replay_lock:
            if not _replayed.is_set():
                by_code: dict[str, list[str]] = {}
                for row in session.scalars(select(OccupationSynonym)):
                    by_code.setdefault(row.code, []).append(row.phrase)
                for code, phrases in by_code.items():
                    if lex.get(code) is not None:
                        lex.add_synonyms(code, phrases)
                _replayed.set()
    return lex


def forget_replay() -> None:
    _replayed.clear()


def search(*, session: Session, q: str, limit: int) -> list[OccupationHit]:
    return lexicon(session=session).search(q, limit=limit)


def get(*, session: Session, code: str) -> Occupation:
    occ = lexicon(session=session).get(code)
    if occ is None:
        raise NotFound(f"职业代码 {code} 不存在")
    return occ


def add_synonyms(*, session: Session, code: str, phrases: list[str]) -> tuple[list[str], list[str]]:
    """Persist new phrases and teach them to the in-memory lexicon; (added, already present)."""
    lex = lexicon(session=session)
    if lex.get(code) is None:
        raise NotFound(f"职业代码 {code} 不存在")
    cleaned: list[str] = []
    for phrase in phrases:
        text = clean_text(phrase, max_len=100)
        if text and text not in cleaned:
            cleaned.append(text)
    taken = {
        row.phrase: row.code
        for row in session.scalars(select(OccupationSynonym).where(OccupationSynonym.phrase.in_(cleaned)))
    }
    clashes = [p for p in cleaned if p in taken and taken[p] != code]
    if clashes:
        raise Conflict(f"说法“{clashes[0]}”已指向职业 {taken[clashes[0]]}，一个说法只能对应一个职业")
    added = [p for p in cleaned if p not in taken]
    for phrase in added:
        session.add(OccupationSynonym(code=code, phrase=phrase))
    session.flush()
    if added:
        lex.add_synonyms(code, added)
    return added, [p for p in cleaned if p in taken]
