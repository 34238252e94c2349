"""Occupation lexicon: 职业分类大典 2022 plus our colloquial/skill/certificate table.

Free text (a skill, desired occupation, certificate or job title) becomes ranked ``OccupationHit``s:
exact phrase first, then phrases contained in the text (the head noun at the end of a Chinese title
weighs most), then rapidfuzz similarity for text the lexicon does not know.

Labourers' own sentences are read also without their framing (years, particles, "想找个…的活",
doubled verbs) and with pinyin-keyboard homophone typos put right ("电悍" = 电焊); letters that carry no
trade do not count as text a phrase has to cover; what a labourer says about himself ("能吃苦", "爱干净",
"00后") is not read as a trade, and regional words ("弄饭", "屋头", "电匠", ``dialect.csv``) are also read
in common wording.  ``related.csv`` gives occupations job offers rarely
name a weaker reading of the nearest job.  ``guess()`` is a character TF-IDF over each job's phrases
and the classification's tasks, for the scorer to use where no phrase reading is strong.
"""

from __future__ import annotations

import csv
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from app.matching.normalize import _SEPARATORS_RE, _places, basic, clean_segments

__all__ = ["Lexicon", "Occupation", "OccupationHit", "get_lexicon", "RECOGNISED_MIN_SCORE"]

# Below this a hit is a guess: the text counts as not recognised (it goes to the demand summary's
# list of unknown phrases) and the scorer does not treat it as an occupational fit.
RECOGNISED_MIN_SCORE = 60.0

_MARKER_RE = re.compile(r"(?<=[\u4e00-\u9fff])[LS](?:/[LS])?$")
# The experiential particle between a verb and its object: "跑过外卖", "收过银" (過 is 过 after basic()).
_ASPECT_RE = re.compile(r"(?<=[\u4e00-\u9fff])过(?=[\u4e00-\u9fff])")
_BRACKET_RE = re.compile(r"[()\[\]{}【】〔〕「」『』《》<>]")
# How long and how much, said in passing: "干了5年", "七八年", "十来年", "一年多", "半年", "3个月", "几百单",
# "带过两个娃" (how many is no part of the work).
_NUM = r"[0-9一二两三四五六七八九十百千万几来多半]"
_DURATION_RE = re.compile(
    rf"(?:{_NUM}+个?多?年多?半?|{_NUM}+个多?月|{_NUM}+(?:多|来)?(?:天|次|回|单|件|间|台|趟|个))"
)
# Words of speech a voice message carries ("喂 那个就是我在那个厂子 嗯 坐那个线"), typed by the labourer or
# put down by speech-to-text: they stand between any two words and are no part of the work.  喂 only as
# a greeting (喂猪 is work).
_SPEECH_FILLER_RE = re.compile(
    r"那个|这个|那种|这种|就是说|就是|然后|反正|的话|嗯+|呃+|啊+|^喂(?=[\s,，。!！])"
)
# Verbs of manual work that split from their object in speech (离合词: 剪了个头, 守工地大门, 站了两年岗),
# with at most _SEPARABLE_GAP letters between.  Not 开: 开插车 is a typo of 开叉车, not 开车.
_SEPARABLE_VERBS = frozenset("剪理洗站送搬守看装修扛拉炒烧缝扎砌刷贴擦拖扫带喂种摘采卖收焊切磨铺搭挖包值跑喷")
_SEPARABLE_GAP = 3
_AS_RE = re.compile(r"(?<=[\u4e00-\u9fff]{2})[当做](?=[\u4e00-\u9fff]{2})")
_VERB_COMPLEMENTS = frozenset("拾着了过到上下出进回开完好得始起住走掉成")
_SEPARABLE_WEIGHT = 0.9
# The letter that makes a trade a worker: 焊接 -> 焊接工, 配送 -> 配送员.
_ROLE_LETTERS = frozenset("工员师手匠")
# "把包裹送到…", "把货摆上架": the object before the verb of work, brought by 把 (one to four letters of it).
_BA_RE = re.compile(
    "把([\u4e00-\u9fff]{1,4}?)([" + "".join(sorted(_SEPARABLE_VERBS | set("摆码分叠挂卸运抬放"))) + "])"
)
# How often a letter pair must occur in the classification's texts to count as a real word, no typo.
_FORMAL_MIN = 5
_LIST_SHARE = 0.6
_SEGMENTS_AGREE, _SEGMENTS_AGREE_MAX = 3.0, 2
# Particles after a verb ("焊了", "站着"): they only join the words a labourer types.
_PARTICLE_RE = re.compile(r"(?<=[\u4e00-\u9fff])[了着]")
# Doubled verbs of speech ("帮帮忙", "洗洗涮涮", "切切菜"); only in the stripped reading, so "宝宝" stays.
_REDUP_RE = re.compile(r"([\u4e00-\u9fff])\1")
# "厨房里帮忙", "仓库里倒腾货": 里 after a place joins nothing to the work.
_LOCATIVE_RE = re.compile(r"(?<=[\u4e00-\u9fff]{2})里(?=[\u4e00-\u9fff])")
# What a labourer says around the work, at the start or the end of a phrase: "想找个…的活", "以前在…",
# "…啥的", "…都会整".  Longest first; stripped repeatedly while two letters stay.
_LEAD_WORDS = (
    "我 俺 咱 他 她 他们 她们 我们 人家 给人家 帮人家 替人家 以前 之前 原来 过去 现在 一直 平时 主要 也 还 在 想 想找个 想找 想去 想干 "
    "想做 想要 想当 想进 找个 找 要 去 会 能 可以 都 就 是 给人 帮人 给 帮 当 干 搞 "
    "弄 整 做"
)
_LEAD_FILLERS = tuple(sorted(_LEAD_WORDS.split(), key=len, reverse=True))
_TRAIL_WORDS = (
    "啥的 什么的 之类的 等等 都会 都行 也行 就行 都干 啥都干 都能干 都会弄 都会整 都会干 "
    "都会做 都能 都熟 都拿手 还行 都可以 也会 的活儿 的活 的工作 的 啥的活 这些 那些 也干 "
    "都做 都弄 都搞 也有 都有"
)
_TRAIL_FILLERS = tuple(sorted(_TRAIL_WORDS.split(), key=len, reverse=True))
# Letters that, outside any phrase the lexicon knows, carry no trade: they do not count as text a
# reading has to cover ("都是在线上站着干活" is about 线 and 活, not about 都, 是, 在 ...).
_FUNCTION_CHARS = frozenset(
    "在了过着的啥都也还会能想去找个就是和跟把往给帮我俺咱你他她人里上下头些么什这那干搞弄整做当活年"
)
# Trailing words that are not the head noun: "保洁阿姨" is a cleaner, "厨师学徒" a cook.
_GENERIC_TAILS = (
    "阿姨",
    "师傅",
    "大姐",
    "大哥",
    # "跑腿小哥", "收银小妹", "看门大爷": how people call the worker, not the work
    "小哥",
    "小妹",
    "大叔",
    "大爷",
    "大妈",
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
    # "在鞋厂上班", "在苗圃干过": where and how long, the place is the head
    "上班",
    # "找个开挖机的工地", "开叉车的厂子": the workplace after the work is where, the work is the head
    "的工地",
    "的厂子",
    "的工厂",
    "的车间",
    "干过",
    "做过",
    "待过",
    # "钢筋技工", "手机维修技术员", "车削操作员", "钢筋大工": the rank after the trade
    # "压路机司机", "汽车吊司机": the machine says the trade, 司机 only that he drives it
    "司机",
    # "吊顶隔墙安装工", "安防监控安装工": what is put up says the trade, not that it is put up
    "安装工",
    "技工",
    "大工",
    "小工",
    # "工地上出力气", "厂里干体力活": plain strength says where, not what; the workplace is the head
    "出力气",
    "卖力气",
    "力气活",
    "体力活",
    "下苦力",
    "苦力",
    "杂活",
    "技术员",
    "操作员",
    # "电脑横机操作工", "线切割操作工": the machine says the trade, 操作工 only that he runs it
    "操作工",
    # "烟花爆竹生产工", "沙发制作工": what is made says the trade, not that it is made
    "生产工",
    "制作工",
    "加工工",
    # "拉链装配工", "输液器组装工": what is put together says the trade, not that it is put together
    "装配工",
    "组装工",
    "活",
    "类",
    "等",
    "者",
)
# What a labourer says about himself, not about a trade: "能吃苦", "听指挥", "身体好", "爱干净", "00后".
# A segment made only of these is not read ("爱干净" is no cleaner, "听指挥" no conductor).
_TRAIT_WORDS = (
    "吃苦 吃苦耐劳 耐劳 不怕苦 不怕累 不怕脏 不怕脏不怕累 能熬夜 熬夜 听指挥 听安排 服从安排 服从管理 服从分配 "
    "听话 身体好 身体健康 身体棒 身体倍棒 身强力壮 体力好 力气大 有力气 有劲 有耐心 耐心 细心 心细 认真 "
    "仔细 负责 认真负责 责任心强 有责任心 踏实 老实 肯干 实在 勤快 勤劳 手脚麻利 手脚勤快 麻利 手快 "
    "手巧 心灵手巧 爱干净 讲卫生 嘴甜 脾气好 性格好 性格开朗 开朗 好学 学东西快 上手快 能干 人品好 "
    "上夜班 夜班 上白班 白班 倒班 两班倒 三班倒 加班 出差 认路 路熟 普通话 守时 年轻 年纪轻 "
    "诚实 稳重 靠谱 团队合作 沟通 能说会道 长期干 干得久 不恐高 不晕车 熟悉道路 熟悉路况 路况熟 道路熟 "
    "熟悉市区道路 熟悉市区 眼神好 视力好"
)
_TRAIT_RE = re.compile(
    r"^(?:[0-9零一二三四五六七八九]0后|(?:人|我|俺|很|比较|特别|非常|挺|蛮|能|肯|会|有|也|都|还|可以|愿意)*(?:"
    + "|".join(sorted(set(_TRAIT_WORDS.split()), key=len, reverse=True))
    + r")(?:也行|都行|可以|没问题|的)?)+$"
)
# Regional words a county clerk reads as the common ones ("弄饭" = 做饭, "屋头" = 家里, "电匠" = 电工):
# data/dialect.csv, plus a craftsman's 匠/佬 at the end standing for 工 ("电匠", "泥水佬").
_CRAFTSMAN_RE = re.compile(r"(?<=[\u4e00-\u9fff])[匠佬](?=师傅$|$)")
_DIALECT_WEIGHT = 0.97
# "00后", "90后": the labourer's generation, before cleaning leaves a lone 后.
_GENERATION_RE = re.compile(r"(?<![0-9])[0-9]0后")
# A reading through a homophone typo ("电悍") is a little less sure than the same phrase spelt right.
_HOMOPHONE_WEIGHT = 0.92
# The longest text (framing stripped) in which a two-letter phrase is read through a homophone typo.
_SHORT_TYPO_TEXT = 2
# How far below the best detailed occupation a category read from part of the same text ranks.
_CATEGORY_STEP = 0.5
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


