"""``python -m toolchain`` runs the command line."""

import sys

from toolchain.cli import main

sys.exit(main())
