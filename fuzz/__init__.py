"""The standing fuzz budget: ``python -m fuzz`` (see docs/fuzzing.md).

Targets (``fuzz.targets``): the parser and checker, the formatter, the code
generation round trip, the language server and the runtime's scripted runs.
Inputs come from hypothesis (``fuzz.strategies``), seeded with the
repository's own specs (``fuzz.corpus``); ``fuzz.runner`` runs a target under
a hang watchdog and saves every failing input to ``fuzz/regressions/``, which
the test suite replays.
"""
