"""`CheckSuite.run` calls each validator itself; guardrails' `Guard` must agree."""

from __future__ import annotations

from guardrails.validators import FailResult, PassResult, register_validator

from replyguard_checks import CheckContext, CheckSuite, ReplyCheck, Verdict
from replyguard_evals.corpus import load_corpus


def test_run_gives_the_guards_outcomes(suite: CheckSuite) -> None:
    drafts = load_corpus()[::7]
    assert len(drafts) > 50
    by_alias = {c.rail_alias: c.name for c in suite.checks}
    for item in drafts:
        ours = {r.name: (r.passed, r.message) for r in suite.run(item.draft, item.context)}
        suite.guard.validate(item.draft, metadata=item.context.metadata)
        iteration = suite.guard.history.last.iterations.last
        theirs = {}
        for log in iteration.validator_logs:
            result = log.validation_result
            assert isinstance(result, PassResult | FailResult)
            passed = isinstance(result, PassResult)
            message = (
                (result.metadata or {}).get("replyguard_message", "Passed.")
                if passed
                else result.error_message
            )
            theirs[by_alias[log.registered_name]] = (passed, message)
        assert ours == theirs, item.draft


def test_a_check_that_crashes_fails_the_draft(suite: CheckSuite) -> None:
    item = load_corpus()[0]
    broken = CheckSuite([_Broken()])
    [result] = broken.run(item.draft, item.context)
    assert not result.passed
    assert "could not run (RuntimeError)" in result.message


@register_validator(name="replyguard-tests/broken", data_type="string")
class _Broken(ReplyCheck):
    name = "broken"

    def check(self, text: str, context: CheckContext) -> Verdict:
        raise RuntimeError("boom")
