"""Errors raised for input a user can fix."""


class CorpusError(ValueError):
    """A corpus or a data set derived from it is not what the pipeline expects.

    The message says what was expected, what came in and, where it applies, the file
    and line.
    """
