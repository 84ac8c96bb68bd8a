"""Errors raised for input a user can fix.

The project's ``kedro run`` shows these as one line (what was expected, what came in,
which file), not as a traceback.
"""


class UserInputError(ValueError):
    """Input a user can fix: a corpus, a parameter, a missing file."""


class CorpusError(UserInputError):
    """A corpus or a data set derived from it is not what the pipeline expects.

    The message says what was expected, what came in and, where it applies, the file
    and line.
    """


class OptionsError(UserInputError):
    """A parameter group in ``conf/`` has an unknown key or a bad value."""
