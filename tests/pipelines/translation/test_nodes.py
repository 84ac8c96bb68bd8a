import pytest

from rnn_pipeline.pipelines.seq2seq.options import CleaningOptions
from rnn_pipeline.pipelines.translation import nodes
from rnn_pipeline.text.errors import CorpusError

LATIN = CleaningOptions(
    chinese_only=False, fullwidth_punctuation=False, space_to_comma=False
)


def test_parse_sentence_pairs_reports_the_source_and_bad_lines():
    raw = {
        "source": "ell.txt",
        "text": "Go.\tΠάμε.\tCC-BY\nbroken line\nRun!\tΤρέξε!\n",
    }
    pairs, report = nodes.parse_sentence_pairs(raw)
    assert pairs.values.tolist() == [["Go.", "Πάμε."], ["Run!", "Τρέξε!"]]
    assert report["source"] == "ell.txt"
    assert report["dropped_lines"] == {"wrong_field_count": 1}
    assert report["first_dropped_line"] == {"wrong_field_count": 2}


def test_clean_sentence_pairs_keeps_latin_text_and_drops_duplicates():
    text = "Go.\tΠάμε.\nGo.\tΠάμε.\n" + "a" * 50 + "\tbc\nHi.\tΓεια.\n"
    pairs, _ = nodes.parse_sentence_pairs({"source": "t", "text": text})
    clean, report = nodes.clean_sentence_pairs(pairs, LATIN)
    # Length is not cleaning's business: bucketing drops what fits no bucket.
    assert clean.values.tolist() == [
        ["Go.", "Πάμε."],
        ["a" * 50, "bc"],
        ["Hi.", "Γεια."],
    ]
    assert report["dropped"] == {"duplicate": 1}


def test_the_chatbot_cleaning_defaults_reject_a_latin_corpus_with_a_clear_error():
    pairs, _ = nodes.parse_sentence_pairs({"source": "t", "text": "Go.\tΠάμε.\n"})
    with pytest.raises(CorpusError, match="no pair is left after cleaning"):
        nodes.clean_sentence_pairs(pairs, CleaningOptions())


def test_a_file_without_pairs_names_the_file():
    with pytest.raises(CorpusError, match="notes.txt: expected lines"):
        nodes.parse_sentence_pairs({"source": "notes.txt", "text": "no tabs\n"})
