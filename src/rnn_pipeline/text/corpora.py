"""Plain English text that every Python installation carries, for word embeddings."""

from __future__ import annotations

PYDOC_TOPICS = "pydoc_data.topics"


def python_docs_text() -> str:
    """The Python documentation topics bundled with the standard library
    (``pydoc_data.topics``, what ``help('topics')`` shows), one topic after another in
    a stable order: about 65,000 words of English prose on the language."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[name] for name in sorted(topics))
