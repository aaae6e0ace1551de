"""The exit codes of the ``vnpolicy`` command, in one place: ``cli`` and ``batch`` both
import them from here, so that neither has to import the other."""

EXIT_OK = 0            # success
EXIT_INPUT = 1         # an input could not be read, or (batch) some record got an error line
EXIT_USAGE = 2         # bad command line, or a missing optional extra
EXIT_MODEL = 3         # the language model directory is invalid
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM

__all__ = ["EXIT_OK", "EXIT_INPUT", "EXIT_USAGE", "EXIT_MODEL", "EXIT_INTERRUPTED"]
