"""``python -m kymatio.core ...``: the ``kymatio`` command line (see :mod:`kymatio.core.cli`)."""
import sys

from kymatio.core.cli import main

sys.exit(main())
