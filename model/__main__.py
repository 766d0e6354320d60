"""`python -m newsstance ...` is the `newsstance ...` command."""

import sys

from newsstance.cli import main

if __name__ == "__main__":
    sys.exit(main())
