"""docs/portability.md describes every file and column of the export as the code writes them."""

from pathlib import Path

from kaa.portability.describe import BEGIN, END, format_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "portability.md"


def test_the_generated_tables_of_the_documentation_match_the_code():
    text = DOC.read_text(encoding="utf-8")
    generated = text[text.index(BEGIN) : text.index(END) + len(END)] + "\n"
    assert generated == format_markdown(), "run manage.py portability_format and update docs/portability.md"


def test_every_file_and_column_is_documented():
    from kaa.portability import codec
    from kaa.portability.spec import tables

    text = DOC.read_text(encoding="utf-8")
    for table in tables():
        section = text[text.index(f"### `{table.file}`") :]
        section = section[: section.index("\n### ", 1)] if "\n### " in section[1:] else section
        for column in codec.columns_of(table):
            assert f"| `{column}` |" in section, f"{table.file}: {column}"
