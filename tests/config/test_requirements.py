"""The hashed locks install on every Python 3.11, not only on the one that compiled them.

pip-compile resolves for the interpreter it runs on, and `--require-hashes`
refuses any package missing from the lock. A dependency that only older
3.11 releases need (redis needs async-timeout before 3.11.3) would
then break `scripts/run` on, say, Debian 12's Python 3.11.2.
"""

import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYTHONS = ["3.11.0", "3.11.2", "3.11.3", "3.11.9"]


def locked(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


@pytest.mark.parametrize("lock", ["base.lock.txt", "dev.lock.txt"])
@pytest.mark.parametrize("python", PYTHONS)
def test_every_dependency_of_a_locked_package_is_locked(lock, python):
    pins = locked(lock)
    environment = default_environment() | {"python_full_version": python, "python_version": "3.11"}
    missing = set()
    for name in pins:
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # in the base lock but not this test's venv: the dev lock pins the same
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate(environment | {"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in pins:
                missing.add(f"{requirement.name} (needed by {name})")
    assert missing == set()
