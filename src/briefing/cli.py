"""The `briefing` command: validate the data, build meetings' briefing packs, start the
next meeting's parameters, and preview the pack while editing.

Exit codes: 0 success; 1 unexpected error; 2 bad params; 3 invalid data; 4 a notebook
failed (the other briefings are still written); 5 another build held the folder too long;
6 a notebook file is not valid JSON; 7 a kernel died; 8 the output folder is not
writable; 9 the disk is full; 10 the preview's port is taken; 130 interrupted. README.md
("When something is wrong") says what to do for each.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import click

from briefing.config import Paths
from briefing.errors import BriefingError, InterruptedBuild
from briefing.progress import LogProgress, RichProgress

log = logging.getLogger("briefing")


class _ConsoleFilter(logging.Filter):
    """The console shows the build's own lines; other libraries' records and Python
    warnings only with --verbose (they are always kept in the build's log file)."""

    def __init__(self, verbose: bool):
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "file_only", False):
            return False
        if record.name == "briefing" or record.name.startswith("briefing."):
            return record.levelno >= logging.INFO or self.verbose
        return self.verbose


class _Stderr:
    """Whatever sys.stderr is when a line is written (it may be replaced after set-up)."""

    def write(self, text: str) -> None:
        sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _configure_logging(verbose: bool) -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "briefing_console", False)]:
        root.removeHandler(handler)
    console = logging.StreamHandler(_Stderr())
    console.briefing_console = True
    console.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"))
    console.addFilter(_ConsoleFilter(verbose))
    root.addHandler(console)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("traitlets", "papermill", "great_expectations", "filelock", "asyncio", "watchfiles"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _paths(output: str | None) -> Paths:
    paths = Paths.default()
    return replace(paths, briefings=Path(output).resolve()) if output else paths


def _fail(error: BriefingError) -> None:
    click.echo(f"briefing: {error}", err=True)
    sys.exit(error.exit_code)


def _unexpected(error: Exception) -> None:
    """A fault the workbook has no message for: one line, with where the traceback is kept."""
    kept = getattr(error, "briefing_log", None)
    where = f"the traceback is in {kept}" if kept else "run again with --verbose to see the traceback"
    click.echo(f"briefing: unexpected error: {type(error).__name__}: {' '.join(str(error).split())} ({where}); please report it.", err=True)
    sys.exit(1)


def _stop_on_sigterm() -> None:
    """Treat SIGTERM (a scheduler's timeout, `kill`) like Ctrl-C, so the build stops its kernels."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


INTERRUPTED = (
    "build interrupted; every page in the output folder is the last good one or this build's finished one, "
    "and no notebook is left running. Build again to finish."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", is_flag=True, help="Log more detail.")
@click.pass_context
def main(context: click.Context, verbose: bool) -> None:
    """Build the Police and Crime Panel's briefing packs from the validated data.

    \b
    Typical use:
      briefing validate              check every dataset
      briefing build --next          build the next meeting's pack
      briefing build 2023-03-15      build one meeting
      briefing build --all           build every meeting in params/
      briefing new-meeting DATE      start a meeting's params from the forward plan
      briefing preview               serve the pack and rebuild on save
      briefing new-panel DIR         create a workbook for another Panel

    Packs are written to briefings/<date>/; executed notebooks are kept in build/, and each
    build's library warnings in build/logs/ (--verbose shows them as well).
    """
    context.obj = {"verbose": verbose}
    _configure_logging(verbose)


@main.command()
def validate() -> None:
    """Check every dataset against data/dictionary.yaml (Great Expectations) and the trace check.

    Checks panel.yaml first (exit 2, naming the file and key). Prints one line per dataset
    on success. On failure prints, per failure, the file,
    column, rule, offending values and CSV line numbers, and exits 3.
    """
    from briefing.panel import check_panel
    from briefing.validation import run_validation

    paths = Paths.default()
    try:
        check_panel(paths)
    except BriefingError as error:
        _fail(error)
    report = run_validation(paths)
    if not report.ok:
        click.echo(f"Data validation failed: {len(report.failures)} problem(s). Nothing was built.", err=True)
        for failure in report.failures:
            click.echo(f"  - {failure}", err=True)
        sys.exit(3)
    for line in report.summary_lines():
        click.echo(line)
    from briefing.validation import remember

    remember(paths, report)


@main.command()
@click.argument("dates", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Build every meeting in params/.")
@click.option("--next", "next_", is_flag=True, help="Build the next meeting after today (for scheduled runs).")
@click.option("--force", is_flag=True, help="Rebuild every selected briefing even if its inputs are unchanged.")
@click.option("--jobs", "-j", default=2, show_default=True, type=click.IntRange(1, 16), help="Notebooks executed at once.")
@click.option("--output", type=click.Path(file_okay=False), help="Write the pack to this folder instead of briefings/.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Treat this date as today (with --next).")
@click.pass_context
def build(context, dates, all_, next_, force, jobs, output, today) -> None:
    """Build the briefings for DATES (YYYY-MM-DD), --all meetings, or the --next one.

    Stages: check params → validate data once → execute each needed notebook with
    papermill in parallel → render with the house template → write briefings/<date>/
    and the index pages. Only briefings whose inputs changed are rebuilt.
    """
    from briefing.build import build as run_build

    paths = _paths(output)
    interrupted = False
    if sum(bool(x) for x in (dates, all_, next_)) != 1:
        raise click.UsageError("give one or more DATES, or --all, or --next")
    try:
        if all_:
            selected = None
        elif next_:
            from briefing.params import load_all_params

            now = today.date() if today else date.today()
            upcoming = sorted(d for d in load_all_params(paths.params) if d > now.isoformat())
            if not upcoming:
                click.echo(f"No meeting after {now.isoformat()} in params/; add one with 'briefing new-meeting DATE'.")
                return
            selected = [upcoming[0]]
        else:
            selected = [_check_date(d) for d in dates]
        from briefing.panel import check_panel

        check_panel(paths)  # panel.yaml is checked before anything runs, like params
        _stop_on_sigterm()
        verbose = bool((context.obj or {}).get("verbose"))
        with _progress() as progress:
            report = run_build(paths, selected, force=force, jobs=jobs, progress=progress, verbose=verbose)
    except BriefingError as error:
        _fail(error)
    except KeyboardInterrupt:
        interrupted = True
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as error:
        if (context.obj or {}).get("verbose"):
            raise
        _unexpected(error)
    if interrupted:
        # Free the stopped process pools now, so multiprocessing's resource tracker finds
        # nothing of theirs left at exit to warn about.
        gc.collect()
        _fail(InterruptedBuild(INTERRUPTED))
    click.echo(
        f"Built {len(report.built)} briefing(s), {len(report.unchanged)} unchanged, "
        f"{len(report.pages_written)} page(s) written to {paths.briefings} in {report.seconds:.1f}s."
    )


def _check_date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date written YYYY-MM-DD", param_hint="DATES") from None


@main.command("new-meeting")
@click.argument("meeting_date")
@click.option("--overwrite", is_flag=True, help="Replace an existing params file.")
def new_meeting(meeting_date, overwrite) -> None:
    """Write params/MEETING_DATE.yaml from the forward plan's agenda for that meeting."""
    from briefing.meetings import params_from_forward_plan
    from briefing.params import dump_params

    paths = Paths.default()
    day = _check_date(meeting_date)
    target = paths.params_file(day)
    if target.exists() and not overwrite:
        click.echo(f"briefing: {target.relative_to(paths.root)} already exists; use --overwrite to replace it.", err=True)
        sys.exit(2)
    try:
        params, notes = params_from_forward_plan(paths, date.fromisoformat(day))
    except BriefingError as error:
        _fail(error)
    target.write_text(dump_params(params), encoding="utf-8")
    click.echo(f"Wrote {target.relative_to(paths.root)}: briefings {', '.join(params.briefings.needed()) or 'none'}.")
    for note in notes:
        click.echo(f"  note: {note}")


@main.command()
@click.argument("meeting_date", required=False)
@click.option("--port", default=8000, show_default=True, help="Port on localhost.")
def preview(meeting_date, port) -> None:
    """Serve the pack on localhost and rebuild what changed whenever a notebook, data file
    or params file is saved. Builds MEETING_DATE (default: every meeting) first."""
    from briefing.preview import serve

    paths = Paths.default()
    dates = [_check_date(meeting_date)] if meeting_date else None
    try:
        serve(paths, dates, port)
    except BriefingError as error:
        _fail(error)
    except KeyboardInterrupt:
        _fail(InterruptedBuild("preview stopped during its first build; the pages are the last good ones."))


class _progress:
    """A live progress display on a terminal; plain log lines otherwise (CI, cron)."""

    def __enter__(self):
        self.display = RichProgress() if sys.stderr.isatty() else LogProgress()
        return self.display

    def __exit__(self, *exc):
        self.display.close()
        return False


@main.command("new-panel")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", "panel_name", help="The Panel's name, e.g. 'Anyshire Police and Crime Panel'.")
@click.option("--police-area", help="The police area, as the Commissioner's title names it.")
@click.option("--force", "force_name", help="The police force's name.")
@click.option(
    "--title", "commissioner_title", help="Police and Crime Commissioner, Police, Fire and Crime Commissioner, or 'Mayor of ...'."
)
@click.option("--nation", type=click.Choice(["England", "Wales"]), help="Picks the bank holidays for papers' due dates.")
@click.option("--host-authority", help="The council that hosts the Panel.")
@click.option("--support-contact", help="The Panel's support officer, as the papers give them.")
def new_panel(directory, panel_name, police_area, force_name, commissioner_title, nation, host_authority, support_contact) -> None:
    """Create a workbook for another Panel in DIRECTORY (new or empty), with copier.

    It holds the Panel's own panel.yaml, a data folder with the data dictionary and an empty
    CSV (header only) for every dataset, the four notebooks, a params folder, README.md and
    CONTRIBUTING.md, and uses this installed package. Questions not given as options are
    asked at a terminal. Then, from DIRECTORY: briefing validate, briefing build --all.
    """
    from briefing.new_panel import new_panel as run_new_panel

    given = {
        "panel_name": panel_name,
        "police_area": police_area,
        "force": force_name,
        "commissioner_title": commissioner_title,
        "nation": nation,
        "host_authority": host_authority,
        "support_contact": support_contact,
    }
    answers = {key: value for key, value in given.items() if value is not None}
    try:
        root = run_new_panel(directory, answers, ask=sys.stdin.isatty() and len(answers) < len(given))
    except BriefingError as error:
        _fail(error)
    from briefing.panel import load_panel

    click.echo(f"Created the workbook of the {load_panel(root / 'panel.yaml').name} in {root}.")
    click.echo(
        "Next: fill in its panel.yaml (CONTRIBUTING.md, 'Set up the workbook for another Panel'), then from that folder run 'briefing validate'."
    )


@main.command("add-paper")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "source_id", required=True, help="Short stable id for citations, e.g. pcp-2024-03-13-pack.")
@click.option("--date", "paper_date", required=True, help="The paper's date (a pack: the meeting date), YYYY-MM-DD.")
@click.option("--title", required=True, help="The paper's title as a reader would know it.")
@click.option("--body", required=True, help="Who received it: the id of one of panel.yaml's bodies, e.g. panel.")
@click.option("--item", "agenda_item", default="", help="Agenda item number(s) as printed, e.g. 6 or 6-10.")
@click.option("--date-estimated", is_flag=True, help="No date is printed: --date is an estimate (say why in --date-note).")
@click.option("--date-note", default="", help="Why the date was chosen, or other notes on it.")
@click.option("--contents", default="", help="One line on what the paper covers (default: the title).")
def add_paper(path, source_id, paper_date, title, body, agenda_item, date_estimated, date_note, contents) -> None:
    """Add a paper (PDF or UTF-8 text): its text under data/raw/papers/, its section index and its row in data/sources.csv.

    A PDF's text is read page by page (pages separated by a form feed) with hyphenation at
    line ends undone. Bad input (an id already used, a scan with no text layer, an
    encrypted PDF, a file that is neither PDF nor text) is refused and nothing is written.
    """
    from briefing.papers import add_paper as run_add_paper

    paths = Paths.default()
    try:
        added = run_add_paper(paths, path, source_id, paper_date, title, body, agenda_item, date_estimated, date_note, contents)
    except BriefingError as error:
        _fail(error)
    units = added.index.units
    numbered = sum(1 for u in units if u.kind == "paragraph")
    irregular = [u for u in units if u.note]
    pages = f"{added.pages} page(s), " if added.pages else ""
    click.echo(
        f"Added {added.source_id}: {pages}{len(units)} unit(s) indexed ({numbered} numbered paragraph(s)) "
        f"→ {added.text_path.relative_to(paths.root) if added.text_path.is_relative_to(paths.root) else added.text_path}"
    )
    if added.pages_without_text:
        listed = ", ".join(str(n) for n in added.pages_without_text)
        click.echo(f"  note: page(s) {listed} have no text (scanned pages or images): figures printed there cannot be cited")
    for unit in irregular:
        click.echo(f"  note: {unit.unit}: {unit.note}")
    click.echo(f"Next: briefing candidates {added.source_id}")


