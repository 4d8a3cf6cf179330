"""The staleness plan: what must re-run, and why."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from briefing import fingerprints
from briefing.config import Paths
from briefing.errors import NotebookFileError
from briefing.params import load_all_params
from briefing.plan import Inputs, check_notebooks, plan, previous_build, remember_build, whole_build_key


def test_a_babel_upgrade_makes_every_built_briefing_stale(pack):
    """Through the public plan: with the installed libraries nothing is stale; with another
    Babel version every briefing is, and the reason names the libraries."""
    all_params = load_all_params(pack.params)
    installed = Inputs.of(pack)
    planned, unchanged = plan(pack, all_params, all_params, False, installed.data, installed.code)
    assert planned == [] and unchanged
    upgraded = Inputs.of(pack, {**fingerprints.library_versions(), "babel": "99.0.0"})
    planned, unchanged = plan(pack, all_params, all_params, False, upgraded.data, upgraded.code)
    assert unchanged == [] and len(planned) == len(installed_briefings(all_params))
    assert {job.reason for job in planned} == {"the package code, templates or libraries changed"}


def installed_briefings(all_params) -> list:
    return [(day, kind) for day, params in all_params.items() for kind in params.briefings.needed()]


def test_a_babel_upgrade_invalidates_the_whole_build_record(pack, tmp_path):
    copy = replace(pack, build=tmp_path / "build")
    installed = Inputs.of(pack)
    key = whole_build_key(copy, None, installed)
    remember_build(copy, key, [("2023-03-15", "comms")])
    assert previous_build(copy, key) == [("2023-03-15", "comms")]
    upgraded = Inputs.of(pack, {**fingerprints.library_versions(), "babel": "99.0.0"})
    assert previous_build(copy, whole_build_key(copy, None, upgraded)) is None


def test_a_page_changed_outside_the_build_is_rebuilt(pack, tmp_path):
    copy = replace(pack, briefings=tmp_path / "briefings", build=tmp_path / "build")
    shutil.copytree(pack.briefings, copy.briefings)
    shutil.copytree(pack.cache, copy.cache)
    page = copy.briefing_html("2023-03-15", "culture")
    page.write_text(page.read_text() + "<!-- edited -->")
    all_params = load_all_params(copy.params)
    inputs = Inputs.of(copy)
    planned, _ = plan(copy, all_params, all_params, False, inputs.data, inputs.code)
    assert [(job.meeting_date, job.kind, job.reason) for job in planned] == [
        ("2023-03-15", "culture", "its page was changed outside the build")
    ]


def test_forced_plans_run_everything(pack):
    all_params = load_all_params(pack.params)
    inputs = Inputs.of(pack)
    planned, unchanged = plan(pack, all_params, all_params, True, inputs.data, inputs.code)
    assert unchanged == [] and {job.reason for job in planned} == {"forced"}


def test_a_notebook_that_is_not_a_notebook_is_refused(tmp_path):
    paths = Paths.default(tmp_path)
    paths.notebooks.mkdir()
    paths.notebook("comms").write_text('{"cells": 1}')
    with pytest.raises(NotebookFileError, match="is JSON but not a notebook"):
        check_notebooks(paths, ["comms"])
    with pytest.raises(NotebookFileError, match="does not exist"):
        check_notebooks(paths, ["culture"])