def _category_prefix(code: str) -> str:
    """What the codes of a category's own occupations start with: "6-00-00-00" -> "6-",
    "6-29-99-00" -> "6-29-99-"."""
    parts = code.split("-")
    while parts and parts[-1] == "00":
        parts.pop()
    return "-".join(parts) + "-"


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


@lru_cache(maxsize=1)
def _formal_words() -> frozenset[str]:
    """Letter pairs the classification's own definitions and tasks use again and again (施工, 设备, 检查):
    real words, so no homophone typo of a phrase ("环氧地坪施工工" is no 石工)."""
    pairs: Counter[str] = Counter()
    for row in _read_csv("csco22_tasks.csv"):
        text = row["text"]
        pairs.update(text[k : k + 2] for k in range(len(text) - 1))
    return frozenset(
        p for p, c in pairs.items() if c >= _FORMAL_MIN and all("\u4e00" <= ch <= "\u9fff" for ch in p)
    )


@lru_cache(maxsize=1)
def _plain_pinyin() -> dict[str, str]:
    """Toneless syllable of each common character, as pinyin.csv gives it (no folding)."""
    return {row["char"]: row["pinyin"] for row in _read_csv("pinyin.csv")}


@lru_cache(maxsize=1)
def _pinyin() -> dict[str, str]:
    """Toneless syllable of each common character, folded the way a pinyin keyboard's typos fold:
    front and back nasals (yin = ying, shen = sheng) and flat and curled tongue (zh = z, ch = c, sh = s)."""
    out: dict[str, str] = {}
    for row in _read_csv("pinyin.csv"):
        py = row["pinyin"]
        if py[:2] in ("zh", "ch", "sh"):
            py = py[0] + py[2:]
        if py.endswith("ng") and py[-3:-2] in ("i", "e"):
            py = py[:-1]
        out[row["char"]] = py
    return out


def _sound(text: str) -> tuple[str, ...] | None:
    """The folded syllables of an all-Chinese text, or None when a letter has no reading."""
    table = _pinyin()
    out: list[str] = []
    for c in text:
        py = table.get(c)
        if py is None:
            return None
        out.append(py)
    return tuple(out)


def _same_plain_sound(a: str, b: str) -> bool:
    plain = _plain_pinyin()
    return all(x == y or (x in plain and plain.get(x) == plain.get(y)) for x, y in zip(a, b, strict=True))


def _ba_inverted(seg: str) -> str:
    """``seg`` with a 把 construction put back in verb-object order ("把包裹送到人家手里" -> "送包裹到人家手里",
    "把货摆上架" -> "摆货上架"), or ``seg`` itself when it has none."""
    m = _BA_RE.search(seg)
    return seg if m is None else seg[: m.start()] + m.group(2) + m.group(1) + seg[m.end() :]


def _closed_up(seg: str, index: Mapping[str, object]) -> list[str]:
    """``seg`` with the letters between a verb of work and the rest of a two-letter phrase of the table
    taken out ("会剪男式头" -> "会剪头"), one variant per such verb; only where the phrase is not there whole."""
    out: list[str] = []
    for i, verb in enumerate(seg[:-2]):
        # "收拾灶台" is 收拾 and 灶台, not 收…台: a complement after the verb makes it a word of its own
        if verb not in _SEPARABLE_VERBS or seg[i + 1] in _VERB_COMPLEMENTS:
            continue
        for gap in range(1, _SEPARABLE_GAP + 1):
            end = i + 1 + gap
            if end >= len(seg):
                break
            word = verb + seg[end]
            if word in index and seg[i : i + 2] not in index:
                out.append(seg[: i + 1] + seg[end:])
                break
    return out


def _unfill(text: str) -> str:
    """``text`` without the words of speech around the work; unchanged when nothing would be left."""
    out = _SPEECH_FILLER_RE.sub("", text).strip()
    return out if len(out) >= 2 else text


def _core(seg: str) -> str:
    """The segment without a labourer's framing: "想找个搞钢筋的活" -> "钢筋", "焊了" -> "焊", "送过件" -> "送件",
    "帮帮忙" -> "帮忙", "洗洗涮涮" -> "洗涮"."""
    core = _LOCATIVE_RE.sub("", _REDUP_RE.sub(r"\1", _PARTICLE_RE.sub("", _ASPECT_RE.sub("", seg))))
    changed = True
    while changed:
        changed = False
        for word in _LEAD_FILLERS:
            if core.startswith(word) and len(core) - len(word) >= 2:
                core, changed = core[len(word) :], True
                break
        # "在北京给人家当住家阿姨": where, said in passing, is no part of the work.
        place = _lead_place(core)
        if place and len(core) - len(place) >= 2:
            core, changed = core[len(place) :], True
        for word in _TRAIL_FILLERS:
            if core.endswith(word) and len(core) - len(word) >= 2:
                core, changed = core[: -len(word)], True
                break
    return core


