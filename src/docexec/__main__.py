"""``python -m docexec``: see `docexec.cli`."""

import sys

from docexec.cli import main

if __name__ == "__main__":
    sys.exit(main())
