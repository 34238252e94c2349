"""Seeker-job scoring and ranking: one scorer for the preview endpoint and exchange match runs.

Hard rules (mobility, age, education, public-welfare county) are filters. Among the jobs that pass,
occupational fit ranks first; location, pay and housing order jobs of similar fit. Jobs anyone can learn
on the job fill each list below the occupational fits.

Score (0-100, one decimal):
  * occupational fit (``skill`` >= FIT_MIN): ``50 + 40*lead - 12*(skill - will) + 10*context``  -> 62..100,
    ``lead = skill + (1 - skill) * min(1, 1.5*wording)``: the seeker's own words make up part of what
    the occupation reading leaves unsure, none of a full one
  * open-entry filler (no fit needed):        ``20 + 20*context``           -> 20..40
where ``context = 0.4*location + 0.3*salary + 0.25*housing + 0.05*meals``.

Components (all 0-1): ``skill`` (1 same job, 0.85 same occupation code, 0.45 same unit group, scaled by
how sure the normalisation was, a job title read at 0.8 or more counting as sure; 0.6x when only the job's
required skills match; 0.3-0.45 from the letters the seeker's own texts share with a job's title and
required skills when none of his readings links any job),
``wording`` (the letter cosine of the likest of the seeker's texts with the job's title and required
skills, or with the words of the job's detailed trades if greater), ``location`` (1 inside a preferred region or the home county, 0.85 home city, 0.7 home province, 0.5 elsewhere, 0.3 outside stated
preferences), ``salary`` (1 minimum meets the expectation, 0.8 maximum does, less below), ``housing``
(1 provided or not needed, 0 needed and missing), ``meals`` (1 provided, 0.5 not), ``open_entry``
(1 when the job needs no prior skill), and ``willingness`` when the seeker named occupations he wants: the
share of the fit his desired occupations give (``will``; a seeker who named none is taken at his skills,
``will = skill``), so that work he asked for ranks above work he could also do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from app.matching.lexicon import RECOGNISED_MIN_SCORE, Lexicon, OccupationHit, get_lexicon

__all__ = [
    "EDUCATION_ORDER",
    "DEFAULT_PRIORITY",
    "JobIn",
    "MatchOut",
    "SeekerIn",
    "SeekerResult",
    "rank",
]

Mobility = Literal["local", "in_province", "cross_province"]

# Vocational school counts as senior-high level (中职 = 高中阶段).
EDUCATION_ORDER: dict[str, int] = {
    "none": 0,
    "primary": 1,
    "junior_high": 2,
    "senior_high": 3,
    "vocational": 3,
    "college": 4,
    "bachelor": 5,
}
DEFAULT_PRIORITY: tuple[str, ...] = (
    "zero_employment",
    "sanwu",
    "registered_poor",
    "monitored",
    "marginal",
    "returned",
    "relocated",
)

FIT_MIN = 0.3
_SIM_TERM, _SIM_CODE, _SIM_GROUP = 1.0, 0.85, 0.45
_JOB_SKILL_FACTOR = 0.6
_JOB_SURE = 0.8
# How far the seeker's own words fill the gap an occupation reading below full leaves (``lead``): a code
# holds close neighbours (a lighter and a valve assembler, a strawberry and a water-bamboo picker) and a long
# text is read with noise, and the letters he shares with a job's own words tell them apart ("火机厂流水线"
# and 打火机装配工).  A full reading is left as it is: 上灶 in a hotel kitchen is a cook's whatever 厨房 a
# kitchen helper's title shares, and a labourer whose three fields all say home service is a 家政服务员 even
# if one chore of his is a cleaner's title.  A cosine of 2/3 fills the whole gap.
_WORDING_GAIN = 1.5
# A wording reason is shown from this cosine up.
_WORDING_SHOWN = 0.3
# Seekers' likeness rows kept at once (each one float per distinct job profile).
_ROW_CACHE = 4096
_SANWU_WELFARE_FIT = 0.9
_CHUNK = 512
# Readings: kept when within _KEEP_RELATIVE of the strongest or at least _KEEP_ABSOLUTE strong.
_KEEP_RELATIVE, _KEEP_ABSOLUTE = 0.75, 75.0
# Character-similarity guesses (Lexicon.guess) when the best phrase reading is below _GUESS_BELOW:
# the top _GUESS_TOP with a cosine of at least _GUESS_MIN (x100) and _GUESS_REL of the best one,
# weighed _GUESS_BASE + _GUESS_SLOPE x cosine, at most _GUESS_CAP (a phrase reading is 0.6..1).
_GUESS_BELOW = 75.0
_GUESS_TOP = 3
_GUESS_MIN = 18.0
_GUESS_MIN_ALONE = 12.0
_GUESS_REL = 0.6
_GUESS_BASE, _GUESS_SLOPE, _GUESS_CAP = 0.3, 0.5, 0.55
# Direct text likeness when the seeker's readings link no job of the list at _TEXT_GATE or more
# ("烤串师傅" has no reading, "车场收费管理" only weak ones): the cosine of the letters of each of his own texts
# with a job's title and required skills (Lexicon.text_vector) gives a fit of _TEXT_BASE + _TEXT_SLOPE x
# cosine, at most _TEXT_CAP, from a cosine of _TEXT_MIN up.  A seeker a reading links to a job at _TEXT_GATE
# never gets it.  Below that the best reading is a side word or a guess ("看油锅" read as a canteen's), no
# surer than the letters of his own words ("炸" of 食品油炸工), so the likeness may rank a job above it; it
# never outranks a reading of _TEXT_CAP or more.
_TEXT_GATE = 0.6
_TEXT_MIN = 0.1
# One common letter in common is chance ("养猪" and "养老护理员", "种菜" and "菜鸟驿站"): a likeness needs two
# letters or pairs in common, or one letter the phrases of at most about four everyday job names use
# (inverse document frequency _TEXT_RARE_IDF or more: "烤" of 烤串 and 烧烤, "摘" of 摘梨 and 采摘).
_TEXT_SHARED = 2
_TEXT_RARE_IDF = 7.0
_TEXT_BASE, _TEXT_SLOPE, _TEXT_CAP = 0.3, 0.5, 0.45
# Each further field of the seeker that reads the same job adds this to the fit, for at most two fields.
_AGREE, _AGREE_MAX = 0.02, 2
# "以前在饭店洗碗" next to "想去快递站分拣": work he did and says he left ranks below work he wants.
_PAST_RE = re.compile(r"^(?:我|俺|他|她)?(?:以前|之前|原来|过去|曾经|早年|早些年|年轻时|退伍前)")
_PAST = 0.85
_QUOTE_MAX = 20
_WEAK_MIN = 45.0
_WEAK_REL = 0.9
_WEAK_FACTOR = 0.8
_NARRATIVE_LEN = 16
_NARRATIVE_AGREE = 0.2
# Points (of 100) a job the labourer did not ask for gives up, at full fit, to one he did.
_WILL = 12.0
_CLAUSE_RE = re.compile(r"[\s,，、;；/|。.!！?？:：]+")
_SOURCE_LABEL = {"skill": "技能匹配", "desired": "求职意向", "certificate": "持证匹配"}


@dataclass(frozen=True, slots=True)
class SeekerIn:
    ref: str
    skills: Sequence[str] = ()
    desired_occupations: Sequence[str] = ()
    certificates: Sequence[str] = ()
    hukou_region_code: str = ""
    mobility: Mobility = "cross_province"
    preferred_region_codes: Sequence[str] = ()
    expected_salary: int | None = None
    needs_housing: bool = False
    birth_date: date | None = None
    education: str | None = None
    tags: Sequence[str] = ()
    wants_work: bool = True


@dataclass(frozen=True, slots=True)
class JobIn:
    ref: str
    title: str
    occupation: str | None = None
    skills_required: Sequence[str] = ()
    region_code: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    housing_provided: bool = False
    headcount: int = 1
    age_min: int | None = None
    age_max: int | None = None
    education_min: str | None = None
    public_welfare: bool = False
    meals_provided: bool = False


@dataclass(frozen=True, slots=True)
class MatchOut:
    job_ref: str
    score: float
    components: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SeekerResult:
    seeker_ref: str
    matches: list[MatchOut] = field(default_factory=list)


# -- occupational profiles ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Reading:
    code: str
    term: str
    weight: float
    phrase: str
    source: str


def _readings(lex: Lexicon, text: str, source: str, factor: float = 1.0) -> list[_Reading]:
    text = text.strip()
    if not text:
        return []
    if source != "skill" and lex.get(text) is not None:  # an explicit 2022 code
        occ = lex.get(text)
        assert occ is not None
        return [_Reading(occ.code, occ.name, factor, text, source)]
    hits = lex.normalize(text, limit=6)
    if source == "title":
        # a job offer names its own trade: the nearest everyday job a labourer's wording also stands for
        # (电子设备装接工 -> 流水线操作工) would make an SMT post every line worker's match
        hits = [h for h in hits if h.kind != "related"]
    top = hits[0].score if hits else 0.0
    # A reading strong in its own right stays even when another is stronger ("工地上扛水泥 搬东西"):
    # the cut-off is _KEEP_RELATIVE of the strongest or _KEEP_ABSOLUTE, whichever is lower.
    cut = max(RECOGNISED_MIN_SCORE, min(_KEEP_RELATIVE * top, _KEEP_ABSOLUTE))
    out = [
        _Reading(h.code, h.term or h.name, factor * h.score / 100.0, _quoted(text, h.phrase), source)
        for h in hits
        if h.score >= cut
    ]
    if not out and top >= _WEAK_MIN:
        # One known phrase in a long text ("在厂里装充电器外壳"): too little of the text to be recognised,
        # still the best evidence there is; kept weaker than any recognised reading.
        out = [
            _Reading(
                h.code,
                h.term or h.name,
                factor * _WEAK_FACTOR * h.score / 100.0,
                _quoted(text, h.phrase),
                source,
            )
            for h in hits
            if h.score >= _WEAK_REL * top and h.kind != "guess"
        ]
    if len(text) >= _NARRATIVE_LEN and hits:
        out = _narrative_votes(lex, text, source, factor, hits, out)
    if top < _GUESS_BELOW:
        # Wording no phrase covers well: the occupations whose phrases and tasks share most letters
        # with it, weighed so that they rank only where no phrase reading links a job.
        seen = {(r.code, r.term) for r in out}
        guesses = lex.guess(text, _GUESS_TOP)
        # with nothing else read, a weaker likeness still beats no evidence (a long text dilutes it)
        floor = _GUESS_MIN if out else _GUESS_MIN_ALONE
        for g in guesses:
            if g.score < floor or g.score < _GUESS_REL * guesses[0].score or (g.code, g.term) in seen:
                continue
            w = min(_GUESS_BASE + _GUESS_SLOPE * g.score / 100.0, _GUESS_CAP)
            out.append(_Reading(g.code, g.term or g.name, factor * w, text, source))
    return out


def _signature(readings: Sequence[_Reading]) -> tuple[str, ...]:
    """Readings that give the same fit row, whatever texts they came from (the cache key of a row)."""
    return tuple(sorted(f"{r.code}|{r.term}|{r.weight:.3f}" for r in readings))


def _quoted(text: str, phrase: str) -> str:
    """What a reason quotes of the seeker's text: the text, or for a long one (a voice message, a story)
    the phrase of it that was recognised."""
    return text if len(text) <= _QUOTE_MAX or not phrase else phrase


def _likeness_texts(texts: Sequence[str]) -> tuple[str, ...]:
    """A seeker's texts for the letter likeness, each also clause by clause: in "搬家公司干过，拆装衣柜床，扛冰箱上楼"
    the clause that names the work would be drowned by the others in one vector of the whole."""
    out: dict[str, None] = {}
    for t in texts:
        t = t.strip()
        if not t:
            continue
        out[t] = None
        clauses = [c for c in _CLAUSE_RE.split(t) if len(c) >= 2]
        if len(clauses) > 1:
            out.update(dict.fromkeys(clauses))
    return tuple(out)


def _narrative_votes(
    lex: Lexicon, text: str, source: str, factor: float, hits: list[OccupationHit], out: list[_Reading]
) -> list[_Reading]:
    """A story of the work ("早上去网点装车，一个小区一个小区送，傍晚去商家揽货") names many things, and its
    strongest phrase (装车) may be a side task.  The occupations whose phrases share the most letters with
    the whole story (Lexicon.guess) vote: a phrase reading they agree with gains up to _NARRATIVE_AGREE,
    and one they agree with is kept even below the usual cut."""
    guesses = lex.guess(text, _GUESS_TOP)
    if not guesses or guesses[0].score <= 0:
        return out
    best = guesses[0].score
    votes = {(g.code, g.term): g.score / best for g in guesses if g.score >= _GUESS_REL * best}
    kept = {(r.code, r.term) for r in out}
    for h in hits:
        key = (h.code, h.term or h.name)
        if key not in kept and key in votes and h.score >= _WEAK_MIN and h.kind != "guess":
            out.append(_Reading(h.code, key[1], factor * h.score / 100.0, _quoted(text, h.phrase), source))
    return [
        replace(r, weight=r.weight + factor * _NARRATIVE_AGREE * votes[(r.code, r.term)])
        if (r.code, r.term) in votes
        else r
        for r in out
    ]


def _likeness_fit(cos: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float32]:
    """The fit a letter likeness gives (of the seeker's texts with a job's texts or with its trade's words)."""
    return np.where(cos >= _TEXT_MIN, np.minimum(_TEXT_BASE + _TEXT_SLOPE * cos, _TEXT_CAP), 0.0).astype(
        np.float32
    )


def _group(code: str) -> str | None:
    # Unit groups only make sense for detailed occupations (x-xx-xx-nn), not for categories.
    return code[:7] if code[2:4] != "00" and code[5:7] != "00" else None


def _keys(readings: Sequence[_Reading], job_side: bool) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    texts: dict[tuple[str, str], set[str]] = {}

    def put(key: tuple[str, str], w: float, text: str) -> None:
        if w > out.get(key, 0.0):
            out[key] = w
        texts.setdefault(key, set()).add(text)

    for r in readings:
        put(("t", r.term), r.weight if job_side else r.weight * _SIM_TERM, r.phrase)
        put(("c", r.code), r.weight if job_side else r.weight * _SIM_CODE, r.phrase)
        grp = _group(r.code)
        if grp:
            put(("g", grp), r.weight if job_side else r.weight * _SIM_GROUP, r.phrase)
    if not job_side:
        # A job the labourer names in several fields ("家政证", "钟点工", "收纳") is likelier his trade than
        # one a single field names as strongly ("保洁" in a list of chores).
        for key, seen in texts.items():
            if len(seen) > 1:
                out[key] += _AGREE * min(len(seen) - 1, _AGREE_MAX)
    return out


def _pair_reason(sr: Sequence[_Reading], jr: Sequence[_Reading], job_title: str) -> tuple[float, str]:
    best, text = 0.0, ""
    for s in sr:
        for j in jr:
            if s.term == j.term:
                sim, label = _SIM_TERM, _SOURCE_LABEL[s.source]
            elif s.code == j.code:
                sim, label = _SIM_CODE, _SOURCE_LABEL[s.source]
            elif _group(s.code) is not None and _group(s.code) == _group(j.code):
                sim, label = _SIM_GROUP, "相近工种"
            else:
                continue
            v = s.weight * j.weight * sim
            if v > best:
                best, text = v, f"{label}：{s.phrase} → {job_title}"
    return best, text


# -- region helpers -------------------------------------------------------------------------------
def _region_ints(code: str, invalid: int) -> tuple[int, int, int]:
    if len(code) == 6 and code.isdigit():
        return int(code), int(code[:4]), int(code[:2])
    return invalid, invalid, invalid


def _age(birth: date | None, today: date) -> float:
    if birth is None:
        return math.nan
    return float(today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day)))


