"""Unit tests of the matching engine: pure functions, no database."""

from __future__ import annotations

from datetime import date

from app.matching.lexicon import get_lexicon
from app.matching.score import JobIn, SeekerIn, rank

TODAY = date(2024, 6, 1)
HOME = "620521"  # 甘肃省天水市清水县
HOME_OTHER_COUNTY = "620522"  # 秦安县, same province
TIANJIN = "120105"  # 天津市河北区


def job(ref: str, title: str, region: str = TIANJIN, **kw: object) -> JobIn:
    base: dict[str, object] = dict(salary_min=4000, salary_max=5000, housing_provided=True, headcount=10)
    base.update(kw)
    return JobIn(ref=ref, title=title, region_code=region, **base)  # type: ignore[arg-type]


def seeker(ref: str, skills: tuple[str, ...] = (), **kw: object) -> SeekerIn:
    base: dict[str, object] = dict(hukou_region_code=HOME, mobility="cross_province", expected_salary=3000)
    base.update(kw)
    return SeekerIn(ref=ref, skills=skills, **base)  # type: ignore[arg-type]


def refs(result: object) -> list[str]:
    return [m.job_ref for m in result.matches]  # type: ignore[attr-defined]


# -- lexicon -------------------------------------------------------------------------------------
def test_colloquial_phrases_normalise_to_standard_occupations() -> None:
    lex = get_lexicon()
    assert lex.normalize("会电焊")[0].code == "6-18-02-04"
    assert lex.normalize("看大门")[0].code == "4-07-05-01"
    assert lex.normalize("叉车证")[0].code == "6-30-05-01"
    assert lex.normalize("伺候老人")[0].code == "4-10-01-05"
    assert lex.normalize("Ａ２驾照")[0].code == "4-02-02-02"  # full-width input


def test_a_category_never_beats_its_own_detailed_occupation_read_from_the_same_text() -> None:
    lex = get_lexicon()
    # "装配工" alone is the everyday category (6-00-00-00); with 电子 it is 电子设备装接工.
    assert lex.normalize("装配工")[0].code == "6-00-00-00"
    for text, code in (("电子装配工", "6-25-04-07"), ("钳工装配", "6-20-01-01")):
        hits = lex.normalize(text, 10)
        assert hits[0].code == code, (text, hits[:3])
        detailed = max(h.score for h in hits if h.code == code)
        assert all(h.score < detailed for h in hits if h.code.endswith("-00") and code.startswith(h.code[:1]))


def test_third_person_places_and_counts_are_framing_not_work() -> None:
    lex = get_lexicon()
    # a cadre or relative writes "他/她 ... 给人家": the work is the rest, read whole
    for text, term in (
        ("他在上海给人家当过保安", "保安员"),
        ("她给人家带过两个娃", "育婴员"),
        ("俺在广州帮人家看过三个仓库", "仓库管理员"),
    ):
        hit = lex.normalize(text)[0]
        assert (hit.term, hit.score) == (term, 100.0), (text, hit)
    assert lex.normalize("電銲工")[0].code == "6-18-02-04"  # the variant 銲 of 焊


def test_a_job_several_fields_name_beats_one_a_single_field_names_as_strongly() -> None:
    jobs = [job("clean", "保洁员"), job("home", "家政服务员")]
    (res,) = rank([seeker("s", ("保洁 洗衣 收纳", "家政证", "做过保姆"))], jobs, today=TODAY)
    assert refs(res)[:1] == ["home"]


def test_a_role_word_after_the_trade_is_not_the_head() -> None:
    lex = get_lexicon()
    # 技术员 is half of professional aliases ("化工实验室研究员/技术员") but names no trade on its own
    assert lex.normalize("手机维修技术员")[0].code == "4-12-02-01"
    assert lex.normalize("车削操作员")[0].code == "6-18-01-01"


def test_search_strips_recruiter_noise_and_weighs_the_head_noun() -> None:
    lex = get_lexicon()
    top = lex.search("电气柜装配工包吃住", 5)[0]
    assert "装" in top.name  # an assembly/installation occupation, not the noise words
    assert top.code.startswith("6-")
    assert lex.search("招募专车司机", 3)[0].code == "4-02-02-01"
    assert lex.search("会开叉车", 3)[0].code == "6-30-05-01"
    assert lex.search("焊工（二保焊）5000-8000元 天津 五险一金 急招", 3)[0].code == "6-18-02-04"


def test_unknown_phrases_are_reported_and_synonyms_can_be_added() -> None:
    lex = get_lexicon()
    assert not lex.is_recognised("量子纠缠调谐")
    assert lex.is_recognised("会电焊")
    lex.add_synonyms("4-07-05-01", ["守护神兽岗"])
    assert lex.normalize("守护神兽岗")[0].code == "4-07-05-01"
    assert lex.get("6-18-02-04") is not None


