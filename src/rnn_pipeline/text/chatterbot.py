"""The embedded default dialogue corpus: the Chinese part of ``chatterbot-corpus``.

The package ships YAML files of short conversations; reading them from the installed
package means a fresh machine has a real corpus with no download.
"""

from __future__ import annotations

import logging
from importlib import resources

import yaml

logger = logging.getLogger(__name__)

PACKAGE = "chatterbot_corpus"


def chatterbot_conversations(language: str = "chinese") -> list[list[str]]:
    """Read every conversation of one language of ``chatterbot-corpus``.

    Args:
        language: Folder name under ``chatterbot_corpus/data`` (``chinese``,
            ``traditionalchinese``, ``english``, ...).

    Returns:
        Conversations as lists of utterances, in file-name order.

    Raises:
        FileNotFoundError: If the package or the language is not installed.
    """
    try:
        root = resources.files(PACKAGE) / "data" / language
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            f"the embedded default corpus needs the '{PACKAGE}' package; "
            "install the project with `make install`"
        ) from exc
    if not root.is_dir():
        raise FileNotFoundError(f"{PACKAGE} has no language folder {language!r}")
    conversations: list[list[str]] = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yml"):
            continue
        content = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for conversation in content.get("conversations") or []:
            # Collapse line breaks and runs of spaces so every turn stays one line.
            turns = [" ".join(str(turn).split()) for turn in conversation if turn]
            if turns:
                conversations.append(turns)
    return conversations
