"""The HTML report in a real headless browser: loaded, laid out, screenshotted.

A copy of the page gets a small script that measures every ``data-figure``
element after layout; Chromium's ``--dump-dom`` returns the measurements, so
the test checks the figures are really drawn (the score bars as wide as the
scores say, a trend point per saved set) and not only present in the source.
A PNG screenshot must be a real, non-trivial image. CI installs Debian's
chromium first (.ci/run); without a browser the test is skipped with how to
get one.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from agentspec.report import render
from test_report import results  # noqa: F401  (the fixture: three saved result sets)

pytestmark = pytest.mark.slow

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "no headless browser found (looked for chromium, chromium-browser, google-chrome); "
    "install one, e.g. `apt-get install -y chromium` on Debian/Ubuntu — .ci/run does this in CI"
)

MEASURE = """<script>
const figures = [...document.querySelectorAll('[data-figure]')].map(e => {
  const box = e.getBoundingClientRect();
  return {figure: e.getAttribute('data-figure'), width: box.width, height: box.height, text: e.textContent.trim()};
});
const out = document.createElement('pre');
out.id = 'measured';
out.textContent = JSON.stringify(figures);
document.body.appendChild(out);
</script>"""


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(INSTALL_HINT)


def run_browser(*args: str) -> subprocess.CompletedProcess:
    command = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_report_renders_its_figures_in_a_browser(results: Path, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "measured.html"
    page.write_text(render(results, "html").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    done = run_browser("--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    match = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert match, f"the page did not run in the browser: {done.stdout[:500]}"
    figures = json.loads(match.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))

    def named(name: str) -> list[dict]:
        return [f for f in figures if f["figure"] == name]

    (aggregate,) = named("aggregate")
    assert aggregate["text"] == "1.000" and aggregate["width"] > 0 and aggregate["height"] > 0
    (trend,) = named("trend")
    assert trend["width"] >= 200 and trend["height"] >= 40
    points = named("trend-point")
    assert len(points) == 3 and all(p["width"] > 0 for p in points)
    # bars are drawn as wide as their score: the case bar (200 px at 1.0) and one per run (160 px at 1.0)
    bars = sorted(round(b["width"]) for b in named("bar"))
    assert 200 in bars and bars.count(160) == 2
    assert [c["text"] for c in named("component")] == ["1.000", "1.000"]
    assert all(t["text"] for t in named("tokens")) and named("latency") and named("pass-at-k")


def test_a_screenshot_of_the_report_is_a_real_image(results: Path, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "report.html"
    page.write_text(render(results, "html"), encoding="utf-8")
    shot = tmp_path / "report.png"
    done = run_browser("--window-size=1280,900", f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1280, 900)
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    blank_shot = tmp_path / "blank.png"
    assert run_browser("--window-size=1280,900", f"--screenshot={blank_shot}", blank.as_uri()).returncode == 0
    # a page with text, bars and charts compresses far worse than an empty one
    assert len(data) > 5 * len(blank_shot.read_bytes())
