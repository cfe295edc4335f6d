"""bulletinpress: bulletins written as YAML, set as print-ready PDFs."""

__version__ = "0.1.0"
