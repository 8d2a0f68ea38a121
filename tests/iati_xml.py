"""Small IATI activity files for tests, written as text so each test shows its XML."""

from __future__ import annotations

from pathlib import Path


def activity(
    identifier: str = "XM-TEST-1",
    body: str = "",
    *,
    title: str = "Test activity",
    reporting_ref: str = "XM-TEST",
    reporting_name: str = "Test Publisher",
    start: str | None = "2021-01-01",
    end: str | None = "2023-12-31",
    attrs: str = 'default-currency="USD"',
    country: str | None = "KE",
) -> str:
    """One ``iati-activity`` with the usual parts and ``body`` appended."""
    dates = ""
    if start:
        dates += f'<activity-date type="2" iso-date="{start}"/>'
    if end:
        dates += f'<activity-date type="3" iso-date="{end}"/>'
    recipient = f'<recipient-country code="{country}" percentage="100"/>' if country else ""
    return f"""
 <iati-activity {attrs}>
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="{reporting_ref}" type="21"><narrative>{reporting_name}</narrative></reporting-org>
  <title><narrative>{title}</narrative></title>
  <description type="1"><narrative>What {title} does.</narrative></description>
  <activity-status code="2"/>
  {dates}
  {recipient}
  {body}
 </iati-activity>"""


def document(*activities: str, version: str = "2.03", root_attrs: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{version}" generated-datetime="2024-05-01T10:00:00Z" {root_attrs}>'
        + "".join(activities)
        + "\n</iati-activities>\n"
    )


def transaction(
    kind: str, date: str, value: str, *, provider: str | None = None, extra: str = "", attrs: str = ""
) -> str:
    """A transaction; ``provider`` is a provider-org ref (its name is 'Org <ref>')."""
    org = f'<provider-org ref="{provider}"><narrative>Org {provider}</narrative></provider-org>' if provider else ""
    return (
        f'<transaction {attrs}><transaction-type code="{kind}"/><transaction-date iso-date="{date}"/>'
        f"<value {extra}>{value}</value>{org}</transaction>"
    )


def budget(start: str, end: str, value: str, *, kind: str = "1", status: str = "1", currency: str = "") -> str:
    cur = f' currency="{currency}"' if currency else ""
    return (
        f'<budget type="{kind}" status="{status}"><period-start iso-date="{start}"/>'
        f'<period-end iso-date="{end}"/><value{cur}>{value}</value></budget>'
    )


def write(folder: Path, text: str, name: str = "activities.xml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
