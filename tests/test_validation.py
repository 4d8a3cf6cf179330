"""Validation: every kind of rule rejects a broken copy of a real dataset, naming the
file, column and CSV line, and the shipped data passes."""

from __future__ import annotations

import csv

import pytest

from briefing.errors import DataValidationError
from briefing.validation import run_validation, validate


def edit(paths, name, change):
    """Rewrite data/<name> through `change(header, rows)`; returns nothing."""
    path = paths.data / name
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    header, body = change(header, body)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(body)


def set_cell(column, row_index, value):
    def change(header, body):
        body[row_index][header.index(column)] = value
        return header, body

    return change


def messages(paths):
    report = run_validation(paths)
    return [str(f) for f in report.failures]


def only(found, *needles):
    hits = [m for m in found if all(n in m for n in needles)]
    assert hits, f"no failure mentions {needles}; got: {found}"
    return hits[0]


def test_shipped_data_is_valid(paths):
    report = run_validation(paths)
    assert report.ok, "\n".join(map(str, report.failures))
    assert report.rows["questions"] == 24
    assert report.rows["figures"] > 50


def test_wrong_type(data_copy):
    edit(data_copy, "figures.csv", set_cell("value", 2, "sixty-two"))
    only(messages(data_copy), "data/figures.csv", "column 'value'", "must be a number", "'sixty-two'", "Line(s) 4")


def test_out_of_range_percentage(data_copy):
    edit(data_copy, "survey_questions.csv", set_cell("strongly_agree_pct", 0, "172"))
    only(messages(data_copy), "data/survey_questions.csv", "column 'strongly_agree_pct'", "between 0 and 100", "Line(s) 2")


def test_negative_count_in_figures(data_copy):
    edit(data_copy, "figures.csv", set_cell("value", 5, "-1000"))
    only(messages(data_copy), "data/figures.csv", "column 'value'", "not negative", "Line(s) 7")


def test_score_above_its_scale(data_copy):
    edit(data_copy, "culture_scores.csv", set_cell("score", 1, "11.5"))
    only(messages(data_copy), "data/culture_scores.csv", "column 'score'", "not above the top of its scale", "Line(s) 3")


def test_unknown_category(data_copy):
    edit(data_copy, "deliverables.csv", set_cell("status", 0, "nearly done"))
    only(messages(data_copy), "data/deliverables.csv", "column 'status'", "must be one of complete, ongoing", "'nearly done'", "Line(s) 2")


def test_unknown_csp_area(data_copy):
    edit(data_copy, "csp_areas.csv", set_cell("csp", 0, "Cambridge"))
    only(messages(data_copy), "data/csp_areas.csv", "column 'csp'", "'csp_area' list", "Line(s) 2")


def test_missing_column(data_copy):
    def drop(header, body):
        index = header.index("answered_by")
        return header[:index] + header[index + 1 :], [row[:index] + row[index + 1 :] for row in body]

    edit(data_copy, "questions.csv", drop)
    only(messages(data_copy), "data/questions.csv", "column 'answered_by'", "missing from the header (line 1)")


def test_duplicate_key(data_copy):
    def duplicate(header, body):
        return header, body + [list(body[3])]

    edit(data_copy, "questions.csv", duplicate)
    found = only(messages(data_copy), "data/questions.csv", "meeting_date + question_number", "must be unique")
    assert "Line(s) 5, 26" in found


def test_dangling_source_reference(data_copy):
    edit(data_copy, "actions.csv", set_cell("source_id", 1, "pcp-2099-01-01-pack"))
    only(
        messages(data_copy),
        "data/actions.csv",
        "column 'source_id'",
        "must exist in sources.csv column source_id",
        "'pcp-2099-01-01-pack'",
        "Line(s) 3",
    )


def test_dangling_meeting_reference(data_copy):
    edit(data_copy, "agenda_items.csv", set_cell("meeting_date", 0, "2023-02-02"))
    only(messages(data_copy), "data/agenda_items.csv", "column 'meeting_date'", "must exist in meetings.csv", "Line(s) 2")


