"""Browser tests drive Debian's Chromium (never a downloaded browser) through Playwright."""

from pathlib import Path

import pytest

from tests.support import require_program

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = require_program("/usr/bin/chromium", "the browser tests drive Debian's Chromium")
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture
def accessibility_violations(page):
    """Run axe-core on the current page against WCAG 2.1 A and AA; return its violations."""

    def check() -> list[dict]:
        # Evaluated through the browser's debugging protocol: the portal's policy allows no
        # inline script, and adding axe as one would (rightly) be refused.
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            """() => axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })"""
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]][:3]}
            for v in result["violations"]
        ]

    return check


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(request):
    """Every browser test fails if the page broke the Content-Security-Policy (an inline
    script, a script or style from elsewhere): Chromium says so in the console."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield
    assert not violations, violations
