"""The install files agree: pyproject pins, environment.yml and the lock files."""

from __future__ import annotations

import tomllib

import yaml


def _pins(lines):
    return {
        line.split("==")[0].lower().replace("_", "-"): line.split("==")[1] for line in lines if "==" in line and not line.startswith("#")
    }


def test_environment_yml_lists_exactly_the_pyproject_pins(paths):
    project = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    environment = yaml.safe_load((paths.root / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    listed = [line for line in pip_section if not line.startswith("-e")]
    assert sorted(listed) == sorted(declared)


def test_every_direct_dependency_is_pinned_exactly(paths):
    project = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert "==" in requirement, f"{requirement} is not pinned"


def test_lock_files_agree_with_the_pins(paths):
    project = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]
    runtime = _pins((paths.root / "requirements.lock").read_text().splitlines())
    test = _pins((paths.root / "requirements-test.lock").read_text().splitlines())
    for requirement, lock in [(r, runtime) for r in project["dependencies"]] + [
        (r, test) for r in project["optional-dependencies"]["test"]
    ]:
        name, version = requirement.split("==")
        assert lock.get(name.lower().replace("_", "-")) == version, (
            f"{name} is {lock.get(name.lower())} in the lock, {version} in pyproject.toml"
        )
    assert not set(runtime) & set(test), "a package is pinned in both lock files"
