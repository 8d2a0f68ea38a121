"""Render stage: report models -> HTML through Jinja2 templates."""

from .environment import environment
from .html import HtmlDocument, render_html, svg_data_uri

__all__ = ["HtmlDocument", "environment", "render_html", "svg_data_uri"]
