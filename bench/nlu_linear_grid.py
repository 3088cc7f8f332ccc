"""Offline grid for the intent classifier (seconds per variant, no Rasa training).

Ranks variants of the committed classifier (bot/nlp/intent_classifier.py): logistic
regression over tf-idf char and word n-grams plus the MiniLM and e5 sentence vectors
side by side (config.yml's ``sentence_features: [minilm, e5]``). For each
variant it prints the own held-out accuracy (Rasa's own 80/20 split with seed 42, the
split bench/nlu_report.py scores) and, for a model fitted on all of the data, the dev
set's in-scope accuracy / false-accept rate, at several FallbackClassifier settings
(threshold/ambiguity, applied as Rasa does). On the committed pipeline its figures equal
those of bench/nlu_report.py's Rasa models; the committed figures still come from there.

    .venv/bin/python bench/nlu_linear_grid.py                      # the variants
    .venv/bin/python bench/nlu_linear_grid.py --data /tmp/other/nlu  # a data variant, C = 20
    .venv/bin/python bench/nlu_linear_grid.py --misses               # + dev misses as counts
    .venv/bin/python bench/nlu_linear_grid.py --vectors texts.json vectors.npy --vectors-mode add
    .venv/bin/python bench/nlu_linear_grid.py --tol 1e-3 --max-iter 300  # kept vs a cheaper fit

--misses prints the kept variant's in-scope dev misses as counts per (source label, gold,
predicted), never their text. --vectors scores another sentence encoder without writing
its forward pass: a JSON list of texts (every training example and dev row) and an
aligned .npy of unit vectors from it, added to the MiniLM vector or replacing it (how
session 6 measured all-mpnet-base-v2: docs/nlu.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
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


KEPT = "C20 (kept)"
KEPT_SETTING = (0.2, 0.02)  # config.yml's FallbackClassifier


def _with_vectors(
    files: list[Path], mode: str, texts: list[str], dev_texts: list[str],
    emb: np.ndarray, dev_emb: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Another encoder's vectors for the same texts, added to MiniLM's or replacing them."""
    import json

    names = json.loads(files[0].read_text(encoding="utf-8"))
    vectors = np.load(files[1])
    if len(names) != len(vectors):
        raise SystemExit(f"{files[0]} has {len(names)} texts but {files[1]} {len(vectors)} rows")
    of = dict(zip(names, vectors, strict=True))
    missing = [t for t in texts + dev_texts if t not in of]
    if missing:
        raise SystemExit(f"{len(missing)} texts have no vector in {files[1]}")
    ext, dev_ext = np.stack([of[t] for t in texts]), np.stack([of[t] for t in dev_texts])
    if mode == "replace":
        return ext, dev_ext
    return np.hstack([emb, ext]), np.hstack([dev_emb, dev_ext])


