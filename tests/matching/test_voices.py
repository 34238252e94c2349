"""General mechanisms found by the blind sets j and k (bench/sets/README.md): voice messages, side skills,
a change of trade, and the letter likeness of long texts."""

from __future__ import annotations

from app.matching.lexicon import _unfill, get_lexicon
from app.matching.score import JobIn, SeekerIn, _likeness_texts, rank

JOBS = [
    JobIn("build", "建筑普工"),
    JobIn("line", "流水线操作工"),
    JobIn("cook", "中式烹调师"),
    JobIn("clean", "保洁员"),
    JobIn("guard", "保安员"),
    JobIn("stock", "超市理货员"),
]


def _top(seeker: SeekerIn, jobs: list[JobIn] = JOBS) -> list[str]:
    (res,) = rank([seeker], jobs, per_seeker=3)
    return [m.job_ref for m in res.matches]


def test_words_of_speech_are_no_part_of_the_work() -> None:
    lex = get_lexicon()
    spoken = lex.normalize("嗯 那个我就是在那个工地上 那个搬砖")
    assert spoken and spoken[0].term == "建筑普工"
    # 喂 as a greeting goes, 喂猪 is work
    assert _unfill("喂 我会电焊") == "我会电焊"
    assert _unfill("喂猪") == "喂猪" and lex.normalize("喂猪")[0].term == "家畜饲养员"
    assert _unfill("那个就是") == "那个就是"  # nothing left: the text stays as it was


def test_what_he_asks_for_ranks_above_what_he_could_also_do() -> None:
    seeker = SeekerIn("s", skills=("在工地上扛了三年水泥",), desired_occupations=("想进个电子厂 车间里上班",))
    assert _top(seeker)[:2] == ["line", "build"]
    (res,) = rank([seeker], JOBS, per_seeker=2)
    assert res.matches[0].components["willingness"] == 1.0
    assert res.matches[1].components["willingness"] == 0.0
    # without a stated wish the same skills rank the building site first and no willingness is shown
    plain = SeekerIn("p", skills=("在工地上扛了三年水泥",))
    (res,) = rank([plain], JOBS, per_seeker=1)
    assert res.matches[0].job_ref == "build" and "willingness" not in res.matches[0].components


def test_work_he_says_he_left_counts_less() -> None:
    def scores(seeker: SeekerIn) -> dict[str, float]:
        (res,) = rank([seeker], JOBS, per_seeker=2)
        return {m.job_ref: m.score for m in res.matches}

    now = scores(SeekerIn("a", skills=("当过小区保安", "在超市理货")))
    before = scores(SeekerIn("b", skills=("以前当过小区保安", "在超市理货")))
    assert now["guard"] == now["stock"]
    assert before["guard"] < before["stock"]


def test_a_side_skill_does_not_outrank_the_trade() -> None:
    # "会做饭" / "会开车" listed next to a trade are everyday abilities, not the trade
    assert _top(SeekerIn("s", skills=("商场保洁 拖地擦玻璃", "会做饭")))[0] == "clean"
    # alone they still say something
    assert _top(SeekerIn("t", skills=("会做饭",)))[0] == "cook"
    # at a workplace 做饭 is a cook's trade
    assert get_lexicon().normalize("在饭馆做饭")[0].score > get_lexicon().normalize("会做饭")[0].score


def test_a_long_text_is_also_compared_clause_by_clause() -> None:
    assert _likeness_texts(("搬家公司干过，拆装衣柜床", " ")) == (
        "搬家公司干过，拆装衣柜床",
        "搬家公司干过",
        "拆装衣柜床",
    )
    jobs = [JobIn("move", "搬家师傅"), JobIn("sofa", "沙发制作工"), JobIn("glass", "玻璃安装工")]
    seeker = SeekerIn("s", skills=("搬家公司干过，拆装衣柜床，扛冰箱上楼",))
    assert _top(seeker, jobs)[0] == "move"


def test_the_kind_of_firm_is_the_trade_not_a_company_name() -> None:
    from app.matching.normalize import clean_segments

    assert clean_segments("保安公司上班") == ["保安公司上班"]
    assert clean_segments("顺丰速运有限公司快递员") == ["快递员"]


