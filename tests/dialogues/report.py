"""Run the customer-written dialogues and print the pass rate of each half.

    .venv/bin/python -m tests.dialogues.report [--half design|held_out|both] [--only ID...]
        [--json var/dialogues.json] [--show-failures]

Starts the real stack (backend, action server, Rasa server on the trained model) in a
temporary folder, as the e2e tests do; needs a trained model (``make setup``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from tests.dialogues.runner import HALVES, DialogueRunner, load
from tests.e2e.stack import running_stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=[*HALVES, "both"], default="both")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--var-dir", type=Path, help="keep the stack's data and logs here")
    args = parser.parse_args(argv)
    halves = list(HALVES) if args.half == "both" else [args.half]
    results: dict[str, list[dict]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tcn-dialogues-") as tmp, running_stack(
        args.var_dir or Path(tmp)
    ) as stack:
        runner = DialogueRunner(stack)
        try:
            for half in halves:
                for dialogue in load(half):
                    if args.only and dialogue.id not in args.only:
                        continue
                    outcome = runner.run(dialogue)
                    results.setdefault(half, []).append(
                        {
                            "id": dialogue.id,
                            "passed": outcome.passed,
                            "failures": outcome.failures,
                            "transcript": outcome.transcript,
                        }
                    )
                    mark = "pass" if outcome.passed else "FAIL"
                    print(f"{mark} {half} {dialogue.id}", flush=True)
                    if not outcome.passed and args.show_failures:
                        for line in outcome.failures + outcome.transcript:
                            print("    " + line)
        finally:
            runner.close()
    for half, rows in results.items():
        passed = sum(r["passed"] for r in rows)
        print(f"{half}: {passed}/{len(rows)} passed ({100 * passed / max(len(rows), 1):.1f} %)")
    print(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
