"""NLU report: per-intent precision/recall on a held-out split of the project's own
examples, and the external dev-set scores defined in
``../shared/benchmarks/nlu/README.md``.

Usage (from the repository root)::

    .venv/bin/python bench/nlu_report.py                 # both measurements, trains 2 models
    .venv/bin/python bench/nlu_report.py --skip-holdout  # dev set only (trains on all data)
    .venv/bin/python bench/nlu_report.py --model models/nlu.tar.gz --skip-holdout
    .venv/bin/python bench/nlu_report.py --config /tmp/variant.yml --json var/nlu-report.json

The held-out measurement trains a model on a fixed-seed stratified 80 % of
``data/nlu`` and scores the other 20 %. The dev-set measurement uses a model
trained on all of ``data/nlu`` (or the one given with ``--model``); the dev set
is only ever read for scoring, never trained on.

Besides the scores at the configured FallbackClassifier threshold, the report
re-applies the fallback offline at several thresholds (from the intent ranking
without ``nlu_fallback``) so that the threshold can be chosen by measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "benchmarks" / "nlu" / "dev.jsonl"
SPACY_DIR = ROOT / "var" / "spacy" / "en_telecomnet"
FALLBACK = "nlu_fallback"
# The contract's task intents: predicting one of these for out-of-scope text is a false accept.
TASK_INTENTS = frozenset({
    "check_bill", "explain_bill", "pay_bill", "payment_history", "payment_arrangement",
    "account_overview", "check_data_usage", "change_plan", "update_contact_details",
    "report_problem", "check_outage", "request_service", "check_ticket_status",
    "cancel_ticket", "human_handoff",
})
REJECTIONS = frozenset({"out_of_scope", FALLBACK, "chitchat"})
SWEEP = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass
class Prediction:
    text: str
    gold: str
    predicted: str
    confidence: float
    # (intent, confidence) best first, nlu_fallback removed.
    ranking: list[tuple[str, float]] = field(default_factory=list)

    def with_threshold(self, threshold: float, ambiguity: float) -> str:
        """The prediction a FallbackClassifier with these settings would make."""
        if not self.ranking:
            return FALLBACK
        top, conf = self.ranking[0]
        second = self.ranking[1][1] if len(self.ranking) > 1 else 0.0
        if conf < threshold or conf - second < ambiguity:
            return FALLBACK
        return top


# ---------------------------------------------------------------- data and models


def load_dev(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """The dev rows as (text, intent) and, aligned, each row's ``source/source_label``."""
    rows, sources = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                rows.append((str(row["text"]), str(row["intent"])))
                sources.append(f"{row.get('source')}/{row.get('source_label')}")
    return rows, sources