def test_a_reason_quotes_the_recognised_phrase_of_a_long_text() -> None:
    story = "那个就是 嗯 我就是在那个月饼厂 把月饼装那个盒子里 然后那个装那个大纸箱 打那个带子"
    (res,) = rank([SeekerIn("s", skills=(story,))], [JobIn("pack", "包装工")], per_seeker=1)
    reason = res.matches[0].reasons[0]
    assert reason.startswith("技能匹配：") and reason.endswith("→ 包装工")
    assert story not in reason and len(reason) < 30
    (res,) = rank([SeekerIn("s", skills=("会电焊",))], [JobIn("weld", "电焊工")], per_seeker=1)
    assert res.matches[0].reasons[0] == "技能匹配：会电焊 → 电焊工"


def test_a_separable_verb_object_word_is_read_closed_up() -> None:
    # 离合词: the object's modifiers stand between the verb and the rest of the word
    from app.matching.lexicon import _closed_up

    lex = get_lexicon()
    assert _closed_up("会剪男式头", lex._index) == ["会剪头"]
    assert lex.normalize("会剪男式头")[0].term == "美发师"
    assert lex.normalize("守过工地大门")[0].term == "保安员"
    assert lex.normalize("在鞋厂装鞋盒")[0].term == "包装工"
    # read closed up it is a little less sure than the word said whole
    assert lex.normalize("会剪男式头")[0].score < lex.normalize("会剪头")[0].score
    # no verb of work, nothing to close up
    assert _closed_up("电子厂打工", lex._index) == []


def test_a_list_of_chores_has_no_head_noun() -> None:
    # three of four chores are a home help's; the last one alone (拖地, a cleaner's) does not decide
    hits = get_lexicon().normalize("洗衣做饭拖地")
    assert hits[0].term == "家政服务员"
    assert get_lexicon().normalize("扫地拖地")[0].term == "保洁员"


def test_a_verb_that_alone_names_the_trade_and_rank_words_after_it() -> None:
    lex = get_lexicon()
    # what is welded or built does not matter: the verb and its object are the work
    assert lex.normalize("在汽配厂焊消声器")[0].term == "电焊工"
    assert lex.normalize("砌猪圈")[0].term == "砌筑工"
    assert lex.normalize("焊护栏")[0].score >= lex.normalize("焊消声器")[0].score
    # 大工 after a trade is its rank, though alone it is a mason's word
    assert lex.normalize("钢筋大工")[0].term == "钢筋工"
    assert lex.normalize("大工")[0].term == "砌筑工"


def test_several_parts_of_one_text_naming_a_job_outweigh_a_workplace() -> None:
    hits = get_lexicon().normalize("在超市的 收银台 扫条码 现金找零")
    assert hits[0].term == "收银员"
    # the workplace alone still reads as the job done there
    assert get_lexicon().normalize("在超市上班")[0].term == "超市理货员"


def test_one_known_phrase_in_a_long_text_is_weak_evidence_not_none() -> None:
    from app.matching.score import _readings

    lex = get_lexicon()
    text = "在东莞厂里装充电器外壳 上夜班"
    assert not lex.is_recognised(text)
    reads = _readings(lex, text, "skill")
    assert reads and reads[0].term == "流水线操作工" and reads[0].weight < 0.6
    assert _top(SeekerIn("s", skills=(text,)))[0] == "line"


def test_a_verb_with_its_complement_is_a_word_of_its_own() -> None:
    from app.matching.lexicon import _closed_up

    lex = get_lexicon()
    # 收拾灶台 is tidying the stove, not 收…台 (clearing tables)
    assert _closed_up("收拾灶台", lex._index) == []
    assert "餐厅服务员" not in {h.term for h in lex.normalize("收拾灶台") if h.score >= 60}
    assert lex.normalize("收台")[0].term == "餐厅服务员"


def test_the_whole_story_votes_among_its_phrases() -> None:
    from app.matching.score import _readings

    lex = get_lexicon()
    story = "我姑在西双版纳的度假酒店做了两年楼层，客人一退房就去撤床、刷马桶、补牙刷拖鞋"
    # read phrase by phrase, 刷马桶 (a cleaner's) is the strongest; the story as a whole is a room attendant's
    assert lex.normalize(story)[0].term == "保洁员"
    assert lex.guess(story, 1)[0].term == "客房服务员"
    reads = {r.term: r.weight for r in _readings(lex, story, "skill")}
    assert reads["客房服务员"] > reads["保洁员"]
    jobs = [JobIn("clean", "保洁员"), JobIn("room", "酒店客房服务员"), JobIn("guard", "保安员")]
    assert _top(SeekerIn("s", skills=(story,)), jobs)[0] == "room"
    # a short text has no story to vote with
    assert _readings(lex, "刷马桶", "skill")[0].term == "保洁员"


