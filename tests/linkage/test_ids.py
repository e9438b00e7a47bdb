"""GB 11643-1999 ids: the check character, 15 to 18 digits, the cross-check with a record, masking."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from eduplan.linkage.ids import CHECK, check_character, check_id, check_ids, mask_id, mask_name, upgrade

# GB 11643-1999's own example: 11010519491231002X (a woman born 1949-12-31 in 北京市朝阳区).
EXAMPLE = "11010519491231002X"


def test_check_character_of_the_standard_example() -> None:
    # 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → X
    assert check_character(EXAMPLE[:17]) == "X"


def test_fifteen_digits_become_eighteen() -> None:
    assert upgrade("110105491231002") == EXAMPLE
    checked = check_id("110105491231002")
    assert (checked.id18, checked.problem, checked.upgraded) == (EXAMPLE, None, True)


def test_fifteen_digits_typed_for_a_child_born_in_the_2000s_take_the_century_of_the_record() -> None:
    # Registers hold 15-digit entries with the century left out; the record's 2010-12-31 says 20.
    assert check_id("110105101231002", "2010-12-31", "女").id18 == upgrade("110105101231002", "20")
    assert check_id("110105101231002").id18 == upgrade("110105101231002", "19")


def test_every_problem_is_named_and_the_row_kept() -> None:
    cases = {
        None: "missing", "  ": "missing", "1234": "shape", "11010519491231002Y": "shape",
        "110105194913310027": "date", "110105194912310021": "check",
    }  # fmt: skip
    for raw, problem in cases.items():
        assert check_id(raw).problem == problem, raw
    assert check_id(EXAMPLE, "1949-12-30", "女").problem == "birth"
    assert check_id(EXAMPLE, "1949-12-31", "男").problem == "sex"
    assert check_id(EXAMPLE, "1949-12-31", "女").problem is None


def test_a_disagreeing_id_is_still_an_id_but_a_wrong_check_character_is_not() -> None:
    assert check_id(EXAMPLE, "1949-12-30", "女").id18 == EXAMPLE
    assert check_id("110105194912310021").id18 is None


def test_full_width_digits_spaces_and_lower_x_are_read() -> None:
    assert check_id("１１０１０５ １９４９１２３１００２ｘ").id18 == EXAMPLE
    assert check_id("11010519491231002x").id18 == EXAMPLE


def test_area_codes_are_not_checked_against_a_list() -> None:
    body = "00000020100101001"  # no such area: still a well-formed id
    assert check_id(body + check_character(body)).problem is None


def test_the_frame_keeps_every_row() -> None:
    frame = pl.DataFrame(
        {"id": [EXAMPLE, "bad", None], "birth": ["1949-12-31", None, None], "sex": ["女", None, None]}
    )
    out = check_ids(frame, "id", "birth", "sex")
    assert out.height == 3 and out["id_problem"].to_list() == [None, "shape", "missing"]


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 9))
def test_one_mistyped_digit_is_always_caught(body: str, at: int, shift: int) -> None:
    # ISO 7064 MOD 11-2 detects every single-digit substitution.
    good = body + check_character(body)
    wrong = good[:at] + str((int(good[at]) + shift) % 10) + good[at + 1 :]
    assert check_character(wrong[:17]) != wrong[17]
    assert good[17] in CHECK


def test_masks() -> None:
    assert mask_name("张小明") == "张*明"
    assert mask_name("张明") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_id("440102200901011234") == "4401**********1234"
    assert mask_id("") == ""
