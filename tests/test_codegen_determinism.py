"""Output is byte-identical across runs and hash seeds (no set or dict-order accidents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_support import REPO, run_cli


@pytest.mark.slow
def test_output_is_identical_under_different_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"seed{seed}"
        result = run_cli("compile", "specs", "-o", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.glob("*.py"))})
    assert outputs[0] == outputs[1]
    assert outputs[0] == {p.name: p.read_bytes() for p in sorted((REPO / "generated").glob("*.py"))}