def test_framing_words_are_no_typos_and_join_workplace_and_post() -> None:
    lex = get_lexicon()
    # 当车工 is no 挡车工 (a weaver); 当 joins the garment factory and its post: a sewer
    assert lex.normalize("想去制衣厂当车工")[0].term == "缝纫工"
    assert lex.normalize("车工")[0].term == "车工"
    # 开插车 is a typo of 开叉车, not 开车 with a letter in between
    assert lex.normalize("会开插车")[0].term == "叉车司机"


def test_the_workplace_after_the_work_is_no_head() -> None:
    hits = get_lexicon().normalize("找个开挖机的工地")
    assert hits[0].term == "挖掘机司机"
    assert get_lexicon().normalize("去工地")[0].term == "建筑普工"


def test_with_nothing_read_a_weak_likeness_of_the_whole_text_still_counts() -> None:
    from app.matching.score import _readings

    lex = get_lexicon()
    text = "帮老板看着摊子"
    assert not lex.is_recognised(text)
    assert 12 <= lex.guess(text, 1)[0].score < 18
    reads = _readings(lex, text, "skill")
    assert reads and all(r.weight < 0.45 for r in reads)  # a guess, weaker than any reading
    jobs = [JobIn("stall", "摊商"), JobIn("cook", "中式烹调师"), JobIn("guard", "保安员")]
    assert _top(SeekerIn("s", skills=(text,)), jobs)[0] == "stall"


def test_to_guard_is_a_guard_s_verb() -> None:
    assert get_lexicon().normalize("守银行营业厅")[0].term == "保安员"


def test_the_list_bonus_goes_only_to_the_job_the_list_names() -> None:
    # the chores name a baby carer; 月嫂 shares one of them but is not what the list names, so it gets no
    # head bonus from standing in the same phrase
    hits = {h.term: h.score for h in get_lexicon().normalize("在月子中心带过新生儿，给宝宝洗澡换尿布")}
    assert hits["育婴员"] - hits["月嫂"] > 20


def test_plain_strength_after_a_workplace_is_no_head() -> None:
    lex = get_lexicon()
    # 出力气 alone is a loader's word; after 工地 it says how, and the site says what
    assert lex.normalize("出力气")[0].term == "装卸搬运工"
    assert lex.normalize("工地上出力气的活")[0].term == "建筑普工"
    assert lex.normalize("厂里干体力活")[0].term == "流水线操作工"
    # odd jobs likewise: the site or the plant says whose
    assert lex.normalize("在郑州的地铁工地干了两年杂活")[0].term == "建筑普工"
    assert lex.normalize("厂里杂活")[0].term == "流水线操作工"
    assert lex.normalize("杂活")[0].score <= 60


def test_with_no_job_linked_the_words_of_each_job_s_trade_count() -> None:
    # 装车 reads a loader, 林场 a forester: no job of the list; the wording is most like the feller's trade
    jobs = [
        JobIn("fell", "伐木工"),
        JobIn("line", "流水线操作工"),
        JobIn("clean", "保洁员"),
        JobIn("cook", "中式烹调师"),
    ]
    (res,) = rank([SeekerIn("s", skills=("林场干过，砍杨树 锯段 装车",))], jobs, per_seeker=3)
    assert res.matches[0].job_ref == "fell"
    assert res.matches[0].reasons[0].startswith("说法相近：") and res.matches[0].reasons[0].endswith("伐木工")
    assert res.matches[1].components["skill"] == 0.0


def test_the_machine_before_driver_says_the_trade() -> None:
    lex = get_lexicon()
    assert lex.normalize("旋挖钻机司机")[0].term == "桩机司机"
    assert lex.normalize("汽车吊的司机")[0].phrase == "汽车吊"
    assert lex.normalize("货车司机")[0].term == "货车司机"
    assert lex.normalize("司机")[0].term == "客运司机"


def test_a_real_word_is_no_typo_and_the_installed_thing_is_the_trade() -> None:
    lex = get_lexicon()
    # 施工 is a word of the classification's own texts, not a homophone typo of 石工
    assert all(h.term != "石工" for h in lex.normalize("环氧地坪施工工"))
    assert lex.normalize("铲车司几")[0].phrase == "铲车司机"  # a typo is still put right
    assert lex.normalize("安防监控安装工")[0].term == "安防设备安装员"
    assert lex.normalize("安装工")[0].term == "机械设备安装工"


