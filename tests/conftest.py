"""Suite-wide test settings."""
import signal

import pytest


@pytest.fixture(autouse=True)
def fail_instead_of_hanging():
    """A hung pool, cluster or subprocess fails its test after two minutes instead of stalling CI."""
    def expire(signum, frame):
        raise TimeoutError("test ran over 120 s: something hangs")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