def _lead_place(text: str) -> str:
    """The place name ``text`` starts with ("北京", "东莞", "天水市"), or ""."""
    full_re, short = _places()
    m = full_re.match(text)
    if m:
        return m.group(0)
    for size in (3, 2):
        if text[:size] in short:
            return text[:size]
    return ""


def _is_trait(seg: str) -> bool:
    """``seg`` only says what kind of worker the labourer is ("能吃苦", "人很勤快", "00后")."""
    return bool(_TRAIT_RE.match(seg)) or bool(_TRAIT_RE.match(_core(seg)))


@lru_cache(maxsize=1)
def _dialect() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {row["word"]: row["standard"] for row in _read_csv("dialect.csv")}
    words = sorted(table, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))), table


def _localise(seg: str) -> str | None:
    """``seg`` with regional words put in common wording, or None when it has none."""
    pattern, table = _dialect()
    out = _CRAFTSMAN_RE.sub("工", pattern.sub(lambda m: table[m.group(0)], seg))
    return out if out != seg else None


class Lexicon:
    """Phrase index over the classification and our table; build once via ``get_lexicon()``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.occupations: dict[str, Occupation] = {}
        self._index: dict[str, list[_Entry]] = {}
        self._letters: set[str] = set()
        self._everyday: set[str] = set()
        self._open_codes: set[str] = set()
        self._open_terms: set[tuple[str, str]] = set()
        self._max_len = 1
        self._fuzzy_keys: list[str] | None = None
        self._cache: dict[str, tuple[OccupationHit, ...]] = {}
        self._search_index: _SearchIndex | None = None
        self._search_cache: dict[str, tuple[OccupationHit, ...]] = {}
        self._admin_phrases: list[tuple[str, str]] = []
        self._guess_index: _GuessIndex | None = None
        self._sounds: dict[tuple[str, ...], list[str]] | None = None
        self._related: dict[str, list[tuple[str, str, float]]] = {}
        self._guess_cache: dict[str, tuple[OccupationHit, ...]] = {}
        self._vector_cache: dict[str, dict[str, float]] = {}
        self._text_idf: _Idf | None = None
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
                # "搬运工/装卸工" also stands for each half; one-letter halves ("配/理/拣") do not, nor do
                # role words ("化工实验室研究员/技术员"): "手机维修技术员" is no chemist.
                parts = [p for p in re.split(r"[/、]", alias) if len(p) >= 2 and p not in _GENERIC_PHRASES]
                if len(parts) > 1:
                    for part in parts:
                        self._add(part, _Entry(code, name, "alias", lw * 0.85, alias))
        # colloquial.csv: how labourers name the trades most of them do; trade_words.csv: the tools,
        # machines, materials, tasks and workplaces they name them by; more_trades.csv: further trades of
        # the classification they take up.  All read the same way; the first two make a code "everyday"
        # for the search of recruiting titles.
        families: dict[tuple[str, str], None] = {}
        for name in ("colloquial.csv", "trade_words.csv", "more_trades.csv"):
            for row in _read_csv(name):
                code = row["code"]
                if code not in self.occupations:
                    continue
                if name != "more_trades.csv":
                    self._everyday.add(code)
                weight = float(row.get("weight") or 1.0)
                self._add(row["phrase"], _Entry(code, row["term"], row["kind"], weight, row["phrase"]))
                families.setdefault((code, row["term"]), None)
        # A trade's own name is one of its phrases ("烧录员", "波峰焊工"), where no table gave the name to
        # any trade: a recruiter posts the job under it.
        for code, term in families:
            if basic(term) not in self._index:
                self._add(term, _Entry(code, term, "colloquial", 1.0, term))

        for row in _read_csv("related.csv"):
            if row["code"] in self.occupations and row["to_code"] in self.occupations:
                self._related.setdefault(row["code"], []).append(
                    (row["to_code"], row["to_term"], float(row["weight"]))
                )

    def _add(self, phrase: str, entry: _Entry) -> None:
        if entry.kind == "letter":
            self._letters.add(phrase)
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
        self._sounds = None

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
                self._admin_phrases.append((key, code))
                self._guess_index = None
                if self._search_index is not None:
                    self._search_index.add_phrase(key, code, 1.0)
                added += 1
            self._cache.clear()
            self._search_cache.clear()
            self._guess_cache.clear()
            self._vector_cache.clear()
            self._text_idf = None
        return added

    def normalize(self, text: str, limit: int = 5) -> list[OccupationHit]:
        """Occupations a free-text field names, best first; one hit per (code, term)."""
        key = _unfill(basic(text))
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(self._normalize(key))
            if len(self._cache) < 200_000:
                self._cache[key] = cached
        return list(cached[:limit])

    def text_vector(self, text: str) -> dict[str, float]:
        """Unit TF-IDF vector of the letters and letter pairs of ``text`` that may carry a trade.

        The text is cleaned the way ``guess`` cleans it (durations, framing, particles and what the
        labourer says about himself go; regional words and homophone typos are put in common wording);
        the weights are the inverse document frequencies over the lexicon's phrases, so "师傅" or "工"
        count little and "烤" or "石材" much.  The scorer compares such vectors of a seeker's own texts
        with those of a job's texts when no occupation reading links the two.
        """
        key = _unfill(basic(text))
        cached = self._vector_cache.get(key)
        if cached is None:
            cached = self._idf().unit(self._trade_grams(key))
            if len(self._vector_cache) < 200_000:
                self._vector_cache[key] = cached
        return cached

    def gram_idf(self, gram: str) -> float:
        """How rare a letter or letter pair of ``text_vector`` is among the everyday job names' phrases."""
        idf = self._idf()
        return idf.idf.get(gram, idf.max_idf)

    def _idf(self) -> _Idf:
        idf = self._text_idf
        if idf is None:
            idf = self._text_idf = _Idf(self)
        return idf

    def _trade_grams(self, key: str) -> Counter[str]:
        grams: Counter[str] = Counter()
        for seg in clean_segments(_GENERATION_RE.sub(" ", _DURATION_RE.sub("", key) or key)):
            if _is_trait(seg):
                continue
            core = _core(_ASPECT_RE.sub("", seg))
            core = _localise(core) or core
            grams.update(_guess_grams(self._respell(core) or core))
        return grams

    def _guesser(self) -> _GuessIndex:
        idx = self._guess_index
        if idx is None:
            with self._lock:
                idx = self._guess_index
                if idx is None:
                    idx = _GuessIndex(self)
                    self._guess_index = idx
        return idx

    def warm(self) -> Lexicon:
        """Build now what the scorer otherwise builds on its first unfamiliar wording (the letter indexes
        of ``guess``, ``trade_likeness`` and ``text_vector``, the sounds of the phrases for typos; about two
        seconds), so no request waits for it."""
        self._guesser()
        self._idf()
        self._sound_table()
        _formal_words()
        return self

    def trade_index(self) -> dict[tuple[str, str], int]:
        """Position of each (code, everyday job name) in the arrays of ``trade_likeness``."""
        return self._guesser().key_index

    def trade_likeness(self, text: str) -> npt.NDArray[np.float64]:
        """Cosine of ``text`` (cleaned as ``text_vector`` cleans it) with the phrases of every (code, everyday
        job name), in ``trade_index`` order: how much the wording is that of each trade ("工地上出力气的活"
        is most like the words of 建筑普工 though no phrase of it is there)."""
        return self._guesser().phrases.cosine(self._trade_grams(_unfill(basic(text))))

    def guess(self, text: str, limit: int = 3) -> list[OccupationHit]:
        """Occupations whose phrases and task texts share the most letters with ``text``, best first.

        For wording no phrase covers ("土方机械操作", "进过好几个厂 都是在线上站着干活"): a character
        unigram and bigram TF-IDF cosine over each job's known phrases and over the classification's
        definition and tasks.  ``score`` is the cosine x 100; callers weigh it well below a phrase reading.
        """
        key = _unfill(basic(text))
        cached = self._guess_cache.get(key)
        if cached is None:
            cached = tuple(self._guesser().rank(key, 10))
            if len(self._guess_cache) < 200_000:
                self._guess_cache[key] = cached
        return list(cached[:limit])

    def is_recognised(self, text: str) -> bool:
        hits = self.normalize(text, limit=1)
        return bool(hits) and hits[0].score >= RECOGNISED_MIN_SCORE

    def search(self, q: str, limit: int = 10) -> list[OccupationHit]:
        """Ranked occupations for ``GET /v1/occupations?q=``: one item per code, best first.

        Tuned for recruiting titles ("电气柜装配工包吃住", "XX公司招聘焊工"): noise is cleaned, the head
        noun at the end weighs most, and a character n-gram TF-IDF over titles and aliases answers
        what no phrase covers.
        """
        key = basic(q)
        cached = self._search_cache.get(key)
        if cached is None:
            cached = tuple(self._ranked_search(key))
            if len(self._search_cache) < 100_000:
                self._search_cache[key] = cached
        if len(cached) >= limit:
            return list(cached[:limit])
        # Rare: short or odd text with few candidates; fill up from the colloquial normaliser.
        out = list(cached)
        seen = {h.code for h in out}
        for hit in self.normalize(q, limit=50):
            if hit.code not in seen:
                seen.add(hit.code)
                out.append(hit)
                if len(out) >= limit:
                    break
        return out

    def _searcher(self) -> _SearchIndex:
        idx = self._search_index
        if idx is None:
            with self._lock:
                idx = self._search_index
                if idx is None:
                    idx = _SearchIndex(self)
                    self._search_index = idx
        return idx

    def _ranked_search(self, key: str) -> list[OccupationHit]:
        idx = self._searcher()
        out: list[OccupationHit] = []
        for code, score, phrase in idx.rank(key, 30):
            occ = self.occupations[code]
            out.append(OccupationHit(code, occ.name, round(min(score, 100.0), 1), phrase, occ.name, "search"))
        return out

    # -- matching ----------------------------------------------------------------------------
    def _hit(self, entry: _Entry, score: float) -> OccupationHit:
        occ = self.occupations[entry.code]
        return OccupationHit(
            entry.code, occ.name, round(min(score, 100.0), 1), entry.phrase, entry.term, entry.kind
        )

    def _normalize(self, key: str) -> list[OccupationHit]:
        best: dict[tuple[str, str], OccupationHit] = {}

        # (code, term) -> the segments of the text that name it at RECOGNISED_MIN_SCORE or more
        named_in: dict[tuple[str, str], set[int]] = {}
        at_seg = [-1]  # the segment being read; -1 outside the loop over segments

        def keep(hit: OccupationHit) -> None:
            k = (hit.code, hit.term)
            old = best.get(k)
            if old is None or hit.score > old.score:
                best[k] = hit
            if at_seg[0] >= 0 and hit.score >= RECOGNISED_MIN_SCORE:
                named_in.setdefault(k, set()).add(at_seg[0])

        whole = key.replace(" ", "")
        exact: set[tuple[str, str]] = set()
        for entry in self._index.get(whole, ()):
            keep(self._hit(entry, 100.0 * entry.weight))
            exact.add((entry.code, entry.term))
        # "干了5年" is not two segments around a lone number: durations and counts go first.
        text = _GENERATION_RE.sub(" ", _DURATION_RE.sub("", key) or key).strip()
        if not text:
            return sorted(self._specific_first(best, exact), key=lambda h: (-h.score, len(h.code), h.code))
        segments = clean_segments(text)
        if exact:
            # a phrase of the table whole ("温泉服务员") is not cut by cleaning: 温泉 is no place in front here
            segments = [seg for seg in segments if len(seg) >= len(whole) or seg not in whole]
        # "能吃苦", "听指挥", "00后 能上夜班": what kind of worker, not which trade.
        traits = [seg for seg in segments if _is_trait(seg)]
        if traits:
            segments = [seg for seg in segments if seg not in traits]
            if not segments:
                return sorted(
                    self._specific_first(best, exact), key=lambda h: (-h.score, len(h.code), h.code)
                )
        for seg_no, seg in enumerate(segments):
            at_seg[0] = seg_no
            for hit in self._segment(seg):
                keep(hit)
            # "在馆子里弄饭", "电匠": regional words read as the common ones.
            for variant in {seg, _core(seg)}:
                local = _localise(variant)
                if local is not None and len(local) >= 2:
                    for hit in self._segment(local):
                        keep(replace(hit, score=round(hit.score * _DIALECT_WEIGHT, 1)))
            # "送过件", "收过银", "带过宝宝": the particle splits a phrase the table knows whole;
            # "想找个搞钢筋的活": what the labourer says around the work is not part of it.
            # "在制衣厂当车工": 当/做 between the workplace and the post joins them (制衣厂车工 is a sewer).
            for variant in {
                _ASPECT_RE.sub("", seg),
                _core(seg),
                _AS_RE.sub("", _core(seg)),
                _ba_inverted(_core(seg)),
            }:
                if variant != seg and len(variant) >= 2:
                    for hit in self._segment(variant):
                        keep(hit)
            # "剪男式头", "守工地大门", "装鞋盒": a separable verb-object word (离合词) with its object's
            # modifiers inside; read closed up ("剪头", "守门", "装盒"), a little less sure.
            for closed in _closed_up(_core(seg), self._index):
                for hit in self._segment(closed):
                    keep(replace(hit, score=round(hit.score * _SEPARABLE_WEIGHT, 1)))
            # "电悍", "会开插车", "收营员": a pinyin keyboard's homophone typo of a known phrase.
            respelt = self._respell(_core(seg))
            if respelt is not None:
                for hit in self._segment(respelt):
                    keep(replace(hit, score=round(hit.score * _HOMOPHONE_WEIGHT, 1)))
        # "开过50铲", "开解放j6": cleaning drops numbers as pay or counts; one the table knows inside a phrase
        # (50铲 is a loader, 6米8 a lorry) is read in the raw part too.
        if any(c.isdigit() for c in text):
            for part in _SEPARATORS_RE.split(text):
                if any(c.isdigit() for c in part) and part not in segments:
                    for hit in self._segment(part):
                        keep(hit)
        at_seg[0] = -1
        # "在超市的 收银台 扫条码 现金找零": a job several parts of one text name is likelier than one a
        # single part names as strongly (超市 alone is a shelf-stacker's workplace too).
        for k, segs in named_in.items():
            if len(segs) > 1:
                hit = best[k]
                lift = _SEGMENTS_AGREE * min(len(segs) - 1, _SEGMENTS_AGREE_MAX)
                best[k] = replace(hit, score=round(min(hit.score + lift, 100.0), 1))
        # A certificate's trade is often in brackets ("特种作业操作证（焊接与热切割）"), which cleaning drops
        # as a recruiter's aside; read what the brackets hold too.
        if _BRACKET_RE.search(key):
            for seg in clean_segments(_BRACKET_RE.sub(" ", key)):
                if seg not in segments:
                    for hit in self._segment(seg):
                        keep(hit)
        if not best:
            for seg in segments or [whole]:
                for hit in self._fuzzy(seg, 5):
                    keep(hit)
        # "电子组装" is 电子设备装接工, which job offers call line work: a weaker reading of the nearest job.
        for hit in list(best.values()):
            for code, term, w in self._related.get(hit.code, ()):
                occ = self.occupations[code]
                keep(OccupationHit(code, occ.name, round(hit.score * w, 1), hit.phrase, term, "related"))
        return sorted(self._specific_first(best, exact), key=lambda h: (-h.score, len(h.code), h.code))

    def _specific_first(
        self, best: dict[tuple[str, str], OccupationHit], exact: set[tuple[str, str]]
    ) -> list[OccupationHit]:
        """A category ("装配工" = 6-00-00-00) read from part of a text ranks just below the best of its own
        detailed occupations the same text names ("电子装配工" is 电子设备装接工): the detailed one says
        more.  A text that is the category's phrase whole keeps it, and so does a category whose rival is
        no occupation of its own ("和灰" is 建筑普工 next to "盖房子", 砌筑工)."""
        detailed = [h for h in best.values() if self.occupations[h.code].level == 4]
        out: list[OccupationHit] = []
        for h in best.values():
            if self.occupations[h.code].level < 4 and (h.code, h.term) not in exact:
                prefix = _category_prefix(h.code)
                top = max(
                    (d.score for d in detailed if d.code.startswith(prefix)),
                    default=0.0,
                )
                if top >= RECOGNISED_MIN_SCORE and h.score > top - _CATEGORY_STEP:
                    h = replace(h, score=round(top - _CATEGORY_STEP, 1))
            out.append(h)
        return out

    def _sound_table(self) -> dict[tuple[str, ...], list[str]]:
        """The phrases of the table by their folded pinyin, for ``_respell``."""
        sounds = self._sounds
        if sounds is None:
            sounds = {}
            for key in self._index:
                if len(key) >= 2:
                    snd = _sound(key)
                    if snd is not None:
                        sounds.setdefault(snd, []).append(key)
            self._sounds = sounds
        return sounds

    def _respell(self, seg: str) -> str | None:
        """``seg`` with homophone typos of known phrases put right, or None when there are none.

        A stretch of two or more letters is put right when it sounds like a phrase of the table (folded
        pinyin), shares at least one letter with it and no longer known phrase starts at the same place.
        """
        sounds = self._sound_table()
        n = len(seg)
        out: list[str] = []
        changed = False
        i = 0
        while i < n:
            literal = 0
            for j in range(min(n, i + self._max_len), i + 1, -1):
                if seg[i:j] in self._index:
                    literal = j - i
                    break
            fix = ""
            # "制衣厂当车工": a word of framing (当, 在, 做) in front of a known phrase is no typo of another
            # phrase that sounds the same (挡车工)
            top = i if seg[i] in _FUNCTION_CHARS else min(n, i + self._max_len)
            for j in range(top, i + max(literal, 1), -1):
                if j - i == 2 and seg[i:j] in _formal_words():
                    continue
                snd = _sound(seg[i:j])
                if snd is None:
                    continue
                for key in sounds.get(snd, ()):
                    pairs = list(zip(key, seg[i:j], strict=True))
                    same = sum(a == b for a, b in pairs)
                    # the letters in common must say more than that it is a worker: "开袋工" is no 带工
                    telling = sum(a == b and a not in _ROLE_LETTERS for a, b in pairs)
                    if telling and same < len(key) and 2 * same >= len(key):
                        # two letters, one of them the same, are too short to be sure of a folded sound: the
                        # other must sound exactly alike ("席梦思厂" is no 石厂, "进站" no 井站; 电悍 is 电焊), and
                        # the text must be the mistyped word itself ("保接"): in a longer one two letters that
                        # sound like a phrase are more often another word (打油茶 is no 油叉, 采盐 no 采烟)
                        if len(key) == 2 and (
                            len(seg) > _SHORT_TYPO_TEXT or not _same_plain_sound(key, seg[i:j])
                        ):
                            continue
                        fix = key
                        break
                if fix:
                    break
            if fix:
                out.append(fix)
                i += len(fix)
                changed = True
            else:
                step = max(literal, 1)
                out.append(seg[i : i + step])
                i += step
        return "".join(out) if changed else None

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
        words = {(i, j): self._index[seg[i:j]] for i, j in spans}
        # A verb that alone names a trade ("焊消声器", "砌猪圈": kind "letter" in the tables) outside every
        # phrase, with its object: what is welded does not matter, the verb and its object are the work.
        inside = {k for i, j in spans for k in range(i, j)}
        for k in range(n):
            if k not in inside and seg[k] in self._letters:
                stop = min((i for i in range(k + 1, n) if seg[i] in self._letters), default=n)
                words[(k, stop)] = self._index[seg[k]]
        spans = sorted(words)
        # Letters outside every phrase that carry no trade ("在", "都", "干") are not text to cover,
        # and do not stand after the head noun either.
        covered = [False] * n
        for i, j in spans:
            covered[i:j] = [True] * (j - i)
        content = [covered[k] or seg[k] not in _FUNCTION_CHARS for k in range(n)]
        n_eff = max(sum(content), 1)
        end = _effective_end(seg)
        while end > 0 and not content[end - 1]:
            end = _effective_end(seg[: end - 1])
        # Several phrases of one job in a sentence ("洗碗刷锅摘菜") back each other up: each counts half
        # of its length toward the others' cover.
        support: dict[tuple[str, str], int] = {}
        for i, j in spans:
            for key in {(e.code, e.term) for e in words[(i, j)]}:
                support[key] = support.get(key, 0) + (j - i)
        # spans that the span ending the text starts inside of ("超声波[焊接]" with "焊接工")
        overlapped = {(i, j) for i, j in spans for k, m in spans if m >= end and i < k < j}
        hits: list[OccupationHit] = []
        for i, j in spans:
            # a rank word after the trade ("钢筋大工") is no head even where the table knows it as a post
            # "超声波焊接工", "电动车维修工": a phrase followed only by the worker's letter is the head, though the
            # generic "焊接工", "维修工" overlapping it also ends the title
            at_head = (
                0.0
                if i >= end
                else 1.0
                if j >= end or (j == end - 1 and seg[j] in _ROLE_LETTERS and (i, j) in overlapped)
                else (0.4 if j >= end - 1 else 0.0)
            )
            for entry in words[(i, j)]:
                # A list of chores ("洗衣做饭拖地") has no head noun: a job most of the list names ranks as if
                # it stood at the end, so the last chore alone does not decide.
                held = support[(entry.code, entry.term)]
                listed = len(spans) > 1 and held > j - i and held >= _LIST_SHARE * n_eff
                other = held - (j - i)
                cover = min((j - i + 0.5 * other) / n_eff, 1.0)
                base = 55.0 + 25.0 * cover + 17.0 * (1.0 if listed else at_head)
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


