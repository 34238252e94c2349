"""Occupation lexicon: 职业分类大典 2022 plus our colloquial/skill/certificate table.

Free text (a skill, desired occupation, certificate or job title) becomes ranked ``OccupationHit``s:
exact phrase first, then phrases contained in the text (the head noun at the end of a Chinese title
weighs most), then rapidfuzz similarity for text the lexicon does not know.
"""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from app.matching.normalize import basic, clean_segments

__all__ = ["Lexicon", "Occupation", "OccupationHit", "get_lexicon", "RECOGNISED_MIN_SCORE"]

# Below this a hit is a guess: the text counts as not recognised (it goes to the demand summary's
# list of unknown phrases) and the scorer does not treat it as an occupational fit.
RECOGNISED_MIN_SCORE = 60.0

_MARKER_RE = re.compile(r"(?<=[\u4e00-\u9fff])[LS](?:/[LS])?$")
# Trailing words that are not the head noun: "保洁阿姨" is a cleaner, "厨师学徒" a cook.
_GENERIC_TAILS = (
    "阿姨",
    "师傅",
    "大姐",
    "大哥",
    "人员",
    "工作",
    "学徒",
    "助理",
    "岗位",
    "员工",
    "经验",
    "相关",
    "方面",
    "一类",
    "之类",
    "等工作",
    "活",
    "类",
    "等",
    "者",
)
_KIND_WEIGHT = {
    "colloquial": 1.0,
    "skill": 1.0,
    "certificate": 1.0,
    "title": 1.0,
    "alias": 0.93,
    "admin": 1.0,
}


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str
    name: str
    level: int
    aliases: tuple[str, ...]
    open_entry: bool


@dataclass(frozen=True, slots=True)
class OccupationHit:
    code: str
    name: str
    score: float
    phrase: str
    term: str = ""
    kind: str = ""


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    term: str
    kind: str
    weight: float
    phrase: str


def _read_csv(name: str) -> Iterator[dict[str, str]]:
    data = resources.files("app.matching").joinpath(f"data/{name}")
    with data.open("r", encoding="utf-8") as fh:
        yield from csv.DictReader(line for line in fh if not line.startswith("#"))


def _effective_end(text: str) -> int:
    end = len(text)
    changed = True
    while changed:
        changed = False
        for tail in _GENERIC_TAILS:
            if end - len(tail) >= 2 and text[:end].endswith(tail):
                end -= len(tail)
                changed = True
                break
    return end


