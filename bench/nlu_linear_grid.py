"""Offline grid for the intent classifier (seconds per variant, no Rasa training).

Ranks variants of the committed classifier (bot/nlp/intent_classifier.py): logistic
regression over tf-idf char and word n-grams plus the MiniLM sentence vector. For each
variant it prints the own held-out accuracy (stratified 20 %, seed 42) and, for a model
fitted on all of data/nlu, the dev set's in-scope accuracy / false-accept rate at
confidence thresholds 0, 0.3, 0.4 and 0.5 (scored as bench/nlu_report.py does). The
committed figures come from bench/nlu_report.py on real Rasa models; this only ranks.

    .venv/bin/python bench/nlu_linear_grid.py
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TASK = {
    "check_bill", "explain_bill", "pay_bill", "payment_history", "payment_arrangement",
    "account_overview", "check_data_usage", "change_plan", "update_contact_details",
    "report_problem", "check_outage", "request_service", "check_ticket_status",
    "cancel_ticket", "human_handoff",
}
DEV = ROOT.parent / "shared" / "benchmarks" / "nlu" / "dev.jsonl"


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


def main() -> int:
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.svm import LinearSVC

    from bot.nlp.minilm_featurizer import DEFAULT_MODEL, load_encoder

    data = load_data(str(ROOT / "data" / "nlu"))
    texts = [str(m.get("text")) for m in data.intent_examples]
    y = np.array([str(m.get("intent")) for m in data.intent_examples])
    dev = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    dev_texts = [d["text"] for d in dev]
    encoder = load_encoder(str(ROOT / DEFAULT_MODEL))
    emb = np.stack([e.sentence_vector for e in encoder.encode(texts)])
    dev_emb = np.stack([e.sentence_vector for e in encoder.encode(dev_texts)])
    tr, te = train_test_split(np.arange(len(y)), test_size=0.2, random_state=42, stratify=y)
    tt = np.array(texts, dtype=object)

    def run(name: str, make: Callable[[], Any], weight: float = 1.0, **kw: Any) -> None:
        chars, words, use_chars = kw.get("chars", (2, 5)), kw.get("words", True), kw.get(
            "use_chars", True
        )
        vecs = _vectorizers(list(tt[tr]), chars, words, use_chars)
        clf = make().fit(_matrix(vecs, list(tt[tr]), emb[tr], weight), y[tr])
        p = clf.predict_proba(_matrix(vecs, list(tt[te]), emb[te], weight))
        held_out = float(np.mean(clf.classes_[p.argmax(1)] == y[te]))
        vecs = _vectorizers(texts, chars, words, use_chars)
        clf = make().fit(_matrix(vecs, texts, emb, weight), y)
        p = clf.predict_proba(_matrix(vecs, dev_texts, dev_emb, weight))
        cells = []
        for threshold in (0.0, 0.3, 0.4, 0.5):
            pred = [
                clf.classes_[i] if row[i] >= threshold else "nlu_fallback"
                for row, i in zip(p, p.argmax(1), strict=True)
            ]
            rows = list(zip(pred, dev, strict=True))
            ins = np.mean([a == d["intent"] for a, d in rows if d["intent"] != "out_of_scope"])
            oos = [a for a, d in rows if d["intent"] == "out_of_scope"]
            fa = sum(a in TASK for a in oos) / len(oos)
            cells.append(f"{threshold}: {ins:.3f}/{fa:.3f}")
        print(f"{name:14} held-out {held_out:.3f}  dev in-scope/false accepts  {'  '.join(cells)}")

    def lr(c: float) -> Callable[[], Any]:
        return lambda: LogisticRegression(C=c, max_iter=5000)

    run("C20 (kept)", lr(20))
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