# -- character similarity for wording no phrase covers -------------------------------------------
# The tasks text is long and formal: a match there counts for less than one with a job's own phrases.
_GUESS_TASKS = 0.7
# Pivoted length normalisation of the phrase documents (1 = plain cosine): a family of many phrases is
# not diluted below one of few ("外墙涂刷" is a painter's, though 油漆工 has hundreds of phrases).
_GUESS_PIVOT = 0.5


def _guess_grams(text: str) -> Counter[str]:
    """Bigrams of Chinese letters and unigrams of letters that carry a trade (not "在", "都", "干")."""
    text = _NON_HAN_RE.sub(" ", text)
    grams: Counter[str] = Counter(c for c in text if c != " " and c not in _FUNCTION_CHARS)
    grams.update(a + b for a, b in zip(text, text[1:], strict=False) if a != " " and b != " ")
    return grams


class _Postings:
    """TF-IDF vectors of a few thousand short documents, stored as postings for a fast cosine."""

    def __init__(self, docs: list[Counter[str]], pivot: float = 1.0) -> None:
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        n = len(docs)
        self.idf = {g: float(np.log((1 + n) / (1 + c)) + 1.0) for g, c in df.items()}
        post_docs: dict[str, list[int]] = {}
        post_vals: dict[str, list[float]] = {}
        vecs = [{g: (1.0 + np.log(v)) * self.idf[g] for g, v in d.items()} for d in docs]
        norms = [float(np.sqrt(sum(x * x for x in vec.values()))) or 1.0 for vec in vecs]
        mean = float(np.mean(norms)) if norms else 1.0
        for i, vec in enumerate(vecs):
            # pivoted length normalisation: a family with many phrases is not diluted to nothing
            norm = pivot * norms[i] + (1.0 - pivot) * mean
            for g, x in vec.items():
                post_docs.setdefault(g, []).append(i)
                post_vals.setdefault(g, []).append(x / norm)
        self.n = n
        self.docs = {g: np.asarray(v, dtype=np.int32) for g, v in post_docs.items()}
        self.vals = {g: np.asarray(v, dtype=np.float64) for g, v in post_vals.items()}

    def cosine(self, grams: Counter[str]) -> np.ndarray:
        scores = np.zeros(self.n)
        vec = {g: (1.0 + np.log(v)) * self.idf[g] for g, v in grams.items() if g in self.idf}
        if not vec:
            return scores
        norm = float(np.sqrt(sum(x * x for x in vec.values())))
        for g, x in vec.items():
            scores[self.docs[g]] += (x / norm) * self.vals[g]
        return scores