class Lexicon:
    """Phrase index over the classification and our table; build once via ``get_lexicon()``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.occupations: dict[str, Occupation] = {}
        self._index: dict[str, list[_Entry]] = {}
        self._open_codes: set[str] = set()
        self._open_terms: set[tuple[str, str]] = set()
        self._max_len = 1
        self._fuzzy_keys: list[str] | None = None
        self._cache: dict[str, tuple[OccupationHit, ...]] = {}
        self._load()

    # -- loading -----------------------------------------------------------------------------
    def _load(self) -> None:
        for row in _read_csv("open_entry.csv"):
            if row["term"]:
                self._open_terms.add((row["code"], row["term"]))
            else:
                self._open_codes.add(row["code"])
        for row in _read_csv("csco22.csv"):
            code, level = row["code"], int(row["level"])
            name = _MARKER_RE.sub("", row["name"])
            aliases = tuple(a for a in row["aliases"].split("|") if a)
            self.occupations[code] = Occupation(code, name, level, aliases, code in self._open_codes)
            # Categories (level 1-3) are weaker than detailed occupations of the same wording.
            lw = 1.0 if level == 4 else 0.9
            self._add(name, _Entry(code, name, "title", lw, name))
            if name != row["name"]:
                self._add(row["name"], _Entry(code, name, "title", lw, row["name"]))
            for alias in aliases:
                self._add(alias, _Entry(code, name, "alias", lw * _KIND_WEIGHT["alias"], alias))
                # "搬运工/装卸工" also stands for each half; one-letter halves ("配/理/拣") do not.
                parts = [p for p in re.split(r"[/、]", alias) if len(p) >= 2]
                if len(parts) > 1:
                    for part in parts:
                        self._add(part, _Entry(code, name, "alias", lw * 0.85, alias))
        for row in _read_csv("colloquial.csv"):
            code = row["code"]
            if code not in self.occupations:
                continue
            weight = float(row.get("weight") or 1.0)
            self._add(row["phrase"], _Entry(code, row["term"], row["kind"], weight, row["phrase"]))

    def _add(self, phrase: str, entry: _Entry) -> None:
        key = basic(phrase)
        if not key:
            return
        bucket = self._index.setdefault(key, [])
        for i, old in enumerate(bucket):
            if old.code == entry.code and old.term == entry.term:
                if entry.weight > old.weight:
                    bucket[i] = entry
                return
        bucket.append(entry)
        self._max_len = max(self._max_len, len(key))
        self._fuzzy_keys = None

    # -- public API --------------------------------------------------------------------------
    def get(self, code: str) -> Occupation | None:
        return self.occupations.get(code)

    def is_open_entry(self, code: str, term: str = "") -> bool:
        """Anyone can learn this work on the job, no certificate needed."""
        return code in self._open_codes or (code, term) in self._open_terms

    def add_synonyms(self, code: str, phrases: Iterable[str], term: str | None = None) -> int:
        """Teach phrases at run time (admin endpoint; the caller persists and replays them)."""
        occ = self.occupations.get(code)
        if occ is None:
            raise KeyError(code)
        added = 0
        with self._lock:
            for phrase in phrases:
                key = basic(phrase)
                if not key:
                    continue
                self._add(key, _Entry(code, term or occ.name, "admin", 1.0, phrase))
                added += 1
            self._cache.clear()
        return added

    def normalize(self, text: str, limit: int = 5) -> list[OccupationHit]:
        """Occupations a free-text field names, best first; one hit per (code, term)."""
        key = basic(text)
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(self._normalize(key))
            if len(self._cache) < 200_000:
                self._cache[key] = cached
        return list(cached[:limit])

    def is_recognised(self, text: str) -> bool:
        hits = self.normalize(text, limit=1)
        return bool(hits) and hits[0].score >= RECOGNISED_MIN_SCORE

    def search(self, q: str, limit: int = 10) -> list[OccupationHit]:
        """Ranked occupations for ``GET /v1/occupations?q=``: one item per code."""
        seen: set[str] = set()
        out: list[OccupationHit] = []
        for hit in self.normalize(q, limit=50):
            if hit.code in seen:
                continue
            seen.add(hit.code)
            out.append(hit)
            if len(out) >= limit:
                break
        if len(out) < limit:
            for hit in self._fuzzy(basic(q).replace(" ", ""), 2 * limit):
                if hit.code not in seen:
                    seen.add(hit.code)
                    out.append(hit)
                    if len(out) >= limit:
                        break
        return out

    # -- matching ----------------------------------------------------------------------------
    def _hit(self, entry: _Entry, score: float) -> OccupationHit:
        occ = self.occupations[entry.code]
        return OccupationHit(
            entry.code, occ.name, round(min(score, 100.0), 1), entry.phrase, entry.term, entry.kind
        )

    def _normalize(self, key: str) -> list[OccupationHit]:
        best: dict[tuple[str, str], OccupationHit] = {}

        def keep(hit: OccupationHit) -> None:
            k = (hit.code, hit.term)
            old = best.get(k)
            if old is None or hit.score > old.score:
                best[k] = hit

        whole = key.replace(" ", "")
        for entry in self._index.get(whole, ()):
            keep(self._hit(entry, 100.0 * entry.weight))
        segments = clean_segments(key)
        for seg in segments:
            for hit in self._segment(seg):
                keep(hit)
        if not best:
            for seg in segments or [whole]:
                for hit in self._fuzzy(seg, 5):
                    keep(hit)
        return sorted(best.values(), key=lambda h: (-h.score, len(h.code), h.code))

    def _segment(self, seg: str) -> list[OccupationHit]:
        entries = self._index.get(seg)
        if entries:
            return [self._hit(e, 100.0 * e.weight) for e in entries]
        n = len(seg)
        spans: list[tuple[int, int]] = []
        for i in range(n):
            for j in range(min(n, i + self._max_len), i + 1, -1):
                if seg[i:j] in self._index:
                    spans.append((i, j))
                    break
        # Keep maximal spans only: "打扫" inside "打扫房间" is not a separate reading.
        spans = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
        end = _effective_end(seg)
        hits: list[OccupationHit] = []
        for i, j in spans:
            cover = (j - i) / n
            at_head = 1.0 if j >= end else (0.4 if j >= end - 1 else 0.0)
            base = 55.0 + 25.0 * cover + 17.0 * at_head
            for entry in self._index[seg[i:j]]:
                hits.append(self._hit(entry, base * entry.weight))
        return hits

    def _fuzzy(self, seg: str, limit: int) -> list[OccupationHit]:
        if not seg:
            return []
        if self._fuzzy_keys is None:
            self._fuzzy_keys = list(self._index)
        found = process.extract(seg, self._fuzzy_keys, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=50)
        hits: list[OccupationHit] = []
        for key, score, _ in found:
            # A shared head noun (last two characters) is the strongest hint in Chinese titles.
            head = 1.0 if key[-2:] == seg[-2:] else (0.5 if key[-1:] == seg[-1:] else 0.0)
            s = 0.55 * score + 10.0 * head
            for entry in self._index[key]:
                hits.append(self._hit(entry, s * entry.weight))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon()
