import pytest

from rnn_pipeline.training.scoring import character_accuracy, score_outputs


def test_character_accuracy_counts_positions_over_the_longer_string():
    assert character_accuracy("1998-05-03", "1998-05-03") == 1.0
    assert character_accuracy("1998-05-04", "1998-05-03") == 0.9
    assert character_accuracy("1998", "1998-05-03") == 0.4
    assert character_accuracy("", "") == 1.0


def test_perfect_outputs_score_100_and_wrong_ones_less():
    references = ["the cat sat on the mat", "a dog barked loudly today"]
    perfect = score_outputs(references, references)
    assert perfect == {
        "bleu": pytest.approx(100.0),
        "chrf": pytest.approx(100.0),
        "exact_match": 1.0,
        "character_accuracy": 1.0,
    }
    worse = score_outputs(["the cat sat on a mat", "a dog barked"], references)
    assert 0 < worse["bleu"] < 100 and 0 < worse["chrf"] < 100
    assert worse["exact_match"] == 0.0


def test_lengths_must_match():
    with pytest.raises(ValueError, match="got 1 outputs and 2 references"):
        score_outputs(["a"], ["a", "b"])