class _Idf:
    """Inverse document frequency of letters and letter pairs over the phrases of each (code, everyday job
    name), the weights of ``Lexicon.text_vector``: cheap to build, unlike the postings of ``_GuessIndex``."""

    def __init__(self, lex: Lexicon) -> None:
        texts: dict[tuple[str, str], list[str]] = {}
        for key, entries in lex._index.items():
            for e in entries:
                texts.setdefault((e.code, e.term), []).append(key)
        df: Counter[str] = Counter()
        for phrases in texts.values():
            seen: set[str] = set()
            for t in phrases:
                seen.update(_guess_grams(t))
            df.update(seen)
        n = len(texts)
        self.idf = {g: math.log((1 + n) / (1 + c)) + 1.0 for g, c in df.items()}
        # a gram no phrase has weighs as much as the rarest one
        self.max_idf = math.log(1 + n) + 1.0

    def unit(self, grams: Counter[str]) -> dict[str, float]:
        """``grams`` as a unit TF-IDF vector (log-scaled counts)."""
        vec = {g: (1.0 + math.log(v)) * self.idf.get(g, self.max_idf) for g, v in grams.items()}
        norm = math.sqrt(sum(x * x for x in vec.values()))
        return {g: x / norm for g, x in vec.items()} if norm else {}