def test_a_ba_construction_is_read_in_verb_object_order() -> None:
    lex = get_lexicon()
    assert lex.normalize("把包裹送到人家手里")[0].term == "快递员"
    assert lex.normalize("把水泥扛上楼")[0].term == "建筑普工"
    assert lex.normalize("把菜切好")[0].term == "厨房帮工"


def test_jobs_tied_on_the_occupation_are_ordered_by_the_words_the_seeker_shares_with_them() -> None:
    # both posts read as 保安员 at full fit, so the score ties; the seeker's word is the first one's title
    jobs = [JobIn("estate", "小区保安", skills_required=("小区门岗",)), JobIn("plain", "保安员")]
    seeker = SeekerIn("s", skills=("保安",))
    (res,) = rank([seeker], jobs, per_seeker=2)
    assert res.matches[0].score == res.matches[1].score
    assert [m.job_ref for m in res.matches] == ["plain", "estate"]
    (res,) = rank([seeker], jobs[::-1], per_seeker=2)
    assert [m.job_ref for m in res.matches] == ["plain", "estate"]
    # the tie is also ordered when it sits at the edge of the top k
    (res,) = rank([seeker], jobs, per_seeker=1)
    assert [m.job_ref for m in res.matches] == ["plain"]


def test_the_seekers_own_words_fill_what_a_reading_below_full_leaves_unsure() -> None:
    # "在小区门岗当保安" reads 保安员 below full for both posts; his words are the estate post's own
    jobs = [JobIn("plain", "保安员"), JobIn("estate", "小区保安", skills_required=("小区门岗",))]
    (res,) = rank([SeekerIn("s", skills=("在小区门岗当保安",))], jobs, per_seeker=2)
    estate, plain = res.matches
    assert estate.job_ref == "estate" and estate.score > plain.score
    assert estate.components["skill"] == plain.components["skill"] < 1.0
    assert estate.components["wording"] > plain.components["wording"]
    assert "文字相近：在小区门岗当保安 ≈ 小区门岗" in estate.reasons
    # a lighter plant's line is read as line work, which a car plant's 总装 names more strongly: the
    # letters of the lighter decide
    jobs = [JobIn("car", "汽车总装工", skills_required=("整车总装",)), JobIn("lighter", "打火机装配工")]
    (res,) = rank([SeekerIn("s", skills=("火机厂流水线上装打火机",))], jobs, per_seeker=2)
    assert [m.job_ref for m in res.matches] == ["lighter", "car"]
    assert res.matches[0].components["skill"] < res.matches[1].components["skill"]


def test_the_words_of_a_jobs_trade_count_as_its_wording_but_not_a_categorys() -> None:
    # 行李箱 is in no title of these three line posts, but in the trolley-case assembler's words
    jobs = [
        JobIn("chili", "辣条生产工", skills_required=("辣条",)),
        JobIn("case", "拉杆箱装配工", skills_required=("拉杆箱组装",)),
        JobIn("print", "喷码机操作员", skills_required=("喷码",)),
    ]
    (res,) = rank([SeekerIn("s", skills=("在行李箱厂装配线上干过",))], jobs, per_seeker=3)
    case, *others = res.matches
    assert case.job_ref == "case" and all(case.components["skill"] < 1.0 for _ in others)
    assert case.components["wording"] > max(m.components["wording"] for m in others)
    assert "说法相近：在行李箱厂装配线上干过 ≈ 拉杆箱装配工" in case.reasons
    # the words of line work in general (流水线, 装配) are not the car plant's: "火机厂流水线" owes it nothing
    car = JobIn("car", "汽车总装工", skills_required=("整车总装",))
    (res,) = rank([SeekerIn("s", skills=("火机厂流水线",))], [car], per_seeker=1)
    assert res.matches[0].components["wording"] < 0.15


def test_a_full_reading_is_not_outweighed_by_the_words_of_a_weaker_one() -> None:
    # 上灶 is a cook's work; the kitchen helper's title shares 厨房 with the story, the cook's nothing
    jobs = [JobIn("help", "厨房帮工", skills_required=("厨房杂工",)), JobIn("cook", "中式烹调师")]
    story = SeekerIn("s", skills=("在县城宾馆的厨房上了八年灶，热菜都归我炒",))
    (res,) = rank([story], jobs, per_seeker=2)
    cook, helper = res.matches
    assert cook.job_ref == "cook" and cook.components["skill"] == 1.0
    # the helper's post is worded like the story too (厨房), yet the cook's full reading stands
    assert helper.components["wording"] > 0.2 and helper.components["skill"] < 1.0


