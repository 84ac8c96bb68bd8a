"""Parameter groups of the chatbot: the seq2seq template's, and how turns pair."""

from __future__ import annotations

from typing import Literal

from rnn_pipeline.pipelines.options import Groups, Options
from rnn_pipeline.pipelines.seq2seq.options import GROUPS as SEQ2SEQ_GROUPS


class PairingOptions(Options):
    """How turns become pairs: ``consecutive`` (every turn answers the previous one)
    or ``two_turn`` (conversations of exactly two turns only)."""

    pairing: Literal["consecutive", "two_turn"] = "consecutive"


GROUPS: Groups = {"pairing_options": PairingOptions, **SEQ2SEQ_GROUPS}
