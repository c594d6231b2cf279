"""`replyguard train`: fits the attack sentence classifier shipped with the checks.

Training data, all labelled per sentence:

- `evals/paraphrases/<lang>.yaml` and `evals/paraphrases/<set>/<lang>.yaml`:
  sentences written for this in all nine languages (and Traditional Chinese), attacks
  in many styles and hard look-alikes that are fine (`replies/` holds the attacking
  sentences of whole replies; their other sentences, under `context`, are not read);
- the real replies of `evals/real/dev/`: the sentences a labeller marked as the attack
  in a reply that fails `no_attack`, and every sentence of replies that pass it;
- the sentences of the draft corpus' `no_attack` pass cases;
- the sentences of the service's own reply templates (`prompts/templates/`), which the
  checks must pass: a calm "something may have been mixed up" is theirs to say.

The blind split is never read here. The threshold is chosen on out-of-fold scores, so
it reflects sentences the model has not seen: the lowest one at which at most
`MAX_FALSE_ALARMS` of the ordinary reply sentences (real replies and the draft corpus,
not the look-alikes written to be hard) are flagged. A false alarm costs a good reply,
and a reply has several sentences.
"""

from __future__ import annotations

import random
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from replyguard import resources
from replyguard_checks import (
    ATTACK_BITS,
    ATTACK_MODEL_FILE,
    AttackModel,
    CheckContext,
    Contact,
    attack_buckets,
    attack_sentences,
    mask_terms,
    normalize,
)

from .corpus import CORPUS_DIR, REAL_DIR, load_corpus, yaml_strings

PARAPHRASES_DIR = resources.paraphrases_dir()
TEMPLATES_DIR = resources.prompts_dir() / "templates"
DEFAULT_OUT = resources.checks_data_dir()
MAX_FALSE_ALARMS = 0.002
_FOLDS = 5
_SEED = 20261207


@dataclass(frozen=True, slots=True)
class Sample:
    sentence: str
    label: int
    origin: str
    #: The language the check reads the sentence in (its lemmas are features).
    language: str = ""


def paraphrase_samples(folder: Path = PARAPHRASES_DIR) -> list[Sample]:
    samples: list[Sample] = []
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = path.relative_to(folder).with_suffix("").as_posix()
        for label, key in ((1, "attack"), (0, "not_attack")):
            samples += [
                Sample(normalize(text), label, f"paraphrases/{where}", data["language"])
                for text in data.get(key) or []
            ]
    return samples


def real_samples(folder: Path = REAL_DIR / "dev") -> list[Sample]:
    """Sentences of the real dev split: marked attacks, and the sentences of replies
    that do not attack (the rest of an attacking reply is left out: unmarked is not
    the same as harmless)."""
    samples: list[Sample] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        language = data["language"]
        for item in data["items"]:
            names = _names(item)
            expect, _ = item["labels"]["no_attack"]
            if expect == "fail":
                samples += [
                    Sample(mask_terms(normalize(s), names), 1, f"real/{item['id']}", language)
                    for s in item.get("attack_sentences") or []
                ]
            else:
                text = mask_terms(normalize(item["reply"]), names)
                samples += [
                    Sample(s, 0, f"real/{item['id']}", language) for s in attack_sentences(text)
                ]
    return samples


def corpus_samples(folder: Path = CORPUS_DIR) -> list[Sample]:
    """Sentences of the draft corpus' drafts that must pass `no_attack`."""
    samples: list[Sample] = []
    seen: set[str] = set()
    for draft in load_corpus(folder):
        if draft.check != "no_attack" or draft.should_fail or draft.draft in seen:
            continue
        seen.add(draft.draft)
        text = mask_terms(normalize(draft.draft), draft.context.names)
        samples += [Sample(s, 0, "corpus", draft.language) for s in attack_sentences(text)]
    return samples


#: What a template slot is filled with when its sentences become training samples.
_SLOT = re.compile(r"\{[a-z_]+\}")


def template_samples(folder: Path = TEMPLATES_DIR) -> list[Sample]:
    """Every sentence of the reply templates, slots blanked: the service's own words."""
    samples: list[Sample] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for text in dict.fromkeys(yaml_strings(data)):
            filled = normalize(_SLOT.sub(" ", text))
            samples += [Sample(s, 0, "templates", path.stem) for s in attack_sentences(filled)]
    return samples


