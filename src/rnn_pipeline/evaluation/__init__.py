"""Judging a trained seq2seq model by what a user gets, beside simple baselines.

- ``count_models``: n-gram models of the replies (the baselines, the interpolation
  with the network, the reply language model of MMI), each fitted once;
- ``relevance``: does the model read the prompt? The true reply ranked among
  replies of other pairs (Recall@1 of 10), against a character-overlap floor;
- ``fluency``: how decoded replies read (doubled characters, length, empties,
  perplexity under a language model of the corpus's utterances).

No TensorFlow here: the network's probabilities come from ``training.evaluation``.
"""
