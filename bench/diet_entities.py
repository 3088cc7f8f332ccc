"""Entity extraction on the own held-out split: DIET's precision, recall and F1.

Trains the committed pipeline's entity part (config.yml up to and including the
EntitySynonymMapper, without the MiniLM and e5 featurizers, the intent classifier, the response
selectors and the fallback) on Rasa's 80 % split of data/nlu (seed 42, the split
bench/nlu_report.py scores), then compares DIET's entities with the annotated ones of
the other 20 %, by (entity, start, end). ``--epochs`` overrides DIET's epochs, so the
training-time / quality trade-off behind config.yml can be re-measured::

    .venv/bin/python bench/diet_entities.py
    .venv/bin/python bench/diet_entities.py --epochs 40

Prints one JSON line: training wall and CPU seconds, counts, precision, recall, F1 and
how many held-out rows got exactly their annotated entities.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_report import ensure_spacy, quiet_logging  # noqa: E402
from bench.pipeline_parts import bench_args, reduced_pipeline, trained_part  # noqa: E402

# Components the entity measurement does not need (they only slow its training).
SKIPPED = (
    "MiniLMFeaturizer",
    "E5Featurizer",
    "NgramSentenceClassifier",
    "ResponseSelector",
    "FallbackClassifier",
    "CardNumberGuard",
)
Span = tuple[str, int, int]


def score(gold: list[set[Span]], predicted: list[set[Span]]) -> dict[str, Any]:
    tp = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, predicted, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return {
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "exact_rows": f"{exact}/{len(gold)}",
    }


def main() -> int:
    args = bench_args(__doc__.splitlines()[0], "DIET's epochs (default: config.yml's)")

    from rasa.shared.nlu.training_data.loading import load_data

    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    reduced = reduced_pipeline(config, SKIPPED, "DIETClassifier", args.epochs)
    quiet_logging()  # the one JSON line is the output; Rasa logs each parse at debug
    ensure_spacy()
    data = load_data(str(args.data))
    train, test = data.train_test_split(train_frac=0.8, random_seed=args.seed)
    rows = [m for m in test.nlu_examples if m.get("text")]
    gold = [
        {(str(e["entity"]), int(e["start"]), int(e["end"])) for e in m.get("entities") or []}
        for m in rows
    ]
    with trained_part(reduced, train) as (agent, wall, cpu):

        async def parse() -> list[set[Span]]:
            out = []
            for m in rows:
                parsed = await agent.parse_message(str(m.get("text")))
                out.append({
                    (str(e["entity"]), int(e["start"]), int(e["end"]))
                    for e in parsed.get("entities", [])
                    if e.get("extractor") == "DIETClassifier"
                })
            return out

        predicted = asyncio.run(parse())
    epochs = next(c.get("epochs") for c in reduced["pipeline"] if c["name"] == "DIETClassifier")
    report = {"epochs": epochs, "train_wall_s": round(wall), "train_cpu_s": round(cpu)}
    print(json.dumps({**report, **score(gold, predicted)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
