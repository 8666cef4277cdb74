"""The one Chinese analysis: segmentation, the domain dictionary, folding, Latin, 文号."""

import pytest

from search.analysis import fold, fold_aligned, index_tokens, query_characters, query_tokens


def test_a_word_inside_a_run_of_chinese_is_its_own_token():
    assert "志愿" in index_tokens("社区志愿服务站")
    assert {"社区", "志愿服务站"} <= set(index_tokens("社区志愿服务站"))


@pytest.mark.parametrize(
    "term", ["七个有", "时间银行", "社工站", "学雷锋", "慈善捐赠站点", "穗民", "西城大妈"]
)
def test_domain_terms_stay_whole(term):
    assert term in query_tokens(f"关于{term}的说明")
    assert term in index_tokens(f"关于{term}的说明")


def test_every_character_is_indexed_so_part_of_a_word_matches():
    tokens = set(index_tokens("志愿服务"))
    assert {"志", "愿", "服", "务"} <= tokens
    assert set(query_tokens("志愿服")) <= tokens


@pytest.mark.parametrize(
    "traditional, simplified",
    [("義工", "义工"), ("志愿服務", "志愿服务"), ("從義工到志愿者之城", "从义工到志愿者之城")],
)
def test_traditional_folds_to_simplified(traditional, simplified):
    assert fold(traditional) == simplified
    assert query_tokens(traditional) == query_tokens(simplified)
    assert set(query_tokens(traditional)) <= set(index_tokens(simplified))


def test_full_width_and_case_fold():
    assert fold("ＥＳ９ Ｗａｇｔａｉｌ") == "es9 wagtail"


def test_latin_words_and_numbers_survive_whole():
    tokens = index_tokens("Wagtail 8.0 与 ES9，2019年")
    assert {"wagtail", "8.0", "es9", "2019"} <= set(tokens)


@pytest.mark.parametrize(
    "typed",
    [
        "穗民〔2019〕62号",
        "穗民[2019]62号",
        "穗民【2019】62号",
        "穗民（2019）62号",
        "穗民(2019)62号",
    ],
)
def test_a_doc_number_in_any_brackets_is_one_token(typed):
    assert query_tokens(typed) == ["穗民2019年62号"]
    assert "穗民2019年62号" in index_tokens(f"根据{typed}文件精神")


def test_decree_numbers_too():
    assert query_tokens("国务院令第685号") == ["国务院令第685号"]
    assert "国务院令第685号" in index_tokens("《志愿服务条例》（国务院令第685号）")


def test_query_without_text_has_no_tokens():
    for query in ("！！", "😀", "()[]{}", "   "):
        assert query_tokens(query) == []


def test_characters_are_the_loose_form_of_a_query():
    assert query_characters("志愿 ES9") == ["志", "愿", "es9"]


def test_aligned_folding_keeps_positions():
    text = "…志願服務ﬁ"
    assert len(fold_aligned(text)) == len(text)
    assert fold_aligned(text).index("志愿服务") == 1
