"""Text cleaning for job titles, skills and certificates as recruiters and clerks write them.

Pure functions, no state except the lazily loaded place-name table.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["basic", "clean_segments", "strip_place_names"]

# Words recruiters add around a title that say nothing about the occupation.  Longest first so that
# "包吃包住" goes before "包吃".
_NOISE_WORDS = sorted(
    {
        "包吃包住",
        "包吃住",
        "包食宿",
        "管吃住",
        "管吃管住",
        "提供食宿",
        "提供住宿",
        "免费住宿",
        "有宿舍",
        "提供宿舍",
        "包住宿",
        "包三餐",
        "包工作餐",
        "管三餐",
        "管饭",
        "包住",
        "包吃",
        "管住",
        "管吃",
        "五险一金",
        "六险一金",
        "五险",
        "社保",
        "缴纳社保",
        "交社保",
        "买社保",
        "年终奖",
        "全勤奖",
        "急招",
        "急聘",
        "招聘",
        "诚聘",
        "高薪诚聘",
        "高薪",
        "直招",
        "长期招",
        "热招",
        "招募",
        "聘请",
        "招工",
        "直聘",
        "代招",
        "急需",
        "速来",
        "火热招聘",
        "正在招聘",
        "大量招",
        "长期",
        "就近安排",
        "就近分配",
        "就近选择",
        "可借支",
        "借支",
        "稳定",
        "正式工",
        "双休",
        "单休",
        "周末双休",
        "长白班",
        "两班倒",
        "不加班",
        "可加班",
        "加班多",
        "日结",
        "周结",
        "月结",
        "当天结",
        "兼职",
        "全职",
        "临时工",
        "暑假工",
        "寒假工",
        "小时工资",
        "计件",
        "计时",
        "男女不限",
        "限男性",
        "限女性",
        "男性",
        "女性",
        "不限男女",
        "无经验",
        "无需经验",
        "经验不限",
        "可培训",
        "带薪培训",
        "免费培训",
        "岗前培训",
        "可小白",
        "小白",
        "熟手",
        "生手",
        "新手",
        "有经验者优先",
        "有经验优先",
        "优先",
        "提成",
        "奖金",
        "加班费",
        "待遇优厚",
        "待遇好",
        "工资高",
        "薪资高",
        "高工资",
        "包车费",
        "报销路费",
        "包路费",
        "车费报销",
        "年底双薪",
        "上市公司",
        "大厂",
        "国企",
        "央企",
        "无中介",
        "不收费",
        "若干",
        "数名",
        "多名",
        "名额",
        "底薪",
        "保底",
        "综合薪资",
        "薪资",
        "工资",
        "待遇",
        "面议",
        "月薪",
        "月入",
        "日薪",
        "时薪",
        "年薪",
        "收入",
        "过万",
        "上万",
        "包装车费",
        "离家近",
        "就近",
        "轻松",
        "简单",
        "坐班",
        "预支",
        "可预支",
        "包教包会",
        "包教",
        "学历不限",
        "年龄不限",
        "身体健康",
        "吃苦耐劳",
        "能吃苦",
        "要求",
        "岗位",
        "职位",
    },
    key=len,
    reverse=True,
)
_ROLE_AFTER_RECRUIT = r"(?!专员|主管|助理|经理|顾问|专家|师|总监)"
_NOISE_RE = re.compile(
    "|".join(re.escape(w) + (_ROLE_AFTER_RECRUIT if w.endswith("招聘") else "") for w in _NOISE_WORDS)
)

_BRACKETS_RE = re.compile(r"[\(\[\{【（〔「『《<][^\)\]\}】）〕」』》>]*[\)\]\}】）〕」』》>]")
# Pay: "5000-8000元/月", "8k", "1w-2w", "260一天", "日入200".  The unit after the amount needs the
# slash or no space: "8000元 天津" is pay and a city, not pay per day.
_MONEY_RE = re.compile(
    r"\d+(?:\.\d+)?\s*[kw千万]?\s*(?:[-~至到]\s*\d+(?:\.\d+)?\s*[kw千万]?)?\s*"
    r"(?:元|块|k|w|千|万)(?:\s*/\s*(?:月|天|日|小时|时|h|年)|(?:月|天|日|小时|时|h|年)(?![\u4e00-\u9fff]))?"
    r"|\d+(?:\.\d+)?\s*[-~至到]\s*\d+(?:\.\d+)?(?:\s*/?\s*(?:月|天|日|小时|时))?"
    r"|\d+(?:\.\d+)?\s*/\s*(?:月|天|日|小时|时|h)"
    r"|\d+\s*(?:一天|每天|一小时|每小时|一个月|每月)"
    r"|(?:一天|每天|日入|月入|日赚|月赚)\s*\d+(?:\.\d+)?\s*[kw千万]?"
)
_AGE_RE = re.compile(r"\d+\s*(?:[-~至到]\s*\d+\s*)?(?:周岁|岁)(?:以下|以上|以内)?")
_COUNT_RE = re.compile(r"\d+\s*(?:名|人|位)")
_OPEN_BRACKET_RE = re.compile(r"[\(\[\{【（〔「『《<][^\)\]\}】）〕」』》>]*$")
_MONTH_OFF_RE = re.compile(r"月休\d+天|上\d+休\d+|做\d+休\d+|早\d+晚\d+|\d+点(?:上|下)班")
# The firm's name is one stretch of text: "美容店长美容师~公司提供顾客" names no firm.
_COMPANY_RE = re.compile(
    r"^[^\s,，、;；/|~～:：!！?？。]{2,}?(?:股份有限公司|有限责任公司|有限公司|集团|公司|科技|传媒|商贸|实业|劳务派遣|人力资源|劳务)"
)
# "招聘专员" / "招聘主管" are the recruiter's own occupation, not the verb.
_RECRUIT_SPLIT_RE = re.compile(
    r"(?:招聘|诚聘|急聘|招募|聘请|直招|急招|热招|高薪聘)(?!专员|主管|助理|经理|顾问|专家|师|总监)"
)
_SEPARATORS_RE = re.compile(r"[\s,，、;；/|\\+＋&·•:：!！?？。\-—_~*#@\"'“”‘’]+")
# Bare numbers left over are noise, but letters with digits (A2, B2, C1, 4S店) are licences and shops.
_LONE_NUMBER_RE = re.compile(r"(?<![a-z0-9])\d+(?![a-z0-9])")


@lru_cache(maxsize=1)
def _t2s() -> dict[int, str]:
    table: dict[int, str] = {}
    data = resources.files("app.matching").joinpath("data/t2s.csv")
    with data.open("r", encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            table[ord(row["traditional"])] = row["simplified"]
    return table


def basic(text: str) -> str:
    """Full-width to half-width (NFKC), traditional characters to simplified (燒電焊 = 烧电焊), lower case,
    trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_t2s()).lower().strip()


@lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern[str], frozenset[str]]:
    full: list[str] = []
    short: set[str] = set()
    data = resources.files("app.matching").joinpath("data/places.csv")
    with data.open("r", encoding="utf-8") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        for row in rows:
            if len(row) < 2 or row[1] == "kind":
                continue
            if row[1] == "full":
                full.append(row[0])
            else:
                short.add(row[0])
    full.sort(key=len, reverse=True)
    return re.compile("|".join(map(re.escape, full))), frozenset(short)


def strip_place_names(text: str) -> str:
    """Remove full place names anywhere and short ones (天水, 滨海) only at the start.

    Short names anywhere would eat real words (公安, 中山, 东方), so they are removed only where
    recruiters put them: in front of the title.
    """
    full_re, short = _places()
    out = full_re.sub(" ", text).strip()
    for size in (3, 2):
        head = out[:size]
        if head in short and len(out) - size >= 2:
            out = out[size:]
            break
    return out


def _drop_company(text: str) -> str:
    m = _COMPANY_RE.match(text)
    # "搬家公司干过", "保安公司上班": two letters before 公司 name the kind of firm, which is the trade.
    if m and m.group(0).endswith("公司") and len(m.group(0)) <= 4:
        return text
    if m and len(text) - m.end() >= 2:
        text = text[m.end() :]
    return text


def _clean_part(t: str) -> list[str]:
    t = _drop_company(t)
    t = _MONTH_OFF_RE.sub(" ", t)
    t = _AGE_RE.sub(" ", t)
    t = _MONEY_RE.sub(" ", t)
    t = _COUNT_RE.sub(" ", t)
    t = _NOISE_RE.sub(" ", t)
    t = _LONE_NUMBER_RE.sub(" ", t)
    _, short = _places()
    segments: list[str] = []
    for part in _SEPARATORS_RE.split(t):
        part = part.strip()
        if not part:
            continue
        part = strip_place_names(part).replace(" ", "")
        # A bare place ("湘潭") or a lone particle says nothing about the work.
        if not re.search(r"[^\W\d_]", part):
            continue
        if part and part not in short and not (len(part) == 1 and part in "的了和与及或在做会工"):
            segments.append(part)
    return segments


def clean_segments(text: str) -> list[str]:
    """Clean one free-text field into segments that each may name an occupation.

    Keeps the original (only width/case-normalised) text as a fallback when cleaning leaves nothing,
    so a title made only of noise words still gets a fuzzy answer.
    """
    raw = basic(text)
    if not raw:
        return []
    t = _BRACKETS_RE.sub(" ", raw)
    # An opening bracket never closed ("编导主管(月薪1w-2w") starts an aside that runs to the end.
    t = _OPEN_BRACKET_RE.sub(" ", t)
    if not t.strip():
        t = re.sub(r"[\(\)\[\]\{\}【】（）〔〕「」『』《》<>]", " ", raw)
    # Truncated company names ("路南万珂家用电器...招聘家电维修") keep only the part after the ellipsis.
    for mark in ("...", "…"):
        if mark in t:
            tail = t.rsplit(mark, 1)[1]
            if len(tail.strip()) >= 2:
                t = tail
    # "XX公司招聘焊工": the title follows the recruiting verb; but "美团站点直招/包住" has it in front.
    parts = _RECRUIT_SPLIT_RE.split(t)
    segments = _clean_part(parts[-1])
    if len(parts) > 1 and not segments:
        segments = _clean_part(" ".join(parts[:-1]))
    if not segments:
        fallback = _SEPARATORS_RE.sub("", raw)
        return [fallback] if fallback else []
    return segments