def _names(item: dict[str, Any]) -> list[str]:
    """The names the checks mask in this reply (reviewer, contact, business)."""
    return CheckContext(
        review_text=item["review"],
        language="en",
        contact=Contact(**item["contact"]),
        business_name=item["business"],
        reviewer_name=item.get("reviewer_name"),
    ).names


def _matrix(samples: Iterable[Sample]) -> Any:
    """One row per sentence over the 2**BITS table slots, as the check scores it: a
    feature counts once, two features in one slot count twice."""
    from scipy.sparse import csr_matrix

    rows: list[int] = []
    slots: list[int] = []
    for row, sample in enumerate(samples):
        found = attack_buckets(sample.sentence, sample.language)
        slots += found
        rows += [row] * len(found)
    ones = [1.0] * len(rows)
    return csr_matrix((ones, (rows, slots)), shape=(max(rows, default=0) + 1, 1 << ATTACK_BITS))


def _fit(samples: list[Sample], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(_matrix(samples), [s.label for s in samples])
    return model


def _out_of_fold(samples: list[Sample], c: float) -> list[float]:
    order = list(range(len(samples)))
    random.Random(_SEED).shuffle(order)
    scores = [0.0] * len(samples)
    for fold in range(_FOLDS):
        held = set(order[fold::_FOLDS])
        model = _fit([s for i, s in enumerate(samples) if i not in held], c)
        rows = sorted(held)
        probs = model.predict_proba(_matrix(samples[i] for i in rows))
        for i, p in zip(rows, probs[:, 1], strict=True):
            scores[i] = float(p)
    return scores


def choose_threshold(scores: list[float], samples: list[Sample]) -> tuple[float, dict[str, float]]:
    """The lowest threshold that flags at most MAX_FALSE_ALARMS of ordinary sentences,
    with the recall it buys on every attack and on the real ones."""
    ordinary = [s for s, x in zip(scores, samples, strict=True) if not x.label and _natural(x)]
    attacks = [(s, x) for s, x in zip(scores, samples, strict=True) if x.label]
    real = [s for s, x in attacks if _natural(x)]
    for step in range(500, 1000):
        threshold = step / 1000
        alarms = sum(s >= threshold for s in ordinary) / max(1, len(ordinary))
        if alarms <= MAX_FALSE_ALARMS:
            return threshold, {
                "false_alarms": round(alarms, 4),
                "recall": round(sum(s >= threshold for s, _ in attacks) / max(1, len(attacks)), 4),
                "recall_real": round(sum(s >= threshold for s in real) / max(1, len(real)), 4),
            }
    return 1.0, {"false_alarms": 0.0, "recall": 0.0, "recall_real": 0.0}


def _natural(sample: Sample) -> bool:
    """A sentence as replies really come, not one written for training."""
    return not sample.origin.startswith("paraphrases")


def train(c: float = 0.5) -> tuple[AttackModel, dict[str, Any]]:
    samples = [*paraphrase_samples(), *real_samples(), *corpus_samples(), *template_samples()]
    samples = [s for s in samples if s.sentence]
    threshold, held_out = choose_threshold(_out_of_fold(samples, c), samples)
    model = _fit(samples, c)
    weights = array("f", model.coef_[0])
    origins: dict[str, int] = {}
    for s in samples:
        key = s.origin.split("/")[0]
        origins[key] = origins.get(key, 0) + 1
    summary = {
        "sentences": len(samples),
        "attacks": sum(s.label for s in samples),
        "by_origin": origins,
        "slots_used": sum(w != 0.0 for w in weights),
        "c": c,
        "threshold": threshold,
        "out_of_fold": held_out,
    }
    built = AttackModel(
        bias=float(model.intercept_[0]),
        weights=weights,
        threshold=threshold,
        trained_on=summary,
    )
    return built, summary


def write(model: AttackModel, folder: Path = DEFAULT_OUT) -> Path:
    """The model in `folder`, made if it does not exist yet (`train --out new/`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ATTACK_MODEL_FILE
    model.save(path)
    return path
