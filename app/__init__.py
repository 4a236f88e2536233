"""保租通: the rental platform of 景府办发〔2022〕3号 (see design.md in the shared folder)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