def test_unparseable_date(data_copy):
    edit(data_copy, "precept_cycle.csv", set_cell("step_date", 0, "2023-02-30"))
    only(messages(data_copy), "data/precept_cycle.csv", "column 'step_date'", "YYYY-MM-DD and a real date", "'2023-02-30'", "Line(s) 2")


def test_date_in_wrong_format(data_copy):
    edit(data_copy, "meetings.csv", set_cell("meeting_date", 3, "15/03/2023"))
    only(messages(data_copy), "data/meetings.csv", "column 'meeting_date'", "Line(s) 5")


def test_required_value_blank(data_copy):
    edit(data_copy, "questions.csv", set_cell("gist", 6, ""))
    only(messages(data_copy), "data/questions.csv", "column 'gist'", "a value is required", "Line(s) 8")


def test_empty_file(data_copy):
    (data_copy.data / "culture_blockers.csv").write_text("")
    only(messages(data_copy), "data/culture_blockers.csv", "the file is empty")


def test_header_only_file(data_copy):
    path = data_copy.data / "culture_words.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    only(messages(data_copy), "data/culture_words.csv", "header but no rows")


def test_figure_not_in_its_cited_paper(data_copy):
    def wrong(header, body):
        row = next(r for r in body if r[header.index("figure_id")] == "comms_press_releases_2022_23")
        row[header.index("value")] = "41"
        row[header.index("as_printed")] = "41"
        return header, body

    edit(data_copy, "figures.csv", wrong)
    found = only(messages(data_copy), "data/figures.csv", "column 'as_printed'", "not printed in the paper it cites", "'41'")
    assert "Line(s)" in found


def test_value_that_disagrees_with_the_printed_figure(data_copy):
    def wrong(header, body):
        row = next(r for r in body if r[header.index("as_printed")] == "£634,285")
        row[header.index("value")] = "634000"
        return header, body

    edit(data_copy, "figures.csv", wrong)
    only(messages(data_copy), "data/figures.csv", "column 'value'", "does not match the figure as printed ('£634,285')")


def test_derived_figure_is_recomputed(data_copy):
    def wrong(header, body):
        row = next(r for r in body if r[header.index("derived_from")])
        row[header.index("value")] = "1700"
        return header, body

    edit(data_copy, "figures.csv", wrong)
    only(messages(data_copy), "data/figures.csv", "does not match its derivation")


def test_undeclared_column(data_copy):
    def extra(header, body):
        return header + ["mood"], [row + ["cheerful"] for row in body]

    edit(data_copy, "csp_areas.csv", extra)
    only(messages(data_copy), "data/csp_areas.csv", "column 'mood'", "not declared in data/dictionary.yaml")


def test_validate_raises_and_remembers_only_success(data_copy):
    edit(data_copy, "deliverables.csv", set_cell("status", 0, "nearly done"))
    with pytest.raises(DataValidationError) as error:
        validate(data_copy, use_cache=False)
    assert "data/deliverables.csv" in str(error.value)
    assert not (data_copy.cache / "validated").exists()


def test_figure_without_print_or_derivation(data_copy):
    def blank(header, body):
        row = next(r for r in body if r[header.index("figure_id")] == "comms_press_releases_2022_23")
        row[header.index("as_printed")] = ""
        return header, body

    edit(data_copy, "figures.csv", blank)
    only(messages(data_copy), "data/figures.csv", "column 'as_printed'", "not derived carries the figure as printed")


def test_the_same_reading_twice_from_one_paper(data_copy):
    def repeat(header, body):
        again = list(body[20])
        again[header.index("figure_id")] += "_again"
        return header, body + [again]

    edit(data_copy, "figures.csv", repeat)
    found = only(messages(data_copy), "data/figures.csv", "one paper gives each reading once")
    assert f"Line(s) 22, {len(open(data_copy.data / 'figures.csv').readlines())}" in found


