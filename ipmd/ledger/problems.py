"""One problem found in a ledger, located so a person can find and fix it."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    message: str                 # plain words: what is wrong and what would be right
    file: str | None = None      # file name as the user gave it
    sheet: str | None = None     # sheet or table: donors, projects, project_countries, project_goals, transactions
    row: int | None = None       # 1-based data row as the user sees it (header is row 1 in a sheet, so data starts at 2)
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (
                self.file,
                f"sheet {self.sheet}" if self.sheet else None,
                f"row {self.row}" if self.row is not None else None,
                f"column {self.column}" if self.column else None,
            ) if part
        )
        return f"{where}: {self.message}" if where else self.message
