"""Parameter groups of the translator: the seq2seq template's, nothing more."""

from __future__ import annotations

from rnn_pipeline.pipelines.options import Groups
from rnn_pipeline.pipelines.seq2seq.options import GROUPS as SEQ2SEQ_GROUPS

GROUPS: Groups = dict(SEQ2SEQ_GROUPS)