def test_an_as_at_reading_has_no_period_end(data_copy):
    def as_at_with_end(header, body):
        row = next(r for r in body if r[header.index("reading")] == "as_at")
        row[header.index("period_end")] = "2023-01-31"
        return header, body

    edit(data_copy, "figures.csv", as_at_with_end)
    only(messages(data_copy), "data/figures.csv", "column 'period_end'", "an as_at reading has no period end")


def test_a_figure_of_an_unknown_measure(data_copy):
    edit(data_copy, "figures.csv", set_cell("measure_key", 0, "no_such_measure"))
    only(messages(data_copy), "data/figures.csv", "column 'measure_key'", "measures.csv", "'no_such_measure'", "Line(s) 2")


# ----- validation per dataset --------------------------------------------------------------


def dependants(paths, *names):
    """Datasets with a column that references one of `names` (from data/dictionary.yaml)."""
    from briefing.schema import load_dictionary

    declared = load_dictionary(paths.dictionary).datasets
    return {
        dataset.name
        for dataset in declared.values()
        for column in dataset.columns.values()
        if column.references and column.references.split(".")[0] in names
    }


def good_run(paths):
    from briefing.validation import remember

    report = run_validation(paths, reuse=True)
    assert report.ok, "\n".join(map(str, report.failures))
    remember(paths, report)
    return report


def test_an_unchanged_dataset_is_not_checked_again(data_copy):
    first = good_run(data_copy)
    assert set(first.checked) == set(first.rows), "a first run checks every dataset"
    again = run_validation(data_copy, reuse=True)
    assert again.ok and again.checked == []
    assert run_validation(data_copy).checked == list(first.rows), "without reuse every dataset is checked"


def test_editing_one_dataset_revalidates_only_it(data_copy):
    good_run(data_copy)
    assert "questions" not in dependants(data_copy, "questions")
    edit(data_copy, "questions.csv", set_cell("gist", 6, "A reworded gist of the question."))
    report = run_validation(data_copy, reuse=True)
    assert report.ok
    assert set(report.checked) == {"questions"} | dependants(data_copy, "questions")


def test_editing_referenced_values_revalidates_the_datasets_that_reference_them(data_copy):
    good_run(data_copy)

    def add_meeting(header, body):
        row = list(body[-1])
        row[header.index("meeting_date")] = "2030-01-15"
        return header, body + [row]

    edit(data_copy, "meetings.csv", add_meeting)
    report = run_validation(data_copy, reuse=True)
    assert report.ok, "\n".join(map(str, report.failures))
    expected = {"meetings"} | dependants(data_copy, "meetings")
    assert len(expected) > 1
    assert set(report.checked) == expected


def test_a_broken_edit_is_caught_after_a_cached_good_run(data_copy):
    good_run(data_copy)
    edit(data_copy, "deliverables.csv", set_cell("status", 0, "nearly done"))
    with pytest.raises(DataValidationError) as error:
        validate(data_copy)
    assert "data/deliverables.csv" in str(error.value) and "nearly done" in str(error.value)
    # Putting the good value back needs no check: those exact inputs passed before.
    edit(data_copy, "deliverables.csv", set_cell("status", 0, "complete"))
    report = run_validation(data_copy, reuse=True)
    assert report.ok


def test_a_changed_paper_rechecks_the_figures_that_cite_it(data_copy):
    good_run(data_copy)
    with open(data_copy.data / "figures.csv", newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["as_printed"] == "£634,285")
    with open(data_copy.data / "sources.csv", newline="", encoding="utf-8") as handle:
        paper = next(r["file_name"] for r in csv.DictReader(handle) if r["source_id"] == row["source_id"])
    text = (data_copy.raw_papers / paper).read_text(encoding="utf-8")
    (data_copy.raw_papers / paper).write_text(text.replace("634,285", "634,000"), encoding="utf-8")
    report = run_validation(data_copy, reuse=True)
    assert "figures" in report.checked
    only([str(f) for f in report.failures], "data/figures.csv", "not printed in the paper it cites", "'£634,285'")


