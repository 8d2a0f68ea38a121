"""Narrative text given in one language or several.

In data files a narrative field is either plain text (in the organization's
``language``) or a mapping of language codes to text::

    statement:
      en: Women in Mexico live free from violence ...
      es: Las mujeres en México viven libres de violencia ...

``localize`` picks the report's language and says when it had to fall back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, PlainValidator, WithJsonSchema

LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _validate_localized(value: object) -> str | dict[str, str]:
    """Plain text, or language code -> text; one clear message for anything else."""
    if isinstance(value, bool):
        raise ValueError(
            f"must be text, got {str(value).lower()} (YAML reads yes/no/on/off as true/false: put the value in quotes)"
        )
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()
    if isinstance(value, dict):
        if not value:
            raise ValueError("must give the text in at least one language")
        out: dict[str, str] = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not _LANGUAGE.match(lang):
                raise ValueError(f"language codes look like 'en' or 'es', got {lang!r}")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"the {lang!r} text must be non-empty text")
            out[lang] = text.strip()
        return out
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    raise ValueError(f"must be text, or a mapping of language codes to text, got {shown}")


LocalizedText = Annotated[
    str | dict[str, str],
    PlainValidator(_validate_localized),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": "^[a-z]{2,3}$"},
                    "additionalProperties": {"type": "string", "minLength": 1},
                },
            ],
            "description": "Text, or a mapping of language codes (en, es, fr) to text.",
        }
    ),
]


@dataclass(frozen=True)
class Localized:
    """Text in the language it is actually in; ``fallback`` when that is not the one asked for."""

    text: str
    lang: str
    fallback: bool = False

    def __str__(self) -> str:
        return self.text


def localize(value: LocalizedText, lang: str, default: str) -> Localized:
    """``value`` in ``lang``, else in the ``default`` language, else in any language it has."""
    if isinstance(value, str):
        return Localized(value, default, lang != default)
    if lang in value:
        return Localized(value[lang], lang)
    if default in value:
        return Localized(value[default], default, True)
    first = sorted(value)[0]
    return Localized(value[first], first, True)


def plain(value: LocalizedText, lang: str = "en") -> str:
    """``value`` as one text: itself, else its ``lang`` version, else its first. For names read
    outside a report (a report's names are already in its language, see reportgen.build.names)."""
    return localize(value, lang, lang).text


def all_texts(value: LocalizedText) -> list[str]:
    """Every language version of ``value``."""
    return [value] if isinstance(value, str) else list(value.values())
