"""Build the project's spaCy pipeline without downloading anything.

Rasa's ``SpacyNLP`` component needs a spaCy pipeline on disk. Instead of a
downloaded model this module assembles one from ``spacy.blank("en")`` (the
tokenizer with English exceptions) plus a lookup lemmatizer whose tables come
from the ``spacy-lookups-data`` package, which is installed from PyPI like any
other dependency. Lemmas let the count-vector featurizer treat "paid", "paying"
and "pays" as one word, which helps with the small training set.

The pipeline is rebuilt only when it is missing or was built by a different
recipe (``BUILD_VERSION``) or spaCy version.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

from bot.nlp.thesaurus import lemma_entries

PIPELINE_NAME = "en_telecomnet"
# Bump when the recipe below changes, so existing builds are replaced.
BUILD_VERSION = "1.2.0"
_STAMP = "telecomnet-build.json"


def _stamp_content() -> dict[str, str]:
    return {"build_version": BUILD_VERSION, "spacy_version": spacy.__version__}


def is_current(target: Path) -> bool:
    """True when ``target`` holds a pipeline built by this recipe and spaCy version."""
    stamp = target / _STAMP
    if not (target / "config.cfg").is_file() or not stamp.is_file():
        return False
    try:
        return bool(json.loads(stamp.read_text(encoding="utf-8")) == _stamp_content())
    except (OSError, ValueError):
        return False


# Split "4/5" (a rating) and "12/15" (a date) into their numbers, as people type them.
_EXTRA_INFIXES = (r"(?<=[0-9])/(?=[0-9])",)


def make_pipeline() -> Language:
    """Assemble the pipeline in memory: blank English tokenizer + lookup lemmatizer."""
    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes or []) + list(_EXTRA_INFIXES)
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() loads the lemma lookup tables from spacy-lookups-data.
    nlp.initialize()
    lemmatizer = nlp.get_pipe("lemmatizer")
    assert isinstance(lemmatizer, Lemmatizer)
    table = lemmatizer.lookups.get_table("lemma_lookup")
    for form, canonical in lemma_entries():
        table[form] = canonical
    nlp.meta["name"] = "telecomnet"
    nlp.meta["version"] = BUILD_VERSION
    nlp.meta["description"] = (
        "TeleComNet assistant pipeline: blank English tokenizer, lookup lemmatizer "
        "with a telecom thesaurus"
    )
    return nlp


def build(target: Path) -> Path:
    """Build the pipeline into ``target`` unless an up-to-date build is already there.

    The new build is written next to ``target`` and moved into place, so an
    interrupted build never leaves a half-written pipeline behind.
    """
    target = Path(target)
    if is_current(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".building")
    if staging.exists():
        shutil.rmtree(staging)
    nlp = make_pipeline()
    nlp.to_disk(staging)
    (staging / _STAMP).write_text(json.dumps(_stamp_content()), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target