# -- hard rules ----------------------------------------------------------------------------------
def test_local_mobility_never_gets_a_job_outside_the_home_county() -> None:
    jobs = [job("far", "保洁员"), job("prov", "保洁员", HOME_OTHER_COUNTY), job("home", "保洁员", HOME)]
    res = rank([seeker("s", ("打扫卫生",), mobility="local")], jobs, today=TODAY)[0]
    assert refs(res) == ["home"]


def test_in_province_mobility_stays_in_the_province() -> None:
    jobs = [job("far", "电焊工"), job("prov", "电焊工", HOME_OTHER_COUNTY), job("home", "电焊工", HOME)]
    res = rank([seeker("s", ("会电焊",), mobility="in_province")], jobs, today=TODAY)[0]
    assert set(refs(res)) == {"prov", "home"}


def test_age_limits_of_the_job_are_filters() -> None:
    jobs = [job("young", "保安员", age_max=45), job("any", "保安员")]
    old = seeker("old", ("看大门",), birth_date=date(1960, 1, 1))
    young = seeker("young", ("看大门",), birth_date=date(1990, 1, 1))
    res = rank([old, young], jobs, today=TODAY)
    assert refs(res[0]) == ["any"]
    assert set(refs(res[1])) == {"young", "any"}
    minor = seeker("minor", ("看大门",), birth_date=date(2008, 1, 1))
    assert refs(rank([minor], [job("adult", "保安员", age_min=18)], today=TODAY)[0]) == []


def test_education_minimum_is_a_filter_and_vocational_counts_as_senior_high() -> None:
    jobs = [job("hs", "仓库管理员", education_min="senior_high"), job("none", "仓库管理员")]
    low = seeker("low", ("管仓库",), education="junior_high")
    voc = seeker("voc", ("管仓库",), education="vocational")
    res = rank([low, voc], jobs, today=TODAY)
    assert refs(res[0]) == ["none"]
    assert set(refs(res[1])) == {"hs", "none"}


def test_public_welfare_posts_only_for_same_county_hukou_and_sanwu_first() -> None:
    post = job("pw", "保洁员", HOME, public_welfare=True, headcount=1)
    other = seeker("other", ("打扫卫生",), hukou_region_code=HOME_OTHER_COUNTY)
    assert "pw" not in refs(rank([other], [post], today=TODAY)[0])
    plain = seeker("plain", ("打扫卫生",), tags=("registered_poor",))
    sanwu = seeker("sanwu", (), tags=("sanwu",))
    res = rank([plain, sanwu], [post], today=TODAY, capacity_multiple=1.0)
    assert refs(res[1]) == ["pw"]
    assert refs(res[0]) == []
    # Without capacity the sanwu labourer still sees the post first.
    res = rank([sanwu], [job("ordinary", "保洁员", HOME), post], today=TODAY)
    assert refs(res[0])[0] == "pw"


# -- ranking -------------------------------------------------------------------------------------
def test_welders_top_job_is_the_welding_job() -> None:
    jobs = [job("clean", "保洁员"), job("weld", "电焊工"), job("fork", "叉车司机"), job("cook", "中式烹调师")]
    res = rank([seeker("s", ("会电焊",))], jobs, today=TODAY)[0]
    assert refs(res)[0] == "weld"
    assert res.matches[0].reasons[0].startswith("技能匹配")


def test_every_labourer_who_wants_work_gets_per_seeker_recommendations() -> None:
    jobs = [job("clean", "保洁员"), job("guard", "保安员"), job("wait", "餐厅服务员"), job("weld", "电焊工")]
    seekers = [
        seeker("a", ("弹钢琴",)),
        seeker("b", ()),
        seeker("c", ("会电焊",)),
        seeker("d", ("会电焊",), wants_work=False),
    ]
    res = rank(seekers, jobs, per_seeker=3, today=TODAY)
    assert all(len(r.matches) >= 3 for r in res[:3])
    assert res[3].matches == []
    assert refs(res[2])[0] == "weld"  # the occupational fit above the fillers


def test_preferred_destination_housing_and_pay_rank_first_among_equals() -> None:
    jobs = [
        job("x", "保洁员", "440106", housing_provided=False, salary_max=2500, salary_min=2000),
        job("y", "保洁员", TIANJIN),
    ]
    res = rank(
        [seeker("s", ("保洁",), preferred_region_codes=("120000",), needs_housing=True)], jobs, today=TODAY
    )[0]
    assert refs(res) == ["y", "x"]
    assert "提供住宿" in res.matches[0].reasons and "薪资满足期望" in res.matches[0].reasons


