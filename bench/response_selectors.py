"""FAQ and chitchat answers on the own held-out split: the ResponseSelectors' accuracy.

Trains the committed pipeline's retrieval part (config.yml without the e5 featurizer,
the intent classifier, DIET and what follows it but for the two ResponseSelectors) on
Rasa's 80 % split of data/nlu (seed 42, the split bench/nlu_report.py scores), then
asks, for every held-out example of a retrieval intent (faq, chitchat), whether that
intent's selector picks the example's own answer. The intent is taken as given: this
scores the answer choice alone. ``--epochs`` overrides both selectors' epochs, so the
training-time / quality trade-off behind config.yml can be re-measured::

    .venv/bin/python bench/response_selectors.py
    .venv/bin/python bench/response_selectors.py --epochs 30

Prints one JSON line: training wall and CPU seconds, and per retrieval intent the
held-out rows and how many got their own answer.
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

# Components the answer choice does not read (they only slow its training).
SKIPPED = (
    "E5Featurizer",
    "NgramSentenceClassifier",
    "DIETClassifier",
    "AdjacentEntityMerger",
    "EntitySynonymMapper",
    "FallbackClassifier",
    "CardNumberGuard",
)


def main() -> int:
    args = bench_args(__doc__.splitlines()[0], "the selectors' epochs (default: config.yml's)")

    from rasa.shared.importers.importer import TrainingDataImporter

    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    reduced = reduced_pipeline(config, SKIPPED, "ResponseSelector", args.epochs)
    retrieval = {str(c["retrieval_intent"]) for c in reduced["pipeline"]
                 if c["name"] == "ResponseSelector"}
    quiet_logging()  # the one JSON line is the output; Rasa logs each parse at debug
    ensure_spacy()
    # Through the project's importer, which attaches the retrieval answers to the examples.
    importer = TrainingDataImporter.load_from_config(
        str(args.config), str(ROOT / "domain.yml"), [str(args.data)]
    )
    data = importer.get_nlu_data()
    train, test = data.train_test_split(train_frac=0.8, random_seed=args.seed)
    rows = [m for m in test.nlu_examples if m.get("text") and m.get("intent") in retrieval]
    with trained_part(reduced, train, dict(train.responses)) as (agent, wall, cpu):

        async def picked() -> list[str]:
            out = []
            for m in rows:
                parsed = await agent.parse_message(str(m.get("text")))
                selector = (parsed.get("response_selector") or {}).get(str(m.get("intent")), {})
                out.append(str(selector.get("response", {}).get("intent_response_key")))
            return out

        answers = asyncio.run(picked())
    report: dict[str, Any] = {"train_wall_s": round(wall), "train_cpu_s": round(cpu)}
    report["epochs"] = [c.get("epochs") for c in reduced["pipeline"]
                        if c["name"] == "ResponseSelector"]
    for intent in sorted(retrieval):
        pairs = [(str(m.get("intent_response_key")), got)
                 for m, got in zip(rows, answers, strict=True) if m.get("intent") == intent]
        report[intent] = {"rows": len(pairs), "right": sum(g == p for g, p in pairs)}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