def test_provenance_rules_checked_together_still_name_each_file_and_line(data_copy):
    # source_id, section and public_date are checked once for every dataset stacked together.
    edit(data_copy, "culture_words.csv", set_cell("public_date", 1, "2023-13-01"))
    edit(data_copy, "csp_areas.csv", set_cell("section", 2, ""))
    edit(data_copy, "deliverables.csv", set_cell("section", 0, ""))
    found = messages(data_copy)
    only(found, "data/culture_words.csv", "column 'public_date'", "YYYY-MM-DD and a real date", "'2023-13-01'", "Line(s) 3")
    only(found, "data/csp_areas.csv", "column 'section'", "a value is required", "Line(s) 4")
    only(found, "data/deliverables.csv", "column 'section'", "a value is required", "Line(s) 2")
    assert not [m for m in found if "csp_areas.csv" in m and "Line(s) 2" in m]


def test_a_changed_unit_in_measures_rechecks_the_figures_that_look_it_up(data_copy):
    # A figure's row rules see its measure's unit (the dictionary's `lookup`), so a figure
    # is rechecked when measures.csv changes, even though no measure_key did.
    good_run(data_copy)
    with open(data_copy.data / "figures.csv", newline="", encoding="utf-8") as handle:
        big = next(r for r in csv.DictReader(handle) if float(r["value"]) > 100)
    with open(data_copy.data / "measures.csv", newline="", encoding="utf-8") as handle:
        position = next(i for i, r in enumerate(csv.DictReader(handle)) if r["measure_key"] == big["measure_key"])
    edit(data_copy, "measures.csv", set_cell("unit", position, "percent"))
    report = run_validation(data_copy, reuse=True)
    assert "figures" in report.checked
    only([str(f) for f in report.failures], "data/figures.csv", "a percentage lies between 0 and 100")


def test_a_changed_section_index_rechecks_the_datasets_that_cite_its_paper(data_copy):
    from briefing.paper_index import index_path

    good_run(data_copy)
    with open(data_copy.data / "figures.csv", newline="", encoding="utf-8") as handle:
        cited = next(r["source_id"] for r in csv.DictReader(handle))
    with open(data_copy.data / "sources.csv", newline="", encoding="utf-8") as handle:
        paper = next(r["file_name"] for r in csv.DictReader(handle) if r["source_id"] == cited)
    index = index_path(data_copy.raw_papers / paper)
    index.write_text(index.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = run_validation(data_copy, reuse=True)
    assert {"sources", "figures"} <= set(report.checked)
    from briefing.schema import load_dictionary

    citing = set()
    for dataset in load_dictionary(data_copy.dictionary).datasets.values():
        with open(data_copy.data / dataset.file, newline="", encoding="utf-8") as handle:
            citing |= {dataset.name for r in csv.DictReader(handle) if r.get("source_id") == cited}
    assert set(report.checked) <= citing | {"sources"} | dependants(data_copy, "sources"), "only the datasets that cite the paper"


def test_a_closed_action_says_which_paper_answers_it(data_copy):
    # Row 7 is an open point from minute 43; closing it needs the paper's answer.
    edit(data_copy, "actions.csv", set_cell("status", 6, "closed"))
    found = messages(data_copy)
    only(found, "data/actions.csv", "column 'closed_meeting_date'", "names the meeting whose papers answer it", "Line(s) 8")


def test_an_open_action_has_no_closing_meeting(data_copy):
    edit(data_copy, "actions.csv", set_cell("closed_meeting_date", 1, "2023-03-15"))
    only(messages(data_copy), "data/actions.csv", "column 'closed_meeting_date'", "no paper answers it", "Line(s) 3")