def test_a_job_title_is_read_as_its_own_trade_not_as_the_line_work_it_is_near() -> None:
    from app.matching.score import _readings

    lex = get_lexicon()
    # a labourer's 打端子 also stands for the line work job offers post; an SMT post's title does not
    assert "流水线操作工" in {r.term for r in _readings(lex, "打端子", "skill")}
    assert "流水线操作工" not in {r.term for r in _readings(lex, "SMT贴片机操作员", "title")}
    # the machine before 操作工 is the head of the title, well ahead of the line work 操作工 alone names
    for title, trade in (("电脑横机操作工", "横机工"), ("线切割操作工", "线切割工")):
        first, second = lex.normalize(title)[:2]
        assert first.term == trade and first.score - second.score > 10
    assert lex.normalize("流水线操作工")[0].term == "流水线操作工"


def test_a_certificate_every_food_and_care_worker_holds_names_no_trade() -> None:
    from app.matching.score import _readings

    lex = get_lexicon()
    # 健康证 is asked of cooks, canteen staff, carers, cleaners and shop staff alike: at most a weak hint
    assert all(r.weight < 0.5 for r in _readings(lex, "健康证", "certificate"))
    jobs = [JobIn("canteen", "食堂打饭员"), JobIn("fish", "水产档口杀鱼工")]
    seeker = SeekerIn("s", skills=("农贸市场杀鱼",), certificates=("健康证",))
    assert _top(seeker, jobs)[0] == "fish"


def test_a_weak_reading_does_not_shut_out_the_likeness_of_his_own_words() -> None:
    # 炸薯条 reads only weakly as a canteen's work; the letters of 炸 still say 食品油炸工
    jobs = [
        JobIn("canteen", "团餐配餐员", skills_required=("盒饭分装",)),
        JobIn("fryer", "食品油炸工", skills_required=("油炸设备操作",)),
    ]
    (res,) = rank([SeekerIn("s", skills=("炸薯条",))], jobs, per_seeker=2)
    by_ref = {m.job_ref: m for m in res.matches}
    assert set(by_ref) == {"canteen", "fryer"}
    assert by_ref["fryer"].reasons[0].startswith("说法相近")
    assert by_ref["canteen"].components["skill"] < 0.6


def test_a_trade_followed_by_the_workers_letter_heads_the_title_over_a_generic_overlap() -> None:
    lex = get_lexicon()
    # "农机维修|工": 维修工 (any repairer), 压榨工 (a sugar mill's) overlap the trade and also end the title
    for title, trade, generic in (
        ("食用油压榨工", "榨油工", "制糖工"),
        ("农机维修工", "农机修理工", "维修工"),
        ("桶装水配送员", "送水员", "外卖骑手"),
        ("列车乘务员", "铁路乘务员", "乘务员"),
    ):
        terms = [h.term for h in lex.normalize(title)]
        assert terms.index(trade) < terms.index(generic), title
    # a phrase before the worker's letter with nothing overlapping it stays a modifier ("油站工" is no 油站)
    first = lex.normalize("焊接工")[0]
    assert first.term == "电焊工"


def test_what_is_made_heads_the_title_not_that_it_is_made() -> None:
    lex = get_lexicon()
    # 生产工, 制作工, 加工工 after the product say only that it is made, as 操作工 after a machine
    assert lex.normalize("烟花爆竹生产工")[0].term == "烟花爆竹工"
    assert lex.normalize("沙发制作工")[0].term == "沙发工"
    # and 装配工 after what is put together (装配工 alone stays the line's assembler)
    assert lex.normalize("打火机装配工")[0].term == "日用五金工"
    assert lex.normalize("装配工")[0].term == "装配工"


def test_a_trades_own_name_reads_it_where_no_table_gave_the_name_to_any_trade() -> None:
    lex = get_lexicon()
    # the 烧录员 family had 刷程序, 烧写员 ...; a post titled with its name read as 电子设备调试工 through 烧录
    first = lex.normalize("程序烧录员")[0]
    assert (first.code, first.term) == ("6-25-04-07", "烧录员")
    assert lex.normalize("波峰焊工")[0].term == "波峰焊工"
    # a name the tables give to another trade stays that trade's
    assert lex.normalize("叠片工")[0].term == "卷绕工"