class _GuessIndex:
    """One document per (code, everyday job name): its phrases; one per code: definition and tasks."""

    def __init__(self, lex: Lexicon) -> None:
        texts: dict[tuple[str, str], list[str]] = {}
        for key, entries in lex._index.items():
            for e in entries:
                texts.setdefault((e.code, e.term), []).append(key)
        self.keys = list(texts)
        self.key_index = {k: i for i, k in enumerate(self.keys)}
        docs: list[Counter[str]] = []
        for k in self.keys:
            d: Counter[str] = Counter()
            for t in texts[k]:
                d.update(_guess_grams(t))
            docs.append(d)
        self.phrases = _Postings(docs, _GUESS_PIVOT)
        self.task_codes: list[str] = []
        task_docs: list[Counter[str]] = []
        for row in _read_csv("csco22_tasks.csv"):
            occ = lex.occupations.get(row["code"])
            if occ is not None:
                self.task_codes.append(occ.code)
                task_docs.append(_guess_grams(row["text"]))
        self.tasks = _Postings(task_docs)
        self.names = {code: occ.name for code, occ in lex.occupations.items()}

    def rank(self, key: str, limit: int) -> list[OccupationHit]:
        grams: Counter[str] = Counter()
        for seg in clean_segments(_GENERATION_RE.sub(" ", _DURATION_RE.sub("", key) or key)):
            if not _is_trait(seg):
                core = _core(_ASPECT_RE.sub("", seg))
                grams.update(_guess_grams(_localise(core) or core))
        if not grams:
            return []
        best: dict[tuple[str, str], float] = {}
        cos = self.phrases.cosine(grams)
        for i in np.argsort(-cos)[:limit]:
            if cos[i] <= 0:
                break
            best[self.keys[i]] = float(cos[i])
        tcos = self.tasks.cosine(grams) * _GUESS_TASKS
        for i in np.argsort(-tcos)[:limit]:
            if tcos[i] <= 0:
                break
            code = self.task_codes[i]
            k = (code, self.names[code])
            best[k] = max(best.get(k, 0.0), float(tcos[i]))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [
            OccupationHit(code, self.names[code], round(100.0 * c, 1), key, term, "guess")
            for (code, term), c in ranked
        ]


# -- search of recruiting titles -------------------------------------------------------------------
# Words at the end of a title that name a rank or a role, not the trade: "焊工学徒" is a welder,
# "运营专员" is operations.  Stripped (with a small penalty) when the whole segment is not a phrase.
_ROLE_TAILS = (
    "学徒工",
    "实习生",
    "管培生",
    "负责人",
    "学徒",
    "助理",
    "专员",
    "主管",
    "经理",
    "总监",
    "组长",
    "班长",
    "领班",
    "师傅",
    "人员",
    "工作",
    "岗位",
    "员工",
    "大工",
    "中工",
    "小工",
    "普工",
    "技工",
    "熟手",
    "岗",
)
# Words in front of a title that grade or place the post: "资深电工", "驻场保安".
_ROLE_HEADS = (
    "高级",
    "资深",
    "初级",
    "中级",
    "金牌",
    "储备",
    "实习",
    "专职",
    "驻场",
    "驻店",
    "门店",
    "星级",
    "熟练",
    "全能",
    "综合",
    "优秀",
    "大型",
    "知名",
    "急需",
    "女",
    "男",
)
# Role words that the classification lists as aliases ("专员", "助理" from "运营助理/专员") but that
# name no trade on their own: as the head of a title they give way to the trade before them.
_GENERIC_PHRASES = frozenset(
    (
        *_ROLE_TAILS,
        "工程师",
        "技术员",
        "操作员",
        "操作工",
        "管理员",
        "顾问",
        "合伙人",
        "专家",
        "老师",
        "导师",
        "教师",
        "干部",
        "代表",
        "店长",
        "文员",
        "内勤",
        "客户经理",
        "项目经理",
        "维修",
        "技师",
    )
)
# Rank words that never name a trade on their own (unlike "普工", "文员", "客户经理").
_RANK_WORDS = tuple(
    sorted(
        {
            *(t for t in _ROLE_TAILS if t not in ("普工", "技工")),
            *_ROLE_HEADS,
            "应届生",
            "毕业生",
            "大学生",
            "实习",
            "储备",
            "副",
            "兼",
        },
        key=len,
        reverse=True,
    )
)
_TRAILING_CODE_RE = re.compile(r"[a-z0-9]+$")
_NON_HAN_RE = re.compile(r"[^\u4e00-\u9fff]")
# Provenance weights of a phrase: the classification's own titles and aliases are how recruiting
# titles are labelled; our colloquial table speaks the labourers' language and comes second.
_SW_TITLE = 1.0
_SW_ALIAS = 0.99
_SW_PART = 0.96
_SW_COLLOQUIAL = 0.94
# Our colloquial table lists the everyday occupations of the people the service works for; on a
# close call they are the likelier reading than a professional or managerial one.
_EVERYDAY_BONUS = 1.5
_SERVICE_PRODUCTION_BONUS = 1.0
# A trade named first ("摄像剪辑", "美容前台") is often the post itself or its field; one in the
# middle is a modifier.  The head (last phrase) scores 62 + 30 x coverage.
_LEAD_BASE = 62.0
_INNER_BASE = 50.0
# Weight of the character n-gram similarity of the whole segment to an occupation's titles and
# aliases: among codes sharing a head noun it picks the one whose wording covers the modifiers too.
_TFIDF_TIEBREAK = 15.0
_SEG_PEN = 2.0
# Last letters of a complete post ("焊工", "保洁员", "厨师"), unlike a field ("汽车", "服装").
_AGENT_ENDS = frozenset("工员师手匠")
_COMPOUND_LEAD = 4.0
_FIELD_HEAD_BONUS = 1.0
# Weight of the bigram similarity of the segment to an occupation's definition and main tasks
# (职业定义、主要工作任务): "注塑", "跟单", "品管" are described there even where no alias names them.
# A light tie-break: on the labelled titles a heavier weight pulls toward professional codes whose
# long definitions share everyday words.  The best few also enter as candidates of last resort.
_TASKS_WEIGHT = 10.0
_TASKS_FALLBACK = 40.0
_TASKS_TOP = 5
# A title naming only the generic trade of a small group ("销售" for 销售人员 4-01-02-00) is labelled
# with the group, not with one of its detailed occupations that lists the word as an alias.
_SW_STEM = 0.98


