"""The data dictionary, parsed once into typed declarations."""

from __future__ import annotations

from briefing.schema import PROVENANCE_COLUMNS, load_dictionary


def test_every_dataset_declares_its_file_key_and_columns(paths):
    dictionary = load_dictionary(paths.dictionary)
    assert "figures" in dictionary.datasets and "sources" in dictionary.datasets
    for dataset in dictionary.datasets.values():
        assert (paths.data / dataset.file).exists(), dataset.file
        assert set(dataset.key) <= set(dataset.column_names)
        if dataset.provenance:
            assert set(PROVENANCE_COLUMNS) <= set(dataset.column_names)


def test_the_dictionary_is_read_again_only_when_it_changes(paths):
    assert load_dictionary(paths.dictionary) is load_dictionary(paths.dictionary)
