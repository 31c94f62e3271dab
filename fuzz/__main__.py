"""``python -m fuzz``: the standing fuzz budget (see docs/fuzzing.md).

    python -m fuzz --minutes 30                 # every target, 30 minutes split between them
    python -m fuzz --count 100000 --target lsp  # one target, a number of inputs
    python -m fuzz --list

Exit status 0 when no target had an internal error or a hang, 1 otherwise
(the failing inputs are in fuzz/regressions/), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from fuzz.runner import REGRESSIONS, run_target
from fuzz.targets import NAMES, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", action="append", choices=NAMES, help="a target to run (repeatable; default: all)")
    parser.add_argument("--minutes", type=float, help="total time budget, split evenly between the targets")
    parser.add_argument("--count", type=int, help="inputs per target")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0); the same seed runs the same inputs")
    parser.add_argument("--hang-seconds", type=float, default=5.0, help="an input running longer is a hang (default 5)")
    parser.add_argument("--no-save", action="store_true", help="do not write failing inputs to fuzz/regressions/")
    parser.add_argument(
        "--engine", choices=["hypothesis", "atheris"], default="hypothesis",
        help="hypothesis (default), or atheris for coverage-guided runs of one target (pip install atheris)",
    )
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name in NAMES:
            print(f"{name:10} {load(name).about}")
        return 0
    if args.minutes is None and args.count is None:
        parser.error("give --minutes, --count, or both")
    # Fuzzing must not fill the user's cache with records of throwaway compiles.
    os.environ["AGENTSPEC_NO_CACHE"] = "1"
    targets = args.target or NAMES
    if args.engine == "atheris":
        from fuzz import atheris_engine

        if not atheris_engine.available():
            parser.error("--engine atheris needs atheris: pip install atheris")
        if len(targets) != 1:
            parser.error("--engine atheris runs one --target at a time")
        print(f"fuzzing {targets[0]} with atheris (hangs: > {args.hang_seconds:g} s of CPU)", flush=True)
        atheris_engine.run(
            load(targets[0]), count=args.count, seconds=args.minutes and args.minutes * 60,
            hang_seconds=args.hang_seconds, save=not args.no_save,
        )
    per_target = args.minutes * 60 / len(targets) if args.minutes is not None else None
    print(f"fuzzing {', '.join(targets)} (seed {args.seed}; hangs: > {args.hang_seconds:g} s)", flush=True)
    failed = False
    for name in targets:
        last = [time.monotonic()]

        def progress(stats, last=last):
            if time.monotonic() - last[0] >= 60:
                last[0] = time.monotonic()
                print(f"  {stats.target}: {stats.inputs} inputs, {stats.internal_errors} internal errors, "
                      f"{stats.hangs} hangs, {stats.seconds:.0f} s", file=sys.stderr, flush=True)

        stats = run_target(
            load(name), count=args.count, seconds=per_target, hang_seconds=args.hang_seconds,
            base_seed=args.seed, save=not args.no_save, progress=progress,
        )
        print(stats.summary(args.hang_seconds), flush=True)
        for finding in stats.findings:
            where = f" -> {finding.saved.relative_to(REGRESSIONS.parent.parent)}" if finding.saved else ""
            print(f"  {finding.kind}: {finding.key}: {finding.error[:300]}{where}", flush=True)
        failed |= not stats.clean
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