def _is_role_only(seg: str) -> bool:
    """The segment is made only of role and rank words: "学徒", "中工", "学徒工", "实习生"."""
    rest = seg
    while rest:
        for word in _RANK_WORDS:
            if rest.startswith(word):
                rest = rest[len(word) :]
                break
        else:
            return False
    return True


def _alias_parts(alias: str) -> list[str]:
    """What each half of "搬运工/装卸工" names; "服装/纺织/皮革工艺师" shares its tail.

    A two-letter part before a longer last part is a field, not a post: it takes the last part's
    tail ("服装工艺师", "食品研发"), so that "服装" or "汽车" alone does not name an engineer.
    """
    parts = [p for p in re.split(r"[/、]", alias) if len(p) >= 2]
    if len(parts) < 2:
        return []
    last = parts[-1]
    out: list[str] = []
    for part in parts[:-1]:
        if len(part) == 2 and len(last) >= 4 and not _NON_HAN_RE.search(part + last):
            part += last[2:]
        out.append(part)
    out.append(last)
    return out


def _ngrams(text: str) -> list[str]:
    """Character unigrams and bigrams: Chinese words are mostly one or two characters."""
    grams = list(text)
    grams.extend(text[i : i + 2] for i in range(len(text) - 1))
    return grams


class _SearchIndex:
    """Phrase table and character n-gram TF-IDF over titles and aliases, built on first search."""

    def __init__(self, lex: Lexicon) -> None:
        self.phrases: dict[str, list[tuple[str, float]]] = {}
        # The last two letters of each code's phrases: the heads its posts are named with.
        self.code_heads: dict[str, set[str]] = {}
        self.max_len = 1
        self.codes: list[str] = []
        self.names: list[str] = []
        self.code_pos: dict[str, int] = {}
        self.prior: dict[str, float] = {}
        docs: list[list[str]] = []
        everyday = lex._everyday | {code for _, code in lex._admin_phrases}
        for occ in lex.occupations.values():
            lw = 1.0 if occ.level == 4 else 0.985
            self.add_phrase(occ.name, occ.code, _SW_TITLE * lw)
            texts = [occ.name]
            if (
                occ.level in (2, 3)
                and occ.name.endswith("人员")
                and len(occ.name) >= 4
                and "、" not in occ.name
            ):
                self.add_phrase(occ.name[:-2], occ.code, _SW_STEM)
            for alias in occ.aliases:
                self.add_phrase(alias, occ.code, _SW_ALIAS * lw)
                texts.append(alias)
                for part in _alias_parts(alias):
                    self.add_phrase(part, occ.code, _SW_PART * lw)
            self.code_pos[occ.code] = len(self.codes)
            self.codes.append(occ.code)
            self.names.append(occ.name)
            docs.append(texts)
            prior = _EVERYDAY_BONUS if occ.code in everyday else 0.0
            if occ.code[:1] in ("4", "6"):
                prior += _SERVICE_PRODUCTION_BONUS
            self.prior[occ.code] = prior
        for key, entries in lex._index.items():
            for e in entries:
                if e.kind not in ("title", "alias"):
                    self.add_phrase(key, e.code, _SW_COLLOQUIAL * e.weight)
        for row in _read_csv("title_terms.csv"):
            if row["code"] in lex.occupations:
                self.add_phrase(row["phrase"], row["code"], float(row.get("weight") or 1.0))
                # Our trade words join the code's n-gram document too: otherwise the TF-IDF tie-break
                # favours whichever code lists the same word as an alias and undoes the table's choice.
                docs[self.code_pos[row["code"]]].append(row["phrase"])
        for key, code in lex._admin_phrases:
            self.add_phrase(key, code, 1.0)
        self._build_tfidf(docs)
        self._build_tasks()

    def add_phrase(self, phrase: str, code: str, weight: float) -> None:
        key = basic(phrase).replace(" ", "")
        if len(key) < 2:
            return
        bucket = self.phrases.setdefault(key, [])
        for i, (c, w) in enumerate(bucket):
            if c == code:
                if weight > w:
                    bucket[i] = (code, weight)
                return
        bucket.append((code, weight))
        self.max_len = max(self.max_len, len(key))
        self.code_heads.setdefault(code, set()).add(key[-2:])

    def _build_tfidf(self, docs: list[list[str]]) -> None:
        vocab: dict[str, int] = {}
        rows: list[dict[int, float]] = []
        for texts in docs:
            tf: dict[int, float] = {}
            for t in texts:
                for g in _ngrams(basic(t)):
                    j = vocab.setdefault(g, len(vocab))
                    tf[j] = tf.get(j, 0.0) + 1.0
            rows.append(tf)
        df = np.zeros(len(vocab))
        for tf in rows:
            for j in tf:
                df[j] += 1
        n = len(rows)
        self.idf = np.log((1 + n) / (1 + df)) + 1.0
        post_docs: list[list[int]] = [[] for _ in vocab]
        post_vals: list[list[float]] = [[] for _ in vocab]
        for i, tf in enumerate(rows):
            vec = {j: (1.0 + np.log(v)) * self.idf[j] for j, v in tf.items()}
            norm = float(np.sqrt(sum(x * x for x in vec.values()))) or 1.0
            for j, x in vec.items():
                post_docs[j].append(i)
                post_vals[j].append(x / norm)
        self.vocab = vocab
        self.post_docs = [np.asarray(d, dtype=np.int32) for d in post_docs]
        self.post_vals = [np.asarray(v, dtype=np.float64) for v in post_vals]

    def _build_tasks(self) -> None:
        """Character-bigram TF-IDF over definitions and tasks, stored as postings like the title index."""
        vocab: dict[str, int] = {}
        rows: list[tuple[int, dict[int, int]]] = []
        for row in _read_csv("csco22_tasks.csv"):
            pos = self.code_pos.get(row["code"])
            if pos is None:
                continue
            # Only Chinese bigrams: punctuation and digits ("1.", "、") would pair with every text.
            text = _NON_HAN_RE.sub(" ", row["text"])
            counts = Counter(a + b for a, b in zip(text, text[1:], strict=False) if a != " " and b != " ")
            rows.append((pos, {vocab.setdefault(g, len(vocab)): c for g, c in counts.items()}))
        df = np.zeros(len(vocab))
        for _, tf in rows:
            df[list(tf)] += 1
        self.task_idf = np.log((1 + len(rows)) / (1 + df)) + 1.0
        post_docs: list[list[int]] = [[] for _ in vocab]
        post_vals: list[list[float]] = [[] for _ in vocab]
        for pos, tf in rows:
            js = np.fromiter(tf, dtype=np.int64, count=len(tf))
            freq = np.fromiter(tf.values(), dtype=np.float64, count=len(tf))
            vals = (1.0 + np.log(freq)) * self.task_idf[js]
            vals /= float(np.sqrt(vals @ vals)) or 1.0
            for j, x in zip(js.tolist(), vals.tolist(), strict=True):
                post_docs[j].append(pos)
                post_vals[j].append(x)
        self.task_vocab = vocab
        self.task_docs = [np.asarray(d, dtype=np.int32) for d in post_docs]
        self.task_vals = [np.asarray(v, dtype=np.float64) for v in post_vals]

    def task_cosine(self, text: str) -> np.ndarray:
        scores = np.zeros(len(self.codes))
        q: dict[int, float] = {}
        for i in range(len(text) - 1):
            j = self.task_vocab.get(text[i : i + 2])
            if j is not None:
                q[j] = q.get(j, 0.0) + 1.0
        if not q:
            return scores
        vec = {j: (1.0 + np.log(v)) * self.task_idf[j] for j, v in q.items()}
        norm = float(np.sqrt(sum(x * x for x in vec.values())))
        for j, x in vec.items():
            scores[self.task_docs[j]] += (x / norm) * self.task_vals[j]
        return scores

    def cosine(self, text: str) -> np.ndarray:
        scores = np.zeros(len(self.codes))
        q: dict[int, float] = {}
        for g in _ngrams(text):
            j = self.vocab.get(g)
            if j is not None:
                q[j] = q.get(j, 0.0) + 1.0
        if not q:
            return scores
        vec = {j: (1.0 + np.log(v)) * self.idf[j] for j, v in q.items()}
        norm = float(np.sqrt(sum(x * x for x in vec.values())))
        for j, x in vec.items():
            scores[self.post_docs[j]] += (x / norm) * self.post_vals[j]
        return scores

    # -- ranking --------------------------------------------------------------------------------
    def _variants(self, seg: str) -> list[tuple[str, float]]:
        """The segment, and the segment without role words around the trade, with their penalty."""
        # A licence class after the title ("货运司机c1") qualifies it; it is not the head noun.
        m = _TRAILING_CODE_RE.search(seg)
        if m and len(re.findall(r"[\u4e00-\u9fff]", seg[: m.start()])) >= 2:
            seg = seg[: m.start()]
        out = [(seg, 0.0)]
        core, pen = seg, 0.0
        changed = True
        while changed:
            changed = False
            for tail in _ROLE_TAILS:
                if len(core) - len(tail) >= 2 and core.endswith(tail):
                    core, pen, changed = core[: -len(tail)], pen + 5.0, True
                    break
            for head in _ROLE_HEADS:
                if len(core) - len(head) >= 2 and core.startswith(head):
                    core, pen, changed = core[len(head) :], pen + 2.0, True
                    break
            if changed:
                out.append((core, pen))
        return out

    def _phrase_evidence(self, seg: str, pen: float, found: dict[str, tuple[float, str]]) -> None:
        def keep(code: str, score: float, phrase: str) -> None:
            old = found.get(code)
            if old is None or score > old[0]:
                found[code] = (score, phrase)

        n = len(seg)
        hit = self.phrases.get(seg)
        if hit:
            for code, w in hit:
                keep(code, 100.0 * w - pen, seg)
            return
        # The head noun: the longest phrase the segment ends with; a bare role word is a weak head.
        head_at, head_s, head_codes = n, 0.0, set()
        for i in range(1, n - 1):
            tail = seg[i:]
            if len(tail) <= self.max_len and tail in self.phrases:
                generic = tail in _GENERIC_PHRASES
                s = (45.0 if generic else 62.0 + 30.0 * (n - i) / n) - pen
                for code, w in self.phrases[tail]:
                    keep(code, s * w, tail)
                if not generic:
                    head_at, head_s, head_codes = i, s, {c for c, _ in self.phrases[tail]}
                    # Two posts run together ("焊工电工", "保安员保洁员"): the first named is the main one.
                    lead = seg[:i]
                    if lead[-1] in _AGENT_ENDS and lead in self.phrases and lead not in _GENERIC_PHRASES:
                        s = 62.0 + 30.0 * max(i, n - i) / n + _COMPOUND_LEAD - pen
                        for code, w in self.phrases[lead]:
                            keep(code, s * w, lead)
                    break
        # Other phrases inside the segment: modifiers or a trade named before a role word.
        for i in range(n - 1):
            for j in range(min(n, i + self.max_len), i + 1, -1):
                if j == n and i > 0:
                    continue
                sub = seg[i:j]
                if sub in self.phrases and sub not in _GENERIC_PHRASES:
                    base = _LEAD_BASE if i == 0 else _INNER_BASE
                    s = base + 22.0 * (j - i) / n - pen
                    for code, w in self.phrases[sub]:
                        keep(code, s * w, sub)
                        # "电商平台运营专员": the field's own occupation has posts with this head
                        # (电商专员), so the head is read as that occupation's, not the generic one's.
                        if (
                            _FIELD_HEAD_BONUS
                            and j <= head_at
                            and code not in head_codes
                            and seg[-2:] in self.code_heads.get(code, ())
                        ):
                            keep(code, (head_s + _FIELD_HEAD_BONUS) * w, sub)
                    break

    def rank(self, key: str, limit: int) -> list[tuple[str, float, str]]:
        segments = clean_segments(key)
        if not segments:
            return []
        # A segment that is only a rank or role ("学徒", "中工", "文员") qualifies the post the other
        # segments name ("汽修学徒，中工，小工"); it answers only when nothing else does.
        trades = [s for s in segments if not _is_role_only(s)]
        if trades:
            segments = trades
        total: dict[str, tuple[float, str]] = {}
        for k, seg in enumerate(segments[:6]):
            found: dict[str, tuple[float, str]] = {}
            for variant, pen in self._variants(seg):
                self._phrase_evidence(variant, pen, found)
            cos = self.cosine(seg)
            # TF-IDF: a fallback for what no phrase covers, and a tie-break among phrase readings.
            top = np.argsort(-cos)[:10]
            for i in top:
                if cos[i] <= 0:
                    break
                code = self.codes[i]
                s = 30.0 + 45.0 * float(cos[i])
                if code not in found or found[code][0] < s:
                    found[code] = (s, self.names[i])
            tcos = self.task_cosine(seg)
            for i in np.argsort(-tcos)[:_TASKS_TOP]:
                if tcos[i] <= 0:
                    break
                code = self.codes[i]
                s = 30.0 + _TASKS_FALLBACK * float(tcos[i])
                if code not in found or found[code][0] < s:
                    found[code] = (s, self.names[i])
            # Recruiters put the main post first: later segments count a little less.
            seg_pen = _SEG_PEN * min(k, 3)
            for code, (s, phrase) in found.items():
                s = (
                    s
                    + _TFIDF_TIEBREAK * float(cos[self.code_pos[code]])
                    + _TASKS_WEIGHT * float(tcos[self.code_pos[code]])
                    + self.prior.get(code, 0.0)
                    - seg_pen
                )
                old = total.get(code)
                if old is None or s > old[0]:
                    total[code] = (s, phrase)
        ranked = sorted(total.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [(code, s, phrase) for code, (s, phrase) in ranked[:limit]]


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon()