def _miss_counts(
    preds: list[Prediction], labels: list[str], sources: list[str]
) -> Counter[tuple[str, str, str]]:
    """In-scope dev misses counted per (gold, predicted, source label): no text."""
    return Counter(
        (p.gold, label, source)
        for p, label, source in zip(preds, labels, sources, strict=True)
        if p.gold != "out_of_scope" and label != p.gold
    )


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
    parser.add_argument("--misses", action="store_true", help="dev misses as counts")
    parser.add_argument("--vectors", nargs=2, type=Path, metavar=("TEXTS_JSON", "VECTORS_NPY"))
    parser.add_argument("--vectors-mode", choices=("add", "replace"), default="add")
    parser.add_argument("--tol", type=float, help="also the kept variant at this tolerance")
    parser.add_argument("--max-iter", type=int, help="also the kept variant with this cap")
    args = parser.parse_args()

    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    from bot.nlp.e5_encoder import DEFAULT_PACKAGE as E5_PACKAGE
    from bot.nlp.e5_encoder import load_e5
    from bot.nlp.minilm_featurizer import DEFAULT_MODEL, load_encoder

    data = load_data(str(args.data))
    train, test = data.train_test_split(train_frac=0.8, random_seed=42)
    texts = [str(m.get("text")) for m in data.intent_examples]
    y = np.array([str(m.get("intent")) for m in data.intent_examples])
    dev, sources = load_dev(DEFAULT_DEV)
    dev_texts = [text for text, _ in dev]
    encoder = load_encoder(str(ROOT / DEFAULT_MODEL))
    minilm = np.stack([e.sentence_vector for e in encoder.encode(texts)])
    dev_minilm = np.stack([e.sentence_vector for e in encoder.encode(dev_texts)])
    e5 = load_e5(str(ROOT / E5_PACKAGE))
    emb = np.hstack([minilm, e5.encode(texts)])
    dev_emb = np.hstack([dev_minilm, e5.encode(dev_texts)])
    if args.vectors:
        mode = args.vectors_mode
        emb, dev_emb = _with_vectors(args.vectors, mode, texts, dev_texts, emb, dev_emb)
    all_emb, all_dev_emb = emb, dev_emb
    row_of = {t: i for i, t in enumerate(texts)}  # Rasa refuses duplicate examples
    tr = np.array([row_of[str(m.get("text"))] for m in train.intent_examples])
    te = np.array([row_of[str(m.get("text"))] for m in test.intent_examples])
    tt = np.array(texts, dtype=object)

    def run(name: str, make: Callable[[], Any], weight: float = 1.0, **kw: Any) -> None:
        emb, dev_emb = kw.get("vectors", (all_emb, all_dev_emb))
        chars, words, use_chars = kw.get("chars", (2, 5)), kw.get("words", True), kw.get(
            "use_chars", True
        )
        vecs = _vectorizers(list(tt[tr]), chars, words, use_chars)
        clf = make().fit(_matrix(vecs, list(tt[tr]), emb[tr], weight), y[tr])
        p = clf.predict_proba(_matrix(vecs, list(tt[te]), emb[te], weight))
        held = _predictions(clf.classes_, p, list(zip(tt[te], y[te], strict=True)))
        vecs = _vectorizers(texts, chars, words, use_chars)
        started = time.process_time()
        clf = make().fit(_matrix(vecs, texts, emb, weight), y)
        fit_cpu = time.process_time() - started
        p = clf.predict_proba(_matrix(vecs, dev_texts, dev_emb, weight))
        on_dev = _predictions(clf.classes_, p, dev)
        cells = []
        for threshold, ambiguity in SETTINGS:
            labels = [h.with_threshold(threshold, ambiguity) for h in held]
            held_out = holdout_scores(held, labels)["accuracy"]
            scores = dev_scores(on_dev, [d.with_threshold(threshold, ambiguity) for d in on_dev])
            ins, fa = scores["in_scope_accuracy"], scores["false_accept_rate"]
            cells.append(f"{threshold}/{ambiguity}: {held_out:.3f} {ins:.3f} {fa:.3f}")
        print(f"{name:12} (held-out, dev in-scope, false accepts)  {' | '.join(cells)}"
              f"  [fit on all data: {fit_cpu:.0f} s CPU]", flush=True)
        if args.misses and name == KEPT:
            kept = [d.with_threshold(*KEPT_SETTING) for d in on_dev]
            for (gold, got, source), n in _miss_counts(on_dev, kept, sources).most_common():
                print(f"  {n:3} {source}: {gold} -> {got}")

    def lr(c: float, tol: float = 1e-4, max_iter: int = 5000) -> Callable[[], Any]:
        return lambda: LogisticRegression(C=c, max_iter=max_iter, tol=tol)

    run(KEPT, lr(20))
    if args.tol is not None or args.max_iter is not None:
        tol, cap = args.tol or 1e-4, args.max_iter or 5000
        run(f"tol {tol:g} it {cap}", lr(20, tol, cap))
        return 0
    if args.data != ROOT / "data" / "nlu" or args.vectors:
        return 0
    run("MiniLM only", lr(20), vectors=(minilm, dev_minilm))  # sessions 3-6's classifier
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