# -- ranking --------------------------------------------------------------------------------------
class _Prepared:
    """Arrays over jobs and seekers, built once per ``rank`` call."""

    def __init__(self, seekers: Sequence[SeekerIn], jobs: Sequence[JobIn], today: date, lex: Lexicon) -> None:
        self.seekers, self.jobs, self.lex = seekers, jobs, lex
        nj = len(jobs)
        self.j_county = np.empty(nj, np.int64)
        self.j_city = np.empty(nj, np.int64)
        self.j_prov = np.empty(nj, np.int64)
        for i, jb in enumerate(jobs):
            self.j_county[i], self.j_city[i], self.j_prov[i] = _region_ints(jb.region_code, -3)
        self.j_smin = np.array(
            [j.salary_min if j.salary_min is not None else np.nan for j in jobs], np.float64
        )
        self.j_smax = np.array(
            [j.salary_max if j.salary_max is not None else np.nan for j in jobs], np.float64
        )
        self.j_smax = np.where(np.isnan(self.j_smax), self.j_smin, self.j_smax)
        self.j_house = np.array([j.housing_provided for j in jobs], bool)
        self.j_meals = np.array([j.meals_provided for j in jobs], bool)
        self.j_pw = np.array([j.public_welfare for j in jobs], bool)
        self.j_age_min = np.array([j.age_min if j.age_min is not None else np.nan for j in jobs], np.float64)
        self.j_age_max = np.array([j.age_max if j.age_max is not None else np.nan for j in jobs], np.float64)
        self.j_edu = np.array([EDUCATION_ORDER.get(j.education_min or "", -1) for j in jobs], np.int64)

        # Normalise each distinct job text once; jobs with the same texts share a profile.
        self.j_read: list[list[_Reading]] = []
        profile_cache: dict[tuple[str, str, tuple[str, ...]], list[_Reading]] = {}
        for j in jobs:
            pk = (j.title, j.occupation or "", tuple(j.skills_required))
            reads = profile_cache.get(pk)
            if reads is None:
                reads = _readings(lex, j.title, "title")
                if j.occupation:
                    reads += _readings(lex, j.occupation, "title")
                for s in j.skills_required:
                    reads += _readings(lex, s, "skill", _JOB_SKILL_FACTOR)
                # A title that names a trade at _JOB_SURE or more names it fully: how much of the title the
                # phrase covers says how narrow the post is, not whether it is that trade (厂区巡逻员 is as
                # much a guard's post as 保安员); among such equals the wording decides (``ordered``).
                reads = [
                    replace(
                        r, weight=min(1.0 if r.source == "title" else _JOB_SKILL_FACTOR, r.weight / _JOB_SURE)
                    )
                    for r in reads
                ]
                profile_cache[pk] = reads
            self.j_read.append(reads)
        self.j_open = np.array(
            [
                j.public_welfare or any(lex.is_open_entry(r.code, r.term) for r in rs if r.source == "title")
                for j, rs in zip(jobs, self.j_read, strict=True)
            ],
            bool,
        )
        # Inverted index: occupation key -> (job indices, weights): the blocking step.
        postings: dict[tuple[str, str], dict[int, float]] = {}
        for ji, rs in enumerate(self.j_read):
            for key, w in _keys(rs, job_side=True).items():
                d = postings.setdefault(key, {})
                if w > d.get(ji, 0.0):
                    d[ji] = w
        self.postings = {
            k: (np.fromiter(d.keys(), np.int64, len(d)), np.fromiter(d.values(), np.float32, len(d)))
            for k, d in postings.items()
        }

        ns = len(seekers)
        self.s_county = np.empty(ns, np.int64)
        self.s_city = np.empty(ns, np.int64)
        self.s_prov = np.empty(ns, np.int64)
        for i, sk in enumerate(seekers):
            self.s_county[i], self.s_city[i], self.s_prov[i] = _region_ints(sk.hukou_region_code, -2)
        self.s_mob = np.array([{"local": 0, "in_province": 1}.get(s.mobility, 2) for s in seekers], np.int64)
        self.s_age = np.array([_age(s.birth_date, today) for s in seekers], np.float64)
        self.s_edu = np.array([EDUCATION_ORDER.get(s.education or "", -1) for s in seekers], np.int64)
        self.s_exp = np.array(
            [s.expected_salary if s.expected_salary else np.nan for s in seekers], np.float64
        )
        self.s_needs = np.array([s.needs_housing for s in seekers], bool)
        self.s_sanwu = np.array(["sanwu" in s.tags for s in seekers], bool)
        self.s_read: list[list[_Reading]] = []
        self.s_sig: list[tuple[str, ...]] = []
        self.s_will_sig: list[tuple[str, ...] | None] = []
        read_cache: dict[tuple[str, str], list[_Reading]] = {}
        for sk in seekers:
            s_reads: list[_Reading] = []
            for source, texts in (
                ("skill", sk.skills),
                ("desired", sk.desired_occupations),
                ("certificate", sk.certificates),
            ):
                for t in texts:
                    ck = (source, t)
                    cached = read_cache.get(ck)
                    if cached is None:
                        cached = _readings(lex, t, source, _PAST if _PAST_RE.match(t.strip()) else 1.0)
                        read_cache[ck] = cached
                    s_reads += cached
            self.s_read.append(s_reads)
            desired = [r for r in s_reads if r.source == "desired"]
            self.s_will_sig.append(_signature(desired) if desired else None)
            self.s_sig.append(_signature(s_reads))
        self.s_texts = [
            _likeness_texts((*s.skills, *s.desired_occupations, *s.certificates)) for s in seekers
        ]
        self._fit_rows: dict[tuple[str, ...], npt.NDArray[np.float32]] = {}
        self._will_rows: dict[tuple[str, ...], npt.NDArray[np.float32]] = {}
        self._text_rows: dict[tuple[tuple[str, ...], tuple[str, ...]], npt.NDArray[np.float32]] = {}
        self._text_cos: dict[str, npt.NDArray[np.float32]] = {}
        self._like_rows: dict[tuple[str, ...], npt.NDArray[np.float32]] = {}
        self._profile_trade_cache: dict[str, npt.NDArray[np.float32]] = {}
        self._trade_cos_cache: dict[str, npt.NDArray[np.float32]] = {}
        self._trade_cols: dict[bool, npt.NDArray[np.int64]] = {}
        self._n_profiles = 0
        self._profile_first = np.zeros(0, np.int64)
        self._linked: dict[tuple[str, ...], bool] = {}
        self._text_index: (
            tuple[npt.NDArray[np.int64], dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]]
            | None
        ) = None

    def lexicon_row(self, si: int) -> npt.NDArray[np.float32]:
        """Fit of seeker ``si`` with every job through occupation readings alone."""
        sig = self.s_sig[si]
        row = self._fit_rows.get(sig)
        if row is None:
            row = self._fit_through(self.s_read[si])
            self._fit_rows[sig] = row
        return row

    def _fit_through(self, readings: Sequence[_Reading]) -> npt.NDArray[np.float32]:
        """Fit with every job through these readings of a seeker (the blocking step: only jobs sharing a
        key are touched)."""
        row = np.zeros(len(self.jobs), np.float32)
        for key, sw in _keys(readings, job_side=False).items():
            post = self.postings.get(key)
            if post is not None:
                idx, jw = post
                np.maximum.at(row, idx, jw * np.float32(sw))
        return row

    def will_row(self, si: int, fit: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """How far each job is what seeker ``si`` asked for: the fit through his desired occupations alone.
        A labourer who named no occupation he wants (or none the lexicon reads) is taken at his skills."""
        sig = self.s_will_sig[si]
        if sig is None:
            return fit
        row = self._will_rows.get(sig)
        if row is None:
            row = self._fit_through([r for r in self.s_read[si] if r.source == "desired"])
            self._will_rows[sig] = row
        return np.minimum(row, fit)

    def by_likeness(self, si: int) -> bool:
        """No reading of seeker ``si`` links a job at _TEXT_GATE: his texts are compared letter by letter."""
        if not self.s_texts[si]:
            return False
        sig = self.s_sig[si]
        linked = self._linked.get(sig)
        if linked is None:
            linked = self._linked[sig] = float(self.lexicon_row(si).max(initial=0.0)) >= _TEXT_GATE
        return not linked

    def fit_row(self, si: int) -> npt.NDArray[np.float32]:
        row = self.lexicon_row(si)
        if not self.by_likeness(si):
            return row
        texts = self.s_texts[si]
        key = (self.s_sig[si], texts)
        out = self._text_rows.get(key)
        if out is None:
            out = np.maximum(row, np.maximum(_likeness_fit(self.like_row(si)), self._trade_fit(texts)))
            self._text_rows[key] = out
        return out

    # -- direct text similarity -----------------------------------------------------------------
    def _texts_of_job(self, j: JobIn) -> tuple[str, ...]:
        return tuple(t for t in (j.title, j.occupation or "", *j.skills_required) if t.strip())

    def _text_postings(
        self,
    ) -> tuple[npt.NDArray[np.int64], dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]]:
        """Jobs with the same texts share a profile; letter -> (profiles, weights) over the profiles' vectors."""
        if self._text_index is None:
            profiles: dict[tuple[str, ...], int] = {}
            pid = np.empty(len(self.jobs), np.int64)
            post: dict[str, dict[int, float]] = {}
            first: list[int] = []
            for ji, j in enumerate(self.jobs):
                texts = self._texts_of_job(j)
                p = profiles.get(texts)
                if p is None:
                    p = profiles[texts] = len(profiles)
                    first.append(ji)
                    for g, w in self._job_vector(texts).items():
                        post.setdefault(g, {})[p] = w
                pid[ji] = p
            self._n_profiles = len(profiles)
            self._profile_first = np.array(first, np.int64)
            self._text_index = (
                pid,
                {
                    g: (np.fromiter(d.keys(), np.int64, len(d)), np.fromiter(d.values(), np.float32, len(d)))
                    for g, d in post.items()
                },
            )
        return self._text_index

    def _job_vector(self, texts: Sequence[str]) -> dict[str, float]:
        # The job's texts as one document: the vectors summed and put back to unit length.
        acc: dict[str, float] = {}
        for t in texts:
            for g, w in self.lex.text_vector(t).items():
                acc[g] = acc.get(g, 0.0) + w
        norm = math.sqrt(sum(x * x for x in acc.values()))
        return {g: x / norm for g, x in acc.items()} if norm else {}

    def _cosines(self, text: str) -> npt.NDArray[np.float32]:
        """Cosine of one seeker text with every job profile; only profiles sharing a letter are touched,
        and those sharing fewer than _TEXT_SHARED letters and letter pairs count as unlike."""
        cos = self._text_cos.get(text)
        if cos is None:
            _, post = self._text_postings()
            cos = np.zeros(self._n_profiles, np.float32)
            shared = np.zeros(self._n_profiles, np.int32)
            for g, w in self.lex.text_vector(text).items():
                hit = post.get(g)
                if hit is not None:
                    cos[hit[0]] += hit[1] * np.float32(w)
                    shared[hit[0]] += self._evidence(g)
            cos[shared < _TEXT_SHARED] = 0.0
            self._text_cos[text] = cos
        return cos

    def _evidence(self, gram: str) -> int:
        rare = len(gram) == 1 and self.lex.gram_idf(gram) >= _TEXT_RARE_IDF
        return _TEXT_SHARED if rare else 1

    def ordered(
        self, si: int, cand: npt.NDArray[np.int64], score: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
        """``cand`` best first.  Jobs whose scores tie (to the tenth of a point shown) are ordered by how much
        of their own wording the seeker's words share, not by their place in the list: 保安员 and 小区保安 are
        equals to the occupation read in full from "保安" (the wording counts in the score only below a full
        reading), not to its words."""
        shown = np.round(score[cand], 1)
        like = self.like_at(si, cand)
        return cand[np.lexsort((cand, -like, -shown))]

    def like_row(self, si: int) -> npt.NDArray[np.float32]:
        """For each job, the cosine of its texts with the likest of seeker ``si``'s texts (0 without texts)."""
        pid, _ = self._text_postings()
        return self._profile_like(si)[pid]

    def like_at(self, si: int, ji: Any) -> Any:
        """``like_row(si)[ji]`` without building the whole row (a job or an array of jobs)."""
        pid, _ = self._text_postings()
        return self._profile_like(si)[pid[ji]]

    def _profile_like(self, si: int) -> npt.NDArray[np.float32]:
        """Per job profile (jobs with the same texts), the likeness of the seeker's wording with the job's own
        texts or with the words of its detailed trades, whichever is greater: "行李箱厂装配线" is in no title,
        but 行李箱 is in a trolley-case assembler's words.  A category's words (流水线, 装配 of any line work)
        say nothing of which line, so they do not count."""
        texts = self.s_texts[si]
        row = self._like_rows.get(texts)
        if row is None:
            self._text_postings()  # sets the profiles
            if texts:
                row = np.max(
                    np.stack([np.maximum(self._cosines(t), self._profile_trade(t)) for t in texts]), axis=0
                )
            else:
                row = np.zeros(self._n_profiles, np.float32)
            if len(self._like_rows) >= _ROW_CACHE:
                self._like_rows.clear()
            self._like_rows[texts] = row
        return row

    def _trade_cos(self, text: str) -> npt.NDArray[np.float32]:
        """Cosine of one seeker text with the words of each job's trade (its title readings' phrases)."""
        cos = self._trade_cos_cache.get(text)
        if cos is None:
            cos = self._trade_cos_of(text, None)
            self._trade_cos_cache[text] = cos
        return cos

    def _profile_trade(self, text: str) -> npt.NDArray[np.float32]:
        """Per job profile, the cosine of one seeker text with the words of the job's detailed trades."""
        cos = self._profile_trade_cache.get(text)
        if cos is None:
            cos = self._trade_cos_of(text, self._profile_first, detailed=True)
            if len(self._profile_trade_cache) >= _ROW_CACHE:
                self._profile_trade_cache.clear()
            self._profile_trade_cache[text] = cos
        return cos

    def _trade_cos_of(
        self, text: str, jobs: npt.NDArray[np.int64] | None, detailed: bool = False
    ) -> npt.NDArray[np.float32]:
        """``_trade_cos`` for the given jobs only (all when None), uncached; ``detailed``: only through the
        job's detailed occupations, not a category's words."""
        cols = self._trade_columns(detailed)
        like = np.append(self.lex.trade_likeness(text), 0.0).astype(np.float32)
        return like[cols if jobs is None else cols[jobs]].max(axis=1)

    def _trade_columns(self, detailed: bool) -> npt.NDArray[np.int64]:
        """Each job's title readings as positions in trade_likeness, padded with one past the end."""
        cached = self._trade_cols.get(detailed)
        if cached is None:
            index = self.lex.trade_index()
            cols = [
                [
                    i
                    for r in rs
                    if r.source == "title"
                    and not (detailed and _group(r.code) is None)
                    and (i := index.get((r.code, r.term))) is not None
                ]
                for rs in self.j_read
            ]
            width = max((len(c) for c in cols), default=0) or 1
            cached = np.array([c + [len(index)] * (width - len(c)) for c in cols], np.int64)
            self._trade_cols[detailed] = cached
        return cached

    def _trade_fit(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        cos = np.max(np.stack([self._trade_cos(t) for t in texts]), axis=0)
        return _likeness_fit(cos)

    def _trade_reason(self, si: int, ji: int) -> tuple[float, str]:
        """The seeker text most in the words of the job's trade, and the fit that gave."""
        best, text = max(
            ((float(self._trade_cos(t)[ji]), t.strip()) for t in self.s_texts[si]), default=(0.0, "")
        )
        if best < _TEXT_MIN:
            return 0.0, ""
        return float(_likeness_fit(np.array([best]))[0]), f"说法相近：{text} ≈ {self.jobs[ji].title}"

    def _text_reason(self, si: int, ji: int) -> tuple[float, str]:
        """The seeker text and the job text most alike, and the fit their likeness gave."""
        job_texts = self._texts_of_job(self.jobs[ji])
        job_vec = self._job_vector(job_texts)
        best, pair = 0.0, ("", "")
        for t in self.s_texts[si]:
            vec = self.lex.text_vector(t)
            if sum(self._evidence(g) for g in vec.keys() & job_vec.keys()) < _TEXT_SHARED:
                continue
            cos = sum(w * job_vec.get(g, 0.0) for g, w in vec.items())
            if cos > best:
                own = max(
                    job_texts,
                    key=lambda u: sum(w * self.lex.text_vector(u).get(g, 0.0) for g, w in vec.items()),
                )
                best, pair = cos, (t.strip(), own)
        if best < _TEXT_MIN:
            return 0.0, ""
        return float(_likeness_fit(np.array([best]))[0]), f"文字相近：{pair[0]} ≈ {pair[1]}"

    def scores(self, rows: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float32]]:
        """Score matrix (len(rows) x jobs); -inf where a hard rule or lack of fit excludes the job."""
        c_county = self.s_county[rows][:, None]
        c_city = self.s_city[rows][:, None]
        c_prov = self.s_prov[rows][:, None]
        mob = self.s_mob[rows][:, None]
        same_county = self.j_county[None, :] == c_county
        same_city = self.j_city[None, :] == c_city
        same_prov = self.j_prov[None, :] == c_prov
        allowed = np.where(mob == 0, same_county, np.where(mob == 1, same_prov, True))
        allowed &= ~self.j_pw[None, :] | same_county
        age = self.s_age[rows][:, None]
        with np.errstate(invalid="ignore"):
            allowed &= np.isnan(age) | np.isnan(self.j_age_min)[None, :] | (age >= self.j_age_min[None, :])
            allowed &= np.isnan(age) | np.isnan(self.j_age_max)[None, :] | (age <= self.j_age_max[None, :])
        edu = self.s_edu[rows][:, None]
        allowed &= (self.j_edu[None, :] < 0) | (edu < 0) | (edu >= self.j_edu[None, :])

        fit = np.stack([self.fit_row(int(r)) for r in rows]) if len(rows) else np.zeros((0, len(self.jobs)))
        sanwu = self.s_sanwu[rows][:, None]
        fit = np.where(sanwu & self.j_pw[None, :], np.maximum(fit, _SANWU_WELFARE_FIT), fit).astype(
            np.float32
        )

        ctx = 0.4 * self._location(rows, same_county, same_city, same_prov)
        ctx += 0.3 * self._salary(rows)
        ctx += 0.25 * np.where(self.s_needs[rows][:, None], self.j_house[None, :], True)
        ctx += 0.05 * np.where(self.j_meals, 1.0, 0.5)[None, :]

        will = np.stack([self.will_row(int(r), fit[k]) for k, r in enumerate(rows)]) if len(rows) else fit
        # a public-welfare post is offered to a 三无 labourer of its county whatever he asked for
        will = np.where(sanwu & self.j_pw[None, :], fit, will)
        is_fit = fit >= FIT_MIN
        lead = self._lead(rows, fit)
        score = np.where(is_fit, 50.0 + 40.0 * lead - _WILL * (fit - will) + 10.0 * ctx, 20.0 + 20.0 * ctx)
        score = np.where(allowed & (is_fit | self.j_open[None, :]), score, -np.inf)
        return score, fit

    def _lead(self, rows: npt.NDArray[np.int64], fit: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """``fit + (1 - fit) * min(1, _WORDING_GAIN * wording)``, in place on float32: this is the full
        seekers x jobs matrix of a chunk."""
        if not len(rows):
            return fit
        pid, _ = self._text_postings()
        lead = np.take(np.stack([self._profile_like(int(r)) for r in rows]), pid, axis=1)
        lead *= np.float32(_WORDING_GAIN)
        np.minimum(lead, np.float32(1.0), out=lead)
        gap = np.minimum(fit, np.float32(1.0))
        np.subtract(np.float32(1.0), gap, out=gap)
        lead *= gap
        lead += fit
        return lead

    def _location(
        self,
        rows: npt.NDArray[np.int64],
        same_county: npt.NDArray[np.bool_],
        same_city: npt.NDArray[np.bool_],
        same_prov: npt.NDArray[np.bool_],
    ) -> npt.NDArray[np.float64]:
        base = np.where(same_county, 1.0, np.where(same_city, 0.85, np.where(same_prov, 0.7, 0.5)))
        for r, si in enumerate(rows):
            prefs = self.seekers[int(si)].preferred_region_codes
            if not prefs:
                continue
            covered = np.zeros(len(self.jobs), bool)
            for p in prefs:
                if not (len(p) == 6 and p.isdigit()):
                    continue
                if p.endswith("0000"):
                    covered |= self.j_prov == int(p[:2])
                elif p.endswith("00"):
                    covered |= self.j_city == int(p[:4])
                else:
                    covered |= self.j_county == int(p)
            base[r] = np.where(covered, 1.0, 0.3)
        return base

    def _salary(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        exp = self.s_exp[rows][:, None]
        smin, smax = self.j_smin[None, :], self.j_smax[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            below = np.clip(np.nan_to_num(smax / exp, nan=0.5), 0.0, 1.0) * 0.6
            out = np.where(smin >= exp, 1.0, np.where(smax >= exp, 0.8, below))
        return np.where(np.isnan(exp), 1.0, np.where(np.isnan(smax), 0.5, out))

    # -- explanation ----------------------------------------------------------------------------
    def explain(self, si: int, ji: int, score: float, fit: float) -> MatchOut:
        s, j = self.seekers[si], self.jobs[ji]
        reasons: list[str] = []
        skill = 0.0
        if fit >= FIT_MIN:
            skill, text = _pair_reason(self.s_read[si], self.j_read[ji], j.title)
            if (
                self.by_likeness(si)
                and fit > float(self.lexicon_row(si)[ji]) + 1e-6
                and not (j.public_welfare and "sanwu" in s.tags)
            ):
                # the fit came from the direct text likeness, not from an occupation reading
                likeness, like_text = max(self._text_reason(si, ji), self._trade_reason(si, ji))
                if like_text:
                    skill, text = likeness, like_text
            if text:
                reasons.append(text)
            if (
                fit < 1.0
                and float(self.like_at(si, ji)) >= _WORDING_SHOWN
                and not text.startswith(("文字相近", "说法相近"))
            ):
                # the job's own words when they are as like as its trade's
                own, like_text = self._text_reason(si, ji)
                trade, trade_text = self._trade_reason(si, ji)
                if trade > own or not like_text:
                    like_text = trade_text
                if like_text:
                    reasons.append(like_text)
        if j.public_welfare:
            reasons.append("公益性岗位，优先安置三无人员" if "sanwu" in s.tags else "公益性岗位（本县户籍）")
            if "sanwu" in s.tags:
                skill = max(skill, _SANWU_WELFARE_FIT)
        if (fit < FIT_MIN or not reasons) and self.j_open[ji]:
            reasons.append("零门槛岗位，无需证书，可在岗学习")
        jc, jcity, jp = self.j_county[ji], self.j_city[ji], self.j_prov[ji]
        loc = 0.5
        if s.preferred_region_codes and any(
            j.region_code.startswith(p[:2] if p.endswith("0000") else p[:4] if p.endswith("00") else p)
            for p in s.preferred_region_codes
            if len(p) == 6
        ):
            loc = 1.0
            reasons.append("意向就业地区")
        elif jc == self.s_county[si]:
            loc = 1.0
            reasons.append("就近就业")
        elif jcity == self.s_city[si]:
            loc = 0.85
            reasons.append("本市就业")
        elif jp == self.s_prov[si]:
            loc = 0.7
            reasons.append("省内就业")
        else:
            reasons.append("跨省转移就业")
        if s.preferred_region_codes and loc < 1.0:
            loc = 0.3
        sal = _salary_value(s.expected_salary, j.salary_min, j.salary_max)
        if s.expected_salary:
            if sal >= 1.0:
                reasons.append("薪资满足期望")
            elif sal >= 0.8:
                reasons.append("最高薪资可达期望")
            else:
                reasons.append("薪资低于期望")
        if j.housing_provided:
            reasons.append("提供住宿")
        elif s.needs_housing:
            reasons.append("不提供住宿")
        if j.meals_provided:
            reasons.append("提供餐食")
        components = {
            "skill": round(min(max(skill, fit), 1.0), 3),
            "location": loc,
            "salary": round(sal, 3),
            "housing": 1.0 if (j.housing_provided or not s.needs_housing) else 0.0,
            "meals": 1.0 if j.meals_provided else 0.5,
            "open_entry": 1.0 if self.j_open[ji] else 0.0,
            "wording": round(float(self.like_at(si, ji)), 3),
        }
        if self.s_will_sig[si] is not None and not (j.public_welfare and "sanwu" in s.tags):
            # 1: the job is what he asked for; 0: he asked for other work (only shown when he asked)
            full = float(self.fit_row(si)[ji])
            components["willingness"] = (
                round(float(self.will_row(si, self.fit_row(si))[ji]) / full, 3) if full else 0.0
            )
        return MatchOut(j.ref, round(min(max(score, 0.0), 100.0), 1), components, reasons)


def _salary_value(expected: int | None, smin: int | None, smax: int | None) -> float:
    # Scalar twin of _Prepared._salary for the few pairs that get explained.
    if not expected:
        return 1.0
    top = smax if smax is not None else smin
    if top is None:
        return 0.5
    if smin is not None and smin >= expected:
        return 1.0
    if top >= expected:
        return 0.8
    return min(max(top / expected, 0.0), 1.0) * 0.6


# How many jobs beyond the k asked for are looked at when ties at the k-th place are ordered.
_TIE_SPARE = 8


def _priority_key(s: SeekerIn, priority: Sequence[str]) -> int:
    ranks = [priority.index(t) for t in s.tags if t in priority]
    return min(ranks) if ranks else len(priority)


def rank(
    seekers: Sequence[SeekerIn],
    jobs: Sequence[JobIn],
    per_seeker: int = 3,
    *,
    today: date | None = None,
    capacity_multiple: float | None = None,
    priority: Sequence[str] = DEFAULT_PRIORITY,
    lexicon: Lexicon | None = None,
) -> list[SeekerResult]:
    """Top ``per_seeker`` jobs for every seeker who wants work, in the seekers' order.

    With ``capacity_multiple`` no job gets more than ceil(headcount x multiple) proposals; seekers are
    then served in ``priority`` order of their tags (zero-employment households first) and 三无 labourers
    claim public-welfare posts before anyone else.
    """
    lex = lexicon or get_lexicon()
    today = today or date.today()
    results = [SeekerResult(s.ref, []) for s in seekers]
    active = np.array([i for i, s in enumerate(seekers) if s.wants_work], np.int64)
    if not len(jobs) or not len(active) or per_seeker <= 0:
        return results
    prep = _Prepared(seekers, jobs, today, lex)
    nj = len(jobs)

    if capacity_multiple is None:
        k = min(per_seeker, nj)
        for start in range(0, len(active), _CHUNK):
            rows = active[start : start + _CHUNK]
            score, fit = prep.scores(rows)
            # a few more than k, so that a job tied with the k-th can still be ordered in by its wording
            wide = min(k + _TIE_SPARE, nj)
            top = (
                np.argpartition(-score, wide - 1, axis=1)[:, :wide]
                if wide < nj
                else np.tile(np.arange(nj), (len(rows), 1))
            )
            for r, si in enumerate(rows):
                cand = top[r][np.isfinite(score[r, top[r]])]
                cand = prep.ordered(int(si), cand, score[r])[:k]
                results[int(si)].matches.extend(
                    prep.explain(int(si), int(ji), float(score[r, ji]), float(fit[r, ji])) for ji in cand
                )
        return results

    cap = np.array([math.ceil(max(j.headcount, 0) * capacity_multiple) for j in jobs], np.int64)
    order = sorted(active.tolist(), key=lambda i: (_priority_key(seekers[i], priority), i))
    depth = min(nj, per_seeker * 8 + 16)
    cands: dict[int, list[tuple[int, float, float]]] = {}
    for start in range(0, len(order), _CHUNK):
        rows = np.array(order[start : start + _CHUNK], np.int64)
        score, fit = prep.scores(rows)
        top = (
            np.argpartition(-score, depth - 1, axis=1)[:, :depth]
            if depth < nj
            else np.tile(np.arange(nj), (len(rows), 1))
        )
        for r, si in enumerate(rows):
            c = top[r][np.isfinite(score[r, top[r]])]
            c = prep.ordered(int(si), c, score[r])
            cands[int(si)] = [(int(ji), float(score[r, ji]), float(fit[r, ji])) for ji in c]
            if depth < nj and len(c) == depth:
                cands[int(si)].append((-1, 0.0, 0.0))  # marker: more candidates exist

    chosen: dict[int, list[tuple[int, float, float]]] = {i: [] for i in order}

    def take(si: int, welfare_only: bool) -> None:
        picked = {c[0] for c in chosen[si]}
        for ji, sc, ft in cands[si]:
            if len(chosen[si]) >= per_seeker:
                return
            if ji == -1:  # list exhausted by capacity: rescore this seeker against the full job list
                score, fit = prep.scores(np.array([si], np.int64))
                order_j = np.lexsort((np.arange(nj), -score[0]))
                for ji2 in order_j:
                    if not np.isfinite(score[0, ji2]) or len(chosen[si]) >= per_seeker:
                        return
                    if ji2 in picked or cap[ji2] <= 0 or (welfare_only and not prep.j_pw[ji2]):
                        continue
                    cap[ji2] -= 1
                    picked.add(int(ji2))
                    chosen[si].append((int(ji2), float(score[0, ji2]), float(fit[0, ji2])))
                return
            if ji in picked or cap[ji] <= 0 or (welfare_only and not prep.j_pw[ji]):
                continue
            cap[ji] -= 1
            picked.add(ji)
            chosen[si].append((ji, sc, ft))

    for si in order:
        if prep.s_sanwu[si]:
            take(si, welfare_only=True)
    for si in order:
        take(si, welfare_only=False)
    for si, picks in chosen.items():
        picks.sort(key=lambda t: (-t[1], t[0]))
        results[si].matches.extend(prep.explain(si, ji, sc, ft) for ji, sc, ft in picks)
    return results
