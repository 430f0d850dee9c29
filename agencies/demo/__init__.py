"""The agencies and people of the seeds, loaded through the same CSV import that provinces use."""

from pathlib import Path

from agencies.services import ImportResult, import_csv

HERE = Path(__file__).parent


def load() -> ImportResult:
    return import_csv(
        (HERE / "agencies.csv").read_text(encoding="utf-8"), (HERE / "people.csv").read_text(encoding="utf-8")
    )
