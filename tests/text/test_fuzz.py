"""Hypothesis: arbitrary Unicode never raises, and the offset map always points into the raw text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eduplan.text.normalise import normalise
from eduplan.text.statements import extract

# Characters the extractor reacts to, mixed with anything at all.
_PLANISH = st.sampled_from(
    list(
        "0123456789xX%.-—～、，。；:：（）()《》“”年所个名人万亿千百十一二两分之以上以下每到达其中和\n \xa0發(fā)"
    )
)
TEXT = st.text(alphabet=st.one_of(st.characters(), _PLANISH), max_size=300)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_extract_never_raises(raw: str) -> None:
    result = extract(raw, "fuzz.txt")
    for s in result.statements:
        assert s.quote in raw
        assert 0 <= s.start <= s.end <= len(result.normalised.text)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_offsets_map_into_raw(raw: str) -> None:
    doc = normalise(raw)
    assert len(doc.offsets) == len(doc.text) + 1
    assert doc.offsets == sorted(doc.offsets)
    assert all(0 <= o <= len(raw) for o in doc.offsets)
