"""A ``.conv`` dialogue corpus; the embedded default is ``chatterbot-corpus``."""

from __future__ import annotations

from rnn_pipeline.datasets.raw_text_dataset import RawTextDataset
from rnn_pipeline.text.chatterbot import chatterbot_conversations
from rnn_pipeline.text.conv import format_conv


class ConvCorpusDataset(RawTextDataset):
    """A ``.conv`` file, or with ``fallback: <language>`` the conversations of that
    language of the installed ``chatterbot-corpus`` package, in ``.conv`` form."""

    expected_format = (
        "a .conv file ('E' opens a conversation, 'M <utterance>' is each turn)"
    )
    log_label = "Chat corpus"  # the words README quotes

    def _default(self) -> tuple[str, str]:
        conversations = chatterbot_conversations(self._fallback)
        source = (
            f"chatterbot-corpus/{self._fallback} (embedded default, "
            f"{len(conversations)} conversations)"
        )
        return source, format_conv(conversations)
