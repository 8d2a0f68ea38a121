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
