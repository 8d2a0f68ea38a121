"""JSON Schema of the data files, for editors that validate YAML/JSON as it is typed."""

from __future__ import annotations

import json
from typing import Any, Literal

from ..model import OrganizationFile, Outcome

Part = Literal["outcome", "organization"]


def json_schema(part: Part = "outcome") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an outcome file or of organization.yaml."""
    model = Outcome if part == "outcome" else OrganizationFile
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"reportgen {part} file"
    return schema


def json_schema_text(part: Part = "outcome") -> str:
    return json.dumps(json_schema(part), indent=2, ensure_ascii=False) + "\n"