def by_source(
    preds: Sequence[Prediction], labels: Sequence[str], sources: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Aggregate correctness per dev source label (rejection rule for out-of-scope rows)."""
    totals: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for pred, label, source in zip(preds, labels, sources, strict=True):
        key = f"{pred.gold} <- {source}"
        totals[key] += 1
        ok = label in REJECTIONS if pred.gold == "out_of_scope" else label == pred.gold
        correct[key] += int(ok)
    return {key: {"rows": totals[key], "correct": correct[key] / totals[key]}
            for key in sorted(totals)}


def quiet_logging() -> None:
    """Rasa logs every parsed message at debug level; keep the report readable."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def ensure_spacy() -> None:
    sys.path.insert(0, str(ROOT))
    from bot.nlp.spacy_model import build

    build(SPACY_DIR)


TRAIN_CPU_SECONDS: dict[str, float] = {}


def train_model(config: Path, nlu_path: Path, out_dir: Path, name: str) -> tuple[Path, float]:
    """Train an NLU-only model; returns its path and the wall-clock training seconds.

    The process CPU seconds (all threads) go to ``TRAIN_CPU_SECONDS[name]``: on this shared
    machine they say more about the cost than the wall clock does.
    """
    from rasa.model_training import train_nlu

    started, cpu_started = time.perf_counter(), time.process_time()
    model = train_nlu(str(config), str(nlu_path), str(out_dir), fixed_model_name=name)
    seconds = time.perf_counter() - started
    TRAIN_CPU_SECONDS[name] = round(time.process_time() - cpu_started, 1)
    if not model:
        raise SystemExit(f"training {name} failed")
    return Path(model), seconds


def _write_responses(data_responses: dict[str, Any], domain: Path, folder: Path) -> None:
    """The retrieval intents' answers next to the NLU data: the response selectors need them.

    They live in domain.yml (Rasa 3.6); NLU files that still hold them take precedence.
    """
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    responses = dict(data_responses)
    if not responses and domain.exists():
        responses = {k: v for k, v in Domain.load(str(domain)).responses.items() if "/" in k}
    (folder / "responses.yml").write_text(
        RasaYAMLWriter().dumps(TrainingData(responses=responses)), encoding="utf-8"
    )


def split_own_data(
    data_dir: Path, domain: Path, seed: int, work: Path
) -> tuple[Path, list[tuple[str, str]]]:
    """Stratified 80/20 split of data/nlu; returns the train folder and the test rows."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(data_dir))
    train, test = data.train_test_split(train_frac=0.8, random_seed=seed)
    split_dir = work / "train_split"
    split_dir.mkdir()
    (split_dir / "nlu.yml").write_text(train.nlu_as_yaml(), encoding="utf-8")
    _write_responses(data.responses, domain, split_dir)
    rows = [(m.get("text"), m.get("intent")) for m in test.intent_examples]
    return split_dir, rows


def all_own_data(data_dir: Path, domain: Path, work: Path) -> Path:
    """All of data/nlu in one training folder, with the retrieval responses."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(data_dir))
    folder = work / "train_all"
    folder.mkdir()
    (folder / "nlu.yml").write_text(data.nlu_as_yaml(), encoding="utf-8")
    _write_responses(data.responses, domain, folder)
    return folder


def predict(model: Path, rows: Sequence[tuple[str, str]]) -> list[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> list[Prediction]:
        out = []
        for text, gold in rows:
            parsed: dict[str, Any] = await agent.parse_message(text)
            intent = parsed.get("intent") or {}
            ranking = [
                (str(r["name"]), float(r["confidence"]))
                for r in parsed.get("intent_ranking", [])
                if r.get("name") != FALLBACK
            ]
            out.append(Prediction(text, gold, str(intent.get("name")),
                                  float(intent.get("confidence") or 0.0), ranking))
        return out

    return asyncio.run(run())


# ---------------------------------------------------------------- scoring


def per_intent(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Precision, recall, support and top confusions per gold intent."""
    pairs = list(pairs)
    gold_count: Counter[str] = Counter(g for g, _ in pairs)
    pred_count: Counter[str] = Counter(p for _, p in pairs)
    hits: Counter[str] = Counter(g for g, p in pairs if g == p)
    confusions: dict[str, Counter[str]] = defaultdict(Counter)
    for g, p in pairs:
        if g != p:
            confusions[g][p] += 1
    report = {}
    for intent in sorted(gold_count):
        report[intent] = {
            "support": gold_count[intent],
            "recall": hits[intent] / gold_count[intent],
            "precision": hits[intent] / pred_count[intent] if pred_count[intent] else 0.0,
            "confusions": confusions[intent].most_common(3),
        }
    return report


def dev_scores(preds: Sequence[Prediction], labels: Sequence[str]) -> dict[str, Any]:
    """Scores by the dev-set README: ``labels[i]`` is the prediction for ``preds[i]``."""
    rows = list(zip(preds, labels, strict=True))
    in_scope = [(p.gold, label) for p, label in rows if p.gold != "out_of_scope"]
    oos = [label for p, label in rows if p.gold == "out_of_scope"]
    correct = sum(g == label for g, label in in_scope)
    rejected = sum(label in REJECTIONS for label in oos)
    false_accepts = sum(label in TASK_INTENTS for label in oos)
    # Out-of-scope rows count as correct under the rejection rule for the per-intent table.
    table_pairs = [
        (p.gold, "out_of_scope" if p.gold == "out_of_scope" and label in REJECTIONS else label)
        for p, label in zip(preds, labels, strict=True)
    ]
    return {
        "in_scope_rows": len(in_scope),
        "in_scope_accuracy": correct / len(in_scope) if in_scope else 0.0,
        "oos_rows": len(oos),
        "oos_rejection_rate": rejected / len(oos) if oos else 0.0,
        "false_accept_rate": false_accepts / len(oos) if oos else 0.0,
        "false_accept_to": Counter(lbl for lbl in oos if lbl in TASK_INTENTS).most_common(5),
        "per_intent": per_intent(table_pairs),
    }


def holdout_scores(preds: Sequence[Prediction], labels: Sequence[str]) -> dict[str, Any]:
    """Strict intent accuracy, and the same with the dev set's rule for out-of-scope rows
    (rejected as ``out_of_scope``, ``nlu_fallback`` or ``chitchat`` counts as correct)."""
    pairs = [(p.gold, label) for p, label in zip(preds, labels, strict=True)]
    by_rule = sum(
        g == label or (g == "out_of_scope" and label in REJECTIONS) for g, label in pairs
    )
    return {
        "rows": len(pairs),
        "accuracy": sum(g == label for g, label in pairs) / len(pairs) if pairs else 0.0,
        "accuracy_oos_rule": by_rule / len(pairs) if pairs else 0.0,
        "per_intent": per_intent(pairs),
    }


def errors(preds: Sequence[Prediction]) -> list[dict[str, Any]]:
    """The held-out misses, to read which phrasings the data lacks or mislabels."""
    return [
        {"text": p.text, "gold": p.gold, "predicted": p.predicted,
         "confidence": round(p.confidence, 3), "top": p.ranking[:2]}
        for p in preds if p.predicted != p.gold
    ]


def sweep(
    preds: Sequence[Prediction], scorer: Any, ambiguities: Sequence[float]
) -> list[dict[str, Any]]:
    """Scores with the FallbackClassifier re-applied offline, per (ambiguity, threshold)."""
    rows = []
    for ambiguity in ambiguities:
        for threshold in SWEEP:
            labels = [p.with_threshold(threshold, ambiguity) for p in preds]
            scores = scorer(preds, labels)
            scores.pop("per_intent", None)
            scores.pop("false_accept_to", None)
            scores.pop("errors", None)
            rows.append({"ambiguity": ambiguity, "threshold": threshold, **scores})
    return rows


# ---------------------------------------------------------------- printing


def print_table(title: str, table: dict[str, dict[str, Any]]) -> None:
    print(f"\n{title}")
    print(f"{'intent':26} {'n':>4} {'prec':>6} {'recall':>6}  top confusions")
    for intent, row in table.items():
        conf = ", ".join(f"{name} {n}" for name, n in row["confusions"])
        print(f"{intent:26} {row['support']:>4} {row['precision']:6.1%} {row['recall']:6.1%}  "
              f"{conf}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--domain", type=Path, default=ROOT / "domain.yml",
                        help="where the retrieval intents' responses are read from")
    parser.add_argument("--model", type=Path, help="score this model on the dev set")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--ambiguity", type=float, nargs="+", default=[0.02, 0.05, 0.1],
                        help="ambiguity thresholds used by the offline threshold sweep")
    parser.add_argument("--skip-holdout", action="store_true")
    parser.add_argument("--skip-dev", action="store_true")
    parser.add_argument("--dev-on-holdout-model", action="store_true",
                        help="score the dev set with the 80 %% model (one training instead of "
                             "two; for quick comparisons, slightly pessimistic)")
    parser.add_argument("--json", type=Path, help="also write the full report here")
    args = parser.parse_args(argv)

    quiet_logging()
    ensure_spacy()
    report: dict[str, Any] = {"config": str(args.config), "seed": args.seed}
    with tempfile.TemporaryDirectory(prefix="nlu-report-") as tmp:
        work = Path(tmp)
        holdout_model = None
        if not args.skip_holdout:
            train_file, rows = split_own_data(args.data, args.domain, args.seed, work)
            model, seconds = train_model(args.config, train_file, work, "holdout")
            holdout_model = model
            preds = predict(model, rows)
            scores = holdout_scores(preds, [p.predicted for p in preds])
            scores["train_seconds"] = round(seconds, 1)
            scores["errors"] = errors(preds)
            scores["sweep"] = sweep(preds, holdout_scores, args.ambiguity)
            report["holdout"] = scores
            print(f"\n== own held-out split (seed {args.seed}, 20 %): {scores['rows']} rows, "
                  f"accuracy {scores['accuracy']:.1%}, with the dev rule for out-of-scope rows "
                  f"{scores['accuracy_oos_rule']:.1%} (model trained on 80 % in {seconds:.0f} s)")
            print_table("per intent (held-out)", scores["per_intent"])
            print("\nfallback threshold sweep (held-out, offline):")
            for row in scores["sweep"]:
                print(f"  ambiguity {row['ambiguity']:.2f} threshold {row['threshold']:.2f}: "
                      f"accuracy {row['accuracy']:.1%} (dev rule {row['accuracy_oos_rule']:.1%})")
        if not args.skip_dev:
            model = args.model
            if model is None and args.dev_on_holdout_model and holdout_model is not None:
                model = holdout_model
                report["dev_model"] = "holdout (80 %)"
            if model is None:
                full_data = all_own_data(args.data, args.domain, work)
                model, seconds = train_model(args.config, full_data, work, "full")
                report["full_nlu_train_seconds"] = round(seconds, 1)
                print(f"\n== NLU model trained on all of {args.data} in {seconds:.0f} s")
            dev_rows, dev_sources = load_dev(args.dev)
            dev_preds = predict(model, dev_rows)
            dev_labels = [p.predicted for p in dev_preds]
            dev = dev_scores(dev_preds, dev_labels)
            dev["by_source"] = by_source(dev_preds, dev_labels, dev_sources)
            dev["sweep"] = sweep(dev_preds, dev_scores, args.ambiguity)
            report["dev"] = dev
            print(f"\n== external dev set {args.dev.name}: in-scope accuracy "
                  f"{dev['in_scope_accuracy']:.1%} ({dev['in_scope_rows']} rows); "
                  f"out-of-scope rejected {dev['oos_rejection_rate']:.1%}, false accepts "
                  f"{dev['false_accept_rate']:.1%} ({dev['oos_rows']} rows) "
                  f"-> {dev['false_accept_to']}")
            print_table("per intent (dev)", dev["per_intent"])
            print("\ncorrect per dev source label:")
            for key, row in dev["by_source"].items():
                print(f"  {key:58} {row['rows']:>4} {row['correct']:6.1%}")
            print("\nfallback threshold sweep (dev, offline):")
            for row in dev["sweep"]:
                print(f"  ambiguity {row['ambiguity']:.2f} threshold {row['threshold']:.2f}: "
                      f"in-scope {row['in_scope_accuracy']:.1%}"
                      f"  oos rejected {row['oos_rejection_rate']:.1%}"
                      f"  false accepts {row['false_accept_rate']:.1%}")
    report["train_cpu_seconds"] = TRAIN_CPU_SECONDS
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
