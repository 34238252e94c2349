"""Occupation search (``GET /v1/occupations?q=``) on recruiting titles as recruiters write them."""

from __future__ import annotations

from app.matching.lexicon import get_lexicon
from app.matching.normalize import clean_segments


def top(q: str) -> str:
    hits = get_lexicon().search(q, 5)
    assert hits, q
    return hits[0].code


def test_noise_is_cleaned_from_titles() -> None:
    assert clean_segments("焊工（二保焊）5000-8000元 天津 五险一金 急招") == ["焊工"]
    assert clean_segments("昆明某某商贸...招聘陈列员") == ["陈列员"]
    assert clean_segments("短视频编导主管（月薪1w-2w") == ["短视频编导主管"]
    assert clean_segments("月入1.2W鲜奶促销员 包吃住 10人") == ["鲜奶促销员"]
    # "招聘专员" is the recruiter's own job, not the verb.
    assert clean_segments("招聘专员（英语）") == ["招聘专员"]


def test_company_names_and_places_do_not_decide() -> None:
    assert top("江苏某某机械有限公司招聘焊工") == "6-18-02-04"
    assert top("深圳市某某科技招聘车工") == "6-18-01-01"
    assert top("天津 电工 包吃住 6000-8000") == "6-31-01-03"


def test_head_noun_weighs_most() -> None:
    hit = get_lexicon().search("电气柜装配工包吃住", 1)[0]
    assert hit.code.startswith("6-") and "装" in hit.name
    assert top("招募专车司机") == "4-02-02-01"
    assert top("冷链货运司机C1") == "4-02-02-02"


def test_role_words_give_way_to_the_trade() -> None:
    assert top("焊工学徒") == "6-18-02-04"
    assert top("资深美容师") == "4-10-03-01"
    assert top("注塑组长") == "6-14-02-00"


def test_tfidf_fallback_answers_unknown_wording() -> None:
    hits = get_lexicon().search("氩弧焊接操作", 3)
    assert hits and hits[0].code == "6-18-02-04"


def test_one_item_per_code_and_limit() -> None:
    hits = get_lexicon().search("普工/操作工/包装工", 10)
    codes = [h.code for h in hits]
    assert len(codes) == len(set(codes)) and len(codes) <= 10
    assert all(0 <= h.score <= 100 for h in hits)


def test_admin_synonyms_reach_search() -> None:
    lex = get_lexicon()
    lex.search("守库房神兽", 1)  # builds and caches the search index first
    lex.add_synonyms("4-02-06-01", ["守库房神兽"])
    assert lex.search("守库房神兽", 1)[0].code == "4-02-06-01"


def test_definitions_and_tasks_answer_task_wording() -> None:
    # No title or alias says this; the main tasks of 风机操作工 do (开、停风机, 调整风量、风压).
    codes = [h.code for h in get_lexicon().search("调整风量风压", 3)]
    assert "6-28-02-07" in codes


def test_factory_words_name_the_industry_group() -> None:
    assert top("电子厂招普工") == "6-25-00-00"
    assert top("食品厂厂长") == "6-02-00-00"


def test_generic_trade_of_a_small_group_maps_to_the_group() -> None:
    assert top("销售（五险一金 周末双休）") == "4-01-02-00"
    assert top("销售代表") == "4-01-02-01"


def test_rank_only_segments_give_way_to_the_trade() -> None:
    # "学徒" alone reads as a hairdresser's or cook's apprentice; next to a trade it only ranks it.
    assert top("氩弧焊接操作/学徒") == "6-18-02-04"
    assert top("数控车床操机，学徒，中工") == "6-18-01-07"
    assert top("学徒") != "6-18-02-04"


def test_shared_tail_of_an_alias_is_not_a_post() -> None:
    # "服装/纺织/皮革工艺师" names 服装工艺师, not "服装"; "汽车/摩托车工程师" is no 汽车 job.
    lex = get_lexicon()
    assert all(h.code != "2-02-23-01" for h in lex.search("服装", 3))
    assert top("服装工艺师") == "2-02-23-01"
    assert not top("汽车学徒工").startswith("2-")


def test_two_posts_run_together_first_named_wins() -> None:
    assert top("电工焊工") == "6-31-01-03"
    assert top("叉车工搬运工") == "6-30-05-01"


def test_field_names_whose_post_the_head_is() -> None:
    # "运营专员" alone is 全媒体运营师; the e-commerce occupation also has 专员 posts (电商专员).
    assert top("电子商务类运营专员") == "4-01-06-01"
    assert top("采购运营助理") == "4-01-01-00"


def test_recruiters_trade_words() -> None:
    assert top("风控专员（信贷）") == "4-07-02-01"
    assert top("游泳池救生员") == "4-14-05-03"
    assert top("女装打版师") == "6-05-01-01"
    assert top("修模工") == "6-18-04-01"


def test_a_carpenter_is_the_hand_carpenter() -> None:
    # 手工木工 makes and installs wooden parts (what 木匠 and formwork carpenters do); 机械木工 runs machines.
    lex = get_lexicon()
    assert lex.normalize("木匠", 1)[0].code == "6-06-03-01"
    assert lex.normalize("建筑木工支模", 1)[0].code == "6-06-03-01"


def test_a_firms_name_is_one_stretch_of_the_title() -> None:
    # the post before "~公司提供顾客" is no firm's name to drop
    assert top("美容店长美容师~公司提供顾客~客源稳定") == "4-10-03-01"
    assert top("江苏某某机械有限公司招聘焊工") == "6-18-02-04"
