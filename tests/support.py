"""Helpers for tests: finding programs the suite needs, reading links out of e-mails."""

import os
import re
import shutil

import pytest


def require_program(path_or_name: str, why: str) -> str:
    """Return the program's path; skip the test without it, except in CI where it must exist."""
    found = path_or_name if os.path.isabs(path_or_name) else shutil.which(path_or_name)
    if found and os.access(found, os.X_OK):
        return found
    message = f"{path_or_name} is not installed: {why}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must run every test)")
    pytest.skip(message)


LINK_PATTERN = re.compile(r"https?://[^\s\"'<>]+")


def links_in(text: str) -> list[str]:
    """Every absolute link in an e-mail body."""
    return LINK_PATTERN.findall(text)
