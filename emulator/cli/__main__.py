"""``python -m ringvm.emulator.cli``: the ``ringvm`` command."""
import sys

from . import main

sys.exit(main())