def test_capacity_multiple_is_respected() -> None:
    jobs = [job("a", "保洁员", headcount=2), job("b", "保安员", headcount=1)]
    seekers = [seeker(f"s{i}", ("打扫卫生",)) for i in range(10)]
    res = rank(seekers, jobs, per_seeker=3, today=TODAY, capacity_multiple=1.5)
    counts: dict[str, int] = {}
    for r in res:
        for m in r.matches:
            counts[m.job_ref] = counts.get(m.job_ref, 0) + 1
    assert counts["a"] <= 3 and counts["b"] <= 2


def test_zero_employment_households_are_served_first_when_jobs_are_scarce() -> None:
    jobs = [job("only", "保洁员", headcount=1)]
    seekers = [seeker("plain", ("保洁",)), seeker("zero", ("保洁",), tags=("zero_employment",))]
    res = rank(seekers, jobs, per_seeker=3, today=TODAY, capacity_multiple=1.0)
    assert refs(res[1]) == ["only"]
    assert refs(res[0]) == []


def test_reasons_non_empty_and_scores_within_bounds() -> None:
    jobs = [
        job(f"j{i}", t, r)
        for i, (t, r) in enumerate(
            [
                ("电焊工", TIANJIN),
                ("保洁员", HOME),
                ("货车司机", "440106"),
                ("厨房帮工", TIANJIN),
                ("育婴员", TIANJIN),
            ]
        )
    ]
    seekers = [
        seeker("a", ("会电焊", "A2驾照")),
        seeker("b", ("带孩子",), needs_housing=True),
        seeker("c", (), expected_salary=None),
    ]
    for r in rank(seekers, jobs, per_seeker=5, today=TODAY):
        assert r.matches
        for m in r.matches:
            assert m.reasons and all(isinstance(x, str) and x for x in m.reasons)
            assert 0.0 <= m.score <= 100.0
            assert m.score == round(m.score, 1)
            assert all(0.0 <= v <= 1.0 for v in m.components.values())


# -- direct text likeness when no occupation reading links a job ----------------------------------
def _crafts() -> list[JobIn]:
    # 锔瓷 (mending china with staples) is a craft no phrase of the lexicon names.
    return [
        job("ju", "锔瓷师傅", skills_required=("锔碗锔缸",)),
        job("weld", "电焊工"),
        job("clean", "保洁员"),
        job("guard", "保安员"),
    ]


def test_a_trade_no_reading_links_ranks_the_job_whose_texts_share_its_letters() -> None:
    (res,) = rank([seeker("s", ("给人锔过瓷碗",))], _crafts(), per_seeker=3, today=TODAY)
    top = res.matches[0]
    assert top.job_ref == "ju"
    assert top.reasons[0] == "文字相近：给人锔过瓷碗 ≈ 锔瓷师傅"
    assert 0.3 <= top.components["skill"] <= 0.45
    # desired occupations and certificates are compared too
    (res,) = rank([seeker("s", (), desired_occupations=("锔瓷",))], _crafts(), per_seeker=3, today=TODAY)
    assert refs(res)[:1] == ["ju"]


def test_text_likeness_never_outranks_a_reading() -> None:
    # A seeker whose phrases read a job keeps it first; the likeness is not even computed for him.
    (res,) = rank([seeker("s", ("会电焊", "给人锔过瓷碗"))], _crafts(), per_seeker=3, today=TODAY)
    assert refs(res)[0] == "weld" and res.matches[0].reasons[0].startswith("技能匹配")
    assert "ju" not in refs(res)
    # what the labourer says about himself shares no trade letters with any job
    (res,) = rank([seeker("s", ("能吃苦", "听指挥"))], _crafts(), per_seeker=3, today=TODAY)
    assert set(refs(res)) == {"clean", "guard"}


def test_one_common_letter_is_no_likeness() -> None:
    # "养猪" links no job here; 养 is in many job names (养老, 养护, 保养), so 养老护理员 is no likeness ...
    jobs = [job("care", "养老护理员"), job("guard", "保安员")]
    (res,) = rank([seeker("s", ("养猪",))], jobs, per_seeker=2, today=TODAY)
    assert not any(r.startswith("文字相近") for m in res.matches for r in m.reasons)
    # ... while a letter few job names use is: 锔 alone links "锔过锅" to 锔瓷师傅
    jobs = [job("ju", "锔瓷师傅"), job("guard", "保安员")]
    (res,) = rank([seeker("s", ("锔过锅",))], jobs, per_seeker=2, today=TODAY)
    assert refs(res)[:1] == ["ju"] and res.matches[0].reasons[0] == "文字相近：锔过锅 ≈ 锔瓷师傅"
