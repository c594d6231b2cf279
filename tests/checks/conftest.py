from __future__ import annotations

import pytest

from replyguard_checks.suite import CheckSuite


@pytest.fixture(scope="session")
def suite() -> CheckSuite:
    checks = CheckSuite()
    checks.warm_up()
    return checks
