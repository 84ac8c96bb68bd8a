import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.tsv import format_tsv_pairs, parse_tsv_pairs


def test_reads_pairs_ignoring_bom_attribution_and_crlf():
    text = "\ufeffGo.\tΠάμε.\tCC-BY 2.0\r\nRun!\tΤρέξε!\r\n\n"
    pairs, report = parse_tsv_pairs(text)
    assert list(zip(pairs.source, pairs.target, strict=True)) == [
        ("Go.", "Πάμε."),
        ("Run!", "Τρέξε!"),
    ]
    assert report.dropped == {}


def test_bad_lines_are_counted_with_their_first_line():
    pairs, report = parse_tsv_pairs("a\tb\nno tab here\n\tempty\nc\t\ufffd\nd\te\n")
    assert len(pairs) == 2
    assert report.dropped == {
        "wrong_field_count": 1,
        "empty_field": 1,
        "invalid_utf8": 1,
    }
    assert report.first_line == {
        "wrong_field_count": 2,
        "empty_field": 3,
        "invalid_utf8": 4,
    }


def test_a_file_without_pairs_is_an_error_naming_it():
    with pytest.raises(CorpusError, match="notes.txt: expected lines"):
        parse_tsv_pairs("just text\nmore text\n", "notes.txt")


side = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Zs")),
    min_size=1,
).filter(lambda s: "\ufffd" not in s and "\ufeff" not in s)


@given(st.lists(st.tuples(side, side), min_size=1, max_size=20))
def test_format_then_parse_round_trips(pairs):
    parsed, _ = parse_tsv_pairs(format_tsv_pairs(pairs))
    assert list(zip(parsed.source, parsed.target, strict=True)) == pairs


@given(st.binary(max_size=1000))
def test_any_bytes_give_pairs_or_a_corpus_error(data):
    try:
        pairs, _ = parse_tsv_pairs(data.decode("utf-8", errors="replace"), "fuzz.tsv")
    except CorpusError as exc:
        assert "fuzz.tsv" in str(exc)
    else:
        assert len(pairs) > 0