@main.command("index-papers")
def index_papers() -> None:
    """Rebuild the section index (data/raw/papers/<name>.index.csv) of every paper in data/sources.csv."""
    from briefing.papers import index_papers as run_index_papers

    paths = Paths.default()
    for target, index, changed in run_index_papers(paths):
        irregular = sum(1 for u in index.units if u.note)
        state = "rewritten" if changed else "unchanged"
        click.echo(f"{state:10} data/raw/papers/{target.name}  {len(index.units)} units, {irregular} with a note")


@main.command()
@click.argument("source_id")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="Write draft rows in the figures.csv layout here.")
def candidates(source_id, csv_file) -> None:
    """List every figure printed in paper SOURCE_ID: unit, page, figure, guessed unit and qualifier, citing rows, sentence.

    With --csv FILE, the figures no row of data/figures.csv cites yet are written to FILE as
    draft rows for review; nothing is added to the datasets.
    """
    import csv as csv_module

    from briefing.candidates import draft_rows, find_candidates, mark_cited
    from briefing.citations import load_papers
    from briefing.datasets import read_raw
    from briefing.schema import load_dictionary

    paths = Paths.default()
    dictionary = load_dictionary(paths.dictionary)
    sources = read_raw(dictionary.datasets["sources"], paths.data)
    papers, _ = load_papers(paths.data, sources)
    if source_id not in papers:
        known = ", ".join(sorted(papers))
        click.echo(f"briefing: {source_id} is not a paper in data/sources.csv (with its text); known: {known}", err=True)
        sys.exit(2)
    paper = papers[source_id]
    found = find_candidates(paper)
    figures_csv = paths.data / "figures.csv"
    mark_cited(found, paper, figures_csv)
    click.echo("unit\tpage\tfigure\tguessed unit\tqualifier\tcited by\tsentence")
    for candidate in found:
        page = f"p.{candidate.page}" if candidate.page else "p.?"
        cited = ", ".join(candidate.cited_by) if candidate.cited_by else "-"
        click.echo(
            f"{candidate.unit}\t{page}\t{candidate.printed}\t{candidate.guess}\t{candidate.qualifier or '-'}\t{cited}\t{candidate.sentence}"
        )
    cited_count = sum(1 for c in found if c.cited_by)
    click.echo(f"{len(found)} figure(s) printed in {source_id}; {cited_count} already cited by data/figures.csv.", err=True)
    if csv_file:
        with open(figures_csv, encoding="utf-8", newline="") as handle:
            header = next(csv_module.reader(handle))
        frame = sources.frame
        public_date = frame.loc[frame["source_id"] == source_id, "date"].iloc[0]
        rows = draft_rows(found, header, source_id, public_date)
        with open(csv_file, "w", encoding="utf-8", newline="") as handle:
            writer = csv_module.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        click.echo(f"Wrote {len(rows)} draft row(s) to {csv_file}: review them before adding any to data/figures.csv.", err=True)


if __name__ == "__main__":
    main()
