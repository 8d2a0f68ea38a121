"""Importing IATI activity files (https://iatistandard.org, versions 2.01-2.03) as project data.

``import_file(path, out)`` reads the file as a stream, maps each activity to an outcome
(identifier, title, descriptions, office, period, status, markers, sectors, SDGs,
contributions, resources, disbursements, indicators) and writes a complete data folder
(``organization.yaml`` and ``outcomes/<id>.yaml``) that loads like hand-written data.
The mapping is documented field by field in ``docs/iati.md``.
"""

from .importer import DEFAULT_OUT, import_file
from .summary import Folder, Imported, ImportSummary, Skipped

__all__ = ["DEFAULT_OUT", "Folder", "ImportSummary", "Imported", "Skipped", "import_file"]
