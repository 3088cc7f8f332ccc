"""Offline grid for the intent classifier (seconds per variant, no Rasa training).

Ranks variants of the committed classifier (bot/nlp/intent_classifier.py): logistic
regression over tf-idf char and word n-grams plus the MiniLM sentence vector. For each
variant it prints the own held-out accuracy (Rasa's own 80/20 split with seed 42, the
split bench/nlu_report.py scores) and, for a model fitted on all of the data, the dev
set's in-scope accuracy / false-accept rate, at several FallbackClassifier settings
(threshold/ambiguity, applied as Rasa does). On the committed pipeline its figures equal
those of bench/nlu_report.py's Rasa models; the committed figures still come from there.

    .venv/bin/python bench/nlu_linear_grid.py                      # the variants
    .venv/bin/python bench/nlu_linear_grid.py --data /tmp/other/nlu  # a data variant, C = 20
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The dev set, the FallbackClassifier's reading of a ranking and the dev-set scoring
# rules are bench/nlu_report.py's, so both scripts score the same way.
from bench.nlu_report import (  # noqa: E402
    DEFAULT_DEV,
    Prediction,
    dev_scores,
    holdout_scores,
    load_dev,
)


def _vectorizers(texts: list[str], chars: tuple[int, int], words: bool, use_chars: bool) -> list:
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = []
    if use_chars:
        out.append(TfidfVectorizer(analyzer="char_wb", ngram_range=chars, sublinear_tf=True))
    if words:
        out.append(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True))
    return [v.fit(texts) for v in out]


def _matrix(vecs: list, texts: list[str], emb: np.ndarray, weight: float) -> sp.csr_matrix:
    return sp.hstack([v.transform(texts) for v in vecs] + [sp.csr_matrix(emb * weight)]).tocsr()


# FallbackClassifier (threshold, ambiguity) settings scored for each variant.
SETTINGS = ((0.0, 0.0), (0.2, 0.02), (0.2, 0.05), (0.3, 0.05), (0.3, 0.1))


def _predictions(
    classes: np.ndarray, p: np.ndarray, rows: list[tuple[str, str]]
) -> list[Prediction]:
    """Each probability row as nlu_report.py's prediction (ranking best first)."""
    out = []
    for (text, gold), row in zip(rows, p, strict=True):
        scored = zip(map(str, classes), map(float, row), strict=True)
        ranking = sorted(scored, key=lambda r: -r[1])
        out.append(Prediction(text, gold, ranking[0][0], ranking[0][1], ranking))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "nlu")
    args = parser.parse_args()

    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    from bot.nlp.minilm_featurizer import DEFAULT_MODEL, load_encoder

    data = load_data(str(args.data))
    train, test = data.train_test_split(train_frac=0.8, random_seed=42)
    texts = [str(m.get("text")) for m in data.intent_examples]
    y = np.array([str(m.get("intent")) for m in data.intent_examples])
    dev, _ = load_dev(DEFAULT_DEV)
    dev_texts = [text for text, _ in dev]
    encoder = load_encoder(str(ROOT / DEFAULT_MODEL))
    emb = np.stack([e.sentence_vector for e in encoder.encode(texts)])
    dev_emb = np.stack([e.sentence_vector for e in encoder.encode(dev_texts)])
    row_of = {t: i for i, t in enumerate(texts)}  # Rasa refuses duplicate examples
    tr = np.array([row_of[str(m.get("text"))] for m in train.intent_examples])
    te = np.array([row_of[str(m.get("text"))] for m in test.intent_examples])
    tt = np.array(texts, dtype=object)

    def run(name: str, make: Callable[[], Any], weight: float = 1.0, **kw: Any) -> None:
        chars, words, use_chars = kw.get("chars", (2, 5)), kw.get("words", True), kw.get(
            "use_chars", True
        )
        vecs = _vectorizers(list(tt[tr]), chars, words, use_chars)
        clf = make().fit(_matrix(vecs, list(tt[tr]), emb[tr], weight), y[tr])
        p = clf.predict_proba(_matrix(vecs, list(tt[te]), emb[te], weight))
        held = _predictions(clf.classes_, p, list(zip(tt[te], y[te], strict=True)))
        vecs = _vectorizers(texts, chars, words, use_chars)
        clf = make().fit(_matrix(vecs, texts, emb, weight), y)
        p = clf.predict_proba(_matrix(vecs, dev_texts, dev_emb, weight))
        on_dev = _predictions(clf.classes_, p, dev)
        cells = []
        for threshold, ambiguity in SETTINGS:
            labels = [h.with_threshold(threshold, ambiguity) for h in held]
            held_out = holdout_scores(held, labels)["accuracy"]
            scores = dev_scores(on_dev, [d.with_threshold(threshold, ambiguity) for d in on_dev])
            ins, fa = scores["in_scope_accuracy"], scores["false_accept_rate"]
            cells.append(f"{threshold}/{ambiguity}: {held_out:.3f} {ins:.3f} {fa:.3f}")
        print(f"{name:12} (held-out, dev in-scope, false accepts)  {' | '.join(cells)}", flush=True)

    def lr(c: float) -> Callable[[], Any]:
        return lambda: LogisticRegression(C=c, max_iter=5000)

    run("C20 (kept)", lr(20))
    if args.data != ROOT / "data" / "nlu":
        return 0
    run("w2 C50", lr(50), weight=2.0)
    run("char 1-5", lr(20), chars=(1, 5))
    run("char 3-6", lr(20), chars=(3, 6))
    run("no char", lr(20), use_chars=False)
    run("no word", lr(20), words=False)
    run("svm", lambda: CalibratedClassifierCV(LinearSVC(C=1.0), cv=5))
    run("vector only", lr(20), use_chars=False, words=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
