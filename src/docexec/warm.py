"""Imported by the warm worker (the fork server) only, after everything it preloads.

When the build that started it ends, the fork server sees its end of a pipe close and exits the
normal way: finalising an interpreter that holds torch, about 0.3 s during which it still holds
the build's stdout and stderr, so whoever reads the build's output (``make``, CI, the benchmark)
waits for it. Nothing in it needs finalising (the files ran in processes forked from it, which
end with ``os._exit``), so it leaves at once.
"""

import atexit
import os

atexit.register(os._exit, 0)  # registered last, so it runs first
