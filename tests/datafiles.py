"""Data-file text shared by the loader tests: a minimal valid organization file."""

ORGANIZATION = """\
organization:
  id: test-org
  name: Test Organization
  currency: USD
  locale: en_US
  data_as_of: 2025-03-31
offices:
  - id: mex
    name: Mexico Country Office
    country: Mexico
partners:
  - id: p1
    name: Partner One
  - id: p2
    name: Partner Two
"""

#: The smallest organization file the fuzz and limit tests build on: one office, one partner.
ONE_PARTNER_ORGANIZATION = """\
organization:
  id: test-org
  name: Test Organization
  currency: USD
  data_as_of: 2025-03-31
offices:
  - id: mex
    name: Mexico Country Office
    country: Mexico
partners:
  - id: p1
    name: Partner One
"""

#: A minimal valid outcome of that organization.
MINIMAL_OUTCOME = """\
id: x
office: mex
short_title: Test outcome
statement: A test outcome statement.
period: {start: 2020, end: 2024}
indicators:
  - {id: ind-1, name: Number of shelters}
progress:
  - {year: 2024, status: achieved, note: The outcome was achieved.}
"""
