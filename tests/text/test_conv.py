import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_pipeline.text.conv import format_conv, parse_conv
from rnn_pipeline.text.errors import CorpusError


def test_parses_conversations_with_crlf_and_blank_lines(sample_conv):
    conversations, report = parse_conv(sample_conv, "chat.conv")
    assert conversations == [
        ["你好", "你好，很高兴认识你", "我也是"],
        ["你叫什么名字?", "我叫小明"],
        ["今天天气怎么样", "今天  天气很好"],
    ]
    assert report.conversations == 3
    assert report.turns == 7
    assert report.dropped == {}


def test_m_without_text_and_unknown_lines_are_counted_with_their_line():
    text = "E\nM 你好\nM\nX junk\nM 再见\n"
    conversations, report = parse_conv(text)
    assert conversations == [["你好", "再见"]]
    assert report.dropped == {"empty_utterance": 1, "unknown_line": 1}
    assert report.first_line == {"empty_utterance": 3, "unknown_line": 4}


def test_invalid_utf8_lines_are_dropped_and_counted():
    raw = b"E\nM \xff\xfe\xfa\nM \xe4\xbd\xa0\xe5\xa5\xbd\n"
    conversations, report = parse_conv(raw.decode("utf-8", errors="replace"))
    assert conversations == [["你好"]]
    assert report.dropped == {"invalid_utf8": 1}


def test_m_before_any_e_names_the_file_and_line():
    with pytest.raises(CorpusError, match=r"chat\.conv, line 2: expected a line 'E'"):
        parse_conv("\nM 你好\n", "chat.conv")


def test_binary_junk_without_conversations_is_an_error_not_an_empty_corpus():
    junk = bytes(range(256)).decode("utf-8", errors="replace")
    with pytest.raises(CorpusError, match="found none"):
        parse_conv(junk, "junk.conv")


def test_a_ten_megabyte_line_is_read_without_crashing():
    long_line = "好" * 10_000_000
    conversations, _ = parse_conv(f"E\nM {long_line}\nM 短\n")
    assert len(conversations[0][0]) == 10_000_000


def test_unicode_line_separators_do_not_split_an_utterance():
    conversations, _ = parse_conv("E\nM 你\u2028好\x85吗\nM 好\n")
    assert conversations == [["你\u2028好\x85吗", "好"]]


utterance = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",), blacklist_characters="\n\r"
        ),
        min_size=1,
    )
    .map(str.strip)
    .filter(lambda s: s and "\ufffd" not in s)
)


@given(st.lists(st.lists(utterance, min_size=1, max_size=4), min_size=1, max_size=5))
def test_format_then_parse_round_trips(conversations):
    parsed, _ = parse_conv(format_conv(conversations))
    assert parsed == conversations


@settings(max_examples=200)
@given(st.binary(max_size=2000))
def test_any_bytes_give_conversations_or_a_corpus_error(data):
    text = data.decode("utf-8", errors="replace")
    try:
        conversations, report = parse_conv(text, "fuzz.conv")
    except CorpusError as exc:
        assert "fuzz.conv" in str(exc)
    else:
        assert conversations and all(conversations)
        assert report.turns == sum(len(c) for c in conversations)
