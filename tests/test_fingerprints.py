"""Fingerprints of a build's inputs: what makes a page stale."""

from __future__ import annotations

from briefing import fingerprints


def test_every_library_that_formats_a_page_is_fingerprinted():
    for library in ("babel", "jinja2", "markupsafe", "nbconvert", "altair", "vl-convert-python", "pandas"):
        assert library in fingerprints.RENDERING_LIBRARIES
    assert fingerprints.library_versions()["babel"] != "absent"


def test_another_babel_version_gives_another_code_fingerprint():
    installed = fingerprints.library_versions()
    assert fingerprints.code_fingerprint(installed) == fingerprints.code_fingerprint()
    upgraded = {**installed, "babel": "99.0.0"}
    assert fingerprints.code_fingerprint(upgraded) != fingerprints.code_fingerprint()


def test_fingerprint_sees_names_and_bytes(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("x")
    second.write_text("x")
    assert fingerprints.fingerprint([first]) != fingerprints.fingerprint([second])
    before = fingerprints.fingerprint([first])
    first.write_text("y")
    assert fingerprints.fingerprint([first]) != before
    assert fingerprints.fingerprint([tmp_path / "missing"]) == fingerprints.fingerprint([tmp_path / "missing"])


def test_combine_is_order_sensitive():
    assert fingerprints.combine("a", "b") != fingerprints.combine("b", "a")
    assert fingerprints.combine("ab", "") != fingerprints.combine("a", "b")
