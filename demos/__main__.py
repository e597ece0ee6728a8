"""`python -m demos`: the same as the `chainrule` command."""

import sys

from demos.cli import main

sys.exit(main())
