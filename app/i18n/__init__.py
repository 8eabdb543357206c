"""Internationalisation: the schema extractor for Babel, and the catalogs the device downloads."""
