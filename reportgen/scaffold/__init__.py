"""Scaffolding for people who write data: JSON Schema, outcome skeletons, table exports and workbooks."""

from .schema import json_schema
from .skeleton import new_outcome
from .tables import table_rows, write_csv_tables, write_workbook

__all__ = ["json_schema", "new_outcome", "table_rows", "write_csv_tables", "write_workbook"]
