"""Where the data files are: prompts, templates, cues, scenarios, eval cases, corpora.

The checkout keeps them in `prompts/` and `evals/`; pyproject.toml maps those folders
to the data packages `replyguard_prompts` and `replyguard_eval_data`, so the wheel
carries them and an editable install reads the checkout. Both are found through
importlib.resources, never by counting folders up from a source file, which breaks
as soon as the code is installed anywhere else.

A prompts folder (the shipped one, or a business's own copy named by
REPLYGUARD_PROMPTS_DIR) has one layout, described here once.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PROMPTS_PACKAGE = "replyguard_prompts"
EVAL_DATA_PACKAGE = "replyguard_eval_data"
CHECKS_PACKAGE = "replyguard_checks"


def _folder(package: str) -> Path:
    """A data package's folder on disk; the readers glob and open files in it."""
    root = resources.files(package)
    if not isinstance(root, Path):
        raise RuntimeError(f"{package} must be installed as files on disk, found {root!r}")
    return root


# -- prompts -------------------------------------------------------------------------


def prompts_dir() -> Path:
    """The prompts shipped with replyguard: the default of REPLYGUARD_PROMPTS_DIR."""
    return _folder(PROMPTS_PACKAGE)


def prompt_texts_dir(prompts: Path, profile: str) -> Path:
    """system.md, user.md, reask.md and hints.yaml of a prompt profile: "compact" has
    its own short texts, every other profile the full ones."""
    return prompts / "compact" if profile == "compact" else prompts


def scenarios_file(prompts: Path) -> Path:
    """What the LLM is told about each scenario."""
    return prompts / "scenarios.yaml"


def templates_file(prompts: Path, language: str) -> Path:
    """The template replies of one language."""
    return prompts / "templates" / f"{language}.yaml"


def judge_prompt_file(prompts: Path) -> Path:
    """What the LLM judge is asked about a reply (`judge`); the shipped one for a
    business's prompts folder made before the judge existed."""
    path = prompts / "judge.md"
    return path if path.is_file() else prompts_dir() / "judge.md"


def revise_prompt_file(prompts: Path) -> Path:
    """What the LLM is asked when it edits a person's reply (`revisions.llm_edit`); the
    shipped one for a business's prompts folder made before revisions existed."""
    path = prompts / "revise.md"
    return path if path.is_file() else prompts_dir() / "revise.md"


def revisions_file(prompts: Path, language: str) -> Path:
    """The phrases a revision of a person's reply adds, and how it reads one (the
    shipped ones for a prompts folder made before revisions existed)."""
    path = prompts / "revisions" / f"{language}.yaml"
    return path if path.is_file() else prompts_dir() / "revisions" / f"{language}.yaml"


def cues_file(prompts: Path, language: str) -> Path:
    """The topic, scenario and risk cues of one language."""
    return prompts / "cues" / f"{language}.yaml"


# -- eval data -----------------------------------------------------------------------


def cases_dir() -> Path:
    """The eval dataset, one `<lang>.yaml` a language (`replyguard eval`)."""
    return _folder(EVAL_DATA_PACKAGE) / "cases"


def corpus_dir() -> Path:
    """The labelled draft corpus (`replyguard accuracy`, `replyguard eval`)."""
    return _folder(EVAL_DATA_PACKAGE) / "corpus"


def holdout_dir() -> Path:
    """Drafts written without sight of the checks' code (tuned against since)."""
    return _folder(EVAL_DATA_PACKAGE) / "holdout"


def real_dir() -> Path:
    """Real replies, by split. A checkout only: the wheel does not ship them, so an
    installed `replyguard eval` finds none there and leaves them out of its report."""
    return _folder(EVAL_DATA_PACKAGE) / "real"


def paraphrases_dir() -> Path:
    """The classifier's training sentences (`replyguard train`). A checkout only."""
    return _folder(EVAL_DATA_PACKAGE) / "paraphrases"


def checks_data_dir() -> Path:
    """The checks' own data folder, where `replyguard train` writes the classifier."""
    return _folder(CHECKS_PACKAGE) / "data"
