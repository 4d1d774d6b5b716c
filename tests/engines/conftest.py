"""One behavioural suite for every engine: each test runs once per engine kind
(``engine_kind`` = "python", "native"). Helpers live in ``enginekit.py``."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from enginekit import ENGINES  # noqa: E402


@pytest.fixture(params=ENGINES)
def engine_kind(request):
    return request.param
