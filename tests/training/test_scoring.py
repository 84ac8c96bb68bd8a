import pytest

from rnn_pipeline.training.scoring import character_accuracy, diversity, score_outputs


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


def test_diversity_of_a_generic_chatbot_and_of_varied_replies():
    generic = diversity(["我是"] * 9 + ["你好"])
    assert generic["top_reply_share"] == 0.9
    assert generic["distinct_1"] == pytest.approx(4 / 20)
    assert generic["distinct_2"] == pytest.approx(2 / 10)
    varied = diversity(["今天很好", "明日下雨", "我不知道"])
    assert varied["top_reply_share"] == pytest.approx(1 / 3)
    assert varied["distinct_1"] == 1.0 and varied["distinct_2"] == 1.0


def test_diversity_bigrams_stay_within_a_reply():
    # "ab" + "cd": the bigram "bc" across the two replies is not counted.
    assert diversity(["ab", "cd"])["distinct_2"] == 1.0
    assert diversity(["a", "b"])["distinct_2"] == 0.0
    with pytest.raises(ValueError, match="at least one reply"):
        diversity([])


def test_the_bleu_tokenizer_follows_the_references_script():
    from rnn_pipeline.training.scoring import bleu_tokenizer_for

    assert bleu_tokenizer_for(["我很好", "你呢"]) == "zh"
    assert bleu_tokenizer_for(["I am fine, thanks"]) == "13a"
    assert bleu_tokenizer_for(["2021-06-07"]) == "13a"
    # Unsplit Chinese is one word to 13a: a near miss scores 0 there, not under zh.
    near = (["我今天很好"], ["我今天很好啊"])
    assert score_outputs(*near, "13a")["bleu"] == 0.0
    assert score_outputs(*near)["bleu"] == score_outputs(*near, "zh")["bleu"] > 0
