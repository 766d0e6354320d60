"""`python -m newsstance.training ...` is `newsstance train ...`."""

import sys

from newsstance.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
