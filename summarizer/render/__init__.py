"""Renderers: turn results into Markdown/HTML/DOCX. No model calls happen here."""
