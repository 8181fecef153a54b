"""Reading an import file: CSV or JSON Lines bytes -> rows with their line numbers.

The whole file is refused (`Invalid({"file": ...})`) when it is over
IMPORT_MAX_BYTES (10 MB), empty, not UTF-8 (a UTF-8 byte-order mark is fine;
the message names the first bad line), has NUL characters, no header row,
unknown or repeated columns, CSV that cannot be parsed, or more than
MAX_ROWS rows. A CSV is comma, semicolon (Dutch Excel) or tab separated,
whichever makes sense of the header; a file whose first character is `{` is
JSON Lines, one object per line. Problems of single lines (bad JSON, too
many cells) are row errors, reported with the rest by crowdq.facilitation.importer.

Cells starting with = + - @ (or a tab or carriage return) could become
formulas when a report is opened in a spreadsheet, so every cell echoed back
in a message passes through `spreadsheet_safe`, which puts an apostrophe in
front. What is imported is stored as typed and escaped when shown.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from flask_babel import format_decimal
from flask_babel import gettext as _

from crowdq import text
from crowdq.errors import Invalid

COLUMNS = ("title", "explanation", "language", "topic", "tags", "place", "external_id")
REQUIRED = ("title", "language")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
EXCERPT = 60
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def max_bytes() -> int:
    if has_app_context():
        return int(current_app.config.get("IMPORT_MAX_BYTES", MAX_BYTES))
    return MAX_BYTES


def spreadsheet_safe(value: str) -> str:
    """A cell that a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def excerpt(value: str) -> str:
    """A short, one-line, formula-safe quote of what a file says."""
    line = text.normalise_line(value)
    if len(line) > EXCERPT:
        line = line[: EXCERPT - 1] + "…"
    return spreadsheet_safe(line)


@dataclass
class Row:
    line: int
    values: dict


@dataclass
class RowError:
    line: int
    column: str
    message: str
    quote: str = ""


@dataclass
class ParsedFile:
    kind: str  # "csv" or "jsonl"
    rows: list[Row]
    errors: list[RowError] = field(default_factory=list)


def _refuse(message: str) -> Invalid:
    return Invalid({"file": message})


def read_file(data: bytes) -> ParsedFile:
    """Rows from a CSV or JSON Lines file, or Invalid({"file": ...}) for the whole file."""
    limit = max_bytes()
    if len(data) > limit:
        raise _refuse(_("The file is larger than %(mb)d MB. Split it into smaller files.", mb=limit // (1024 * 1024)))
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse(_("The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(_("The file is saved as UTF-16. Save it as UTF-8 (in Excel: “CSV UTF-8”) and try again."))
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _refuse(
            _(
                "Line %(line)d is not valid UTF-8. Save the file as UTF-8 (in Excel: “CSV UTF-8”) and try again.",
                line=line,
            )
        ) from None
    nul = content.find("\x00")
    if nul >= 0:
        line = content.count("\n", 0, nul) + 1
        raise _refuse(
            _(
                "Line %(line)d contains a NUL character: this does not look like a text file. Nothing was imported.",
                line=line,
            )
        )
    parsed = _read_jsonl(content) if content.lstrip().startswith("{") else _read_csv(content)
    if not parsed.rows and not parsed.errors:
        raise _refuse(_("The file has a header row but no questions."))
    if len(parsed.rows) + len({e.line for e in parsed.errors}) > MAX_ROWS:
        raise _refuse(_("The file has more than %(n)s rows. Split it into smaller files.", n=format_decimal(MAX_ROWS)))
    return parsed


def _header_problem(names: list[str], first_line: str) -> str | None:
    if "title" not in names:
        return _(
            "The first line must be a header row naming the columns (%(columns)s); it reads: %(quote)s",
            columns=", ".join(COLUMNS),
            quote=excerpt(first_line) or "—",
        )
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        return _(
            "Unknown columns in the header row: %(unknown)s. Use only %(columns)s.",
            unknown=", ".join(excerpt(n) or "—" for n in unknown),
            columns=", ".join(COLUMNS),
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        return _("The column %(name)s appears more than once in the header row.", name=repeated[0])
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        return _("The header row has no column %(name)s.", name=missing[0])
    return None


def _delimiter(first_line: str) -> str:
    """The separator that makes the most known column names of the header row."""

    def known(sep: str) -> int:
        return sum(1 for cell in first_line.split(sep) if cell.strip().strip('"').strip().lower() in COLUMNS)

    return max((",", ";", "\t"), key=known)


def _read_csv(content: str) -> ParsedFile:
    first_line = next((line for line in content.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(first_line), strict=True)
    rows: list[Row] = []
    errors: list[RowError] = []
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise _refuse(
                _(
                    "Line %(line)d cannot be read as CSV: a quote is not closed, or a cell is far too long. "
                    "Nothing was imported.",
                    line=start,
                )
            ) from None
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are fine
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            while header and not header[-1]:
                header.pop()  # spreadsheets sometimes save empty columns at the end
            problem = _header_problem(header, first_line)
            if problem:
                raise _refuse(problem)
            continue
        if len(rows) + len(errors) > MAX_ROWS:
            break  # read_file refuses the file; no need to read on
        if any(cell.strip() for cell in cells[len(header) :]):
            errors.append(RowError(start, "", _("This line has more cells than the header row has columns.")))
            continue
        rows.append(Row(start, dict(zip(header, cells, strict=False))))
    if header is None:
        raise _refuse(_("The file is empty."))
    return ParsedFile("csv", rows, errors)


def _read_jsonl(content: str) -> ParsedFile:
    rows: list[Row] = []
    errors: list[RowError] = []
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if len(rows) + len(errors) > MAX_ROWS:
            break
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            errors.append(RowError(number, "", _("This line is not valid JSON."), excerpt(line)))
            continue
        if not isinstance(value, dict):
            errors.append(RowError(number, "", _('Each line must be one JSON object, like {"title": "..."}.')))
            continue
        unknown = [key for key in value if key not in COLUMNS]
        if unknown:
            errors.append(
                RowError(
                    number,
                    "",
                    _(
                        "Unknown keys: %(unknown)s. Use only %(columns)s.",
                        unknown=", ".join(excerpt(k) or "—" for k in unknown),
                        columns=", ".join(COLUMNS),
                    ),
                )
            )
            continue
        problem = None
        for key, item in value.items():
            if item is None or isinstance(item, str):
                continue
            if key == "external_id" and isinstance(item, int) and not isinstance(item, bool):
                value[key] = str(item)
            elif key == "tags" and isinstance(item, list) and all(isinstance(t, str) for t in item):
                continue
            else:
                problem = RowError(number, key, _("Write this value as text in quotes."))
                break
        if problem:
            errors.append(problem)
            continue
        rows.append(Row(number, value))
    return ParsedFile("jsonl", rows, errors)