def test_a_homophone_sharing_only_the_workers_letter_is_no_typo() -> None:
    lex = get_lexicon()
    # 开袋工 (a garment post) sounds like 开带工 but 袋工 shares only 工 with 带工 (a labour broker)
    assert all(h.term != "劳务经纪人" for h in lex.normalize("开袋工"))
    # a typo that shares a letter of the trade is still put right
    assert lex.normalize("电悍工")[0].term == "电焊工"
    assert lex.normalize("会开插车")[0].term == "叉车司机"


def test_a_two_letter_homophone_must_sound_exactly_alike() -> None:
    lex = get_lexicon()
    # folded sounds (si = shi, jin = jing) are too loose for two letters: 席梦思厂 is no 石厂 (a quarry), 进站 no 井站
    assert all(h.term != "露天采矿工" for h in lex.normalize("席梦思厂干过"))
    assert all(h.term != "采气工" for h in lex.normalize("扫码引导进站"))
    # a letter that sounds exactly alike is still put right where the text is the mistyped word itself
    assert lex.normalize("会保接")[0].term == lex.normalize("会保洁")[0].term
    assert lex.normalize("砌转")[0].term == lex.normalize("砌砖")[0].term
    # in a longer text two letters that sound like a phrase are more often another word: 打油茶 is no 油叉
    assert all(h.term != "叉车司机" for h in lex.normalize("打油茶"))
    assert all(h.term != "模特" for h in lex.normalize("换铜模"))


def test_a_phrase_of_the_table_whole_is_not_cut_by_cleaning() -> None:
    lex = get_lexicon()
    # 温泉 is also a county, and cleaning drops a place in front of a title; here it is the workplace
    hits = lex.normalize("温泉服务员")
    assert hits[0].term == "温泉服务员"
    assert all(h.term != "餐厅服务员" for h in hits)
    # a place in front of a title the table does not know whole is still dropped
    assert lex.normalize("天水电焊工")[0].term == "电焊工"


def test_a_title_that_names_a_trade_names_it_fully_and_the_wording_decides() -> None:
    # 厂区巡逻员 reads as a guard's post less strongly than 保安员 only because 厂区 narrows it
    jobs = [JobIn("guard", "保安员"), JobIn("patrol", "厂区巡逻员")]
    (res,) = rank([SeekerIn("s", skills=("夜里在厂区巡逻",))], jobs, per_seeker=2)
    first, second = res.matches
    assert first.job_ref == "patrol"
    assert first.components["skill"] == second.components["skill"]


def test_a_machine_names_its_operator_before_its_repairer_and_flocking_is_no_solar_texturing() -> None:
    lex = get_lexicon()
    # the bar-tack and template machines are run by sewers; the mechanic who fixes them is the second reading
    assert lex.normalize("套结机操作工")[0].term == "缝纫工"
    assert lex.normalize("自动模板机")[0].term == "模板车工"
    # 植绒 (flocking) sounds like 制绒, a solar cell line's texturing; the trade's own name reads first
    assert lex.normalize("植绒工")[0].code == "6-04-06-03"


def test_heel_nailing_a_trolley_case_line_and_taking_villagers_out_to_work_are_read_as_their_trades() -> None:
    lex = get_lexicon()
    assert lex.normalize("钉跟工")[0].term == "钉跟工"
    assert "钉跟工" in {h.term for h in lex.normalize("鞋厂上跟的")}
    assert lex.normalize("会上万向轮")[0].term == "箱包装配工"
    assert lex.normalize("带老乡出去打工")[0].term == "劳务经纪人"


def test_port_and_plant_yard_posts_are_read_as_their_own_trades() -> None:
    lex = get_lexicon()
    # 装箱 of a container is no packing, 分拣 of scrap no parcel sorting, 灌包 of grain no sewing
    for title, term in (
        ("装拆箱工", "卸柜工"),
        ("废钢分拣工", "废钢料场工"),
        ("散粮灌包工", "灌包工"),
        ("电池包组装工", "电池PACK工"),
        ("滚装车辆驾驶员", "滚装驾驶员"),
        ("建筑垃圾清运工", "垃圾清运工"),
    ):
        assert lex.normalize(title)[0].term == term, title
    assert lex.normalize("挂车摘钩")[0].term == "调车员"
