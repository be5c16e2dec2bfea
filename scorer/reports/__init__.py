"""Printed documents (reportlab): results lists, score sheets, blank marking forms, certificates,
award lists and progress reports. Each is one function from data to PDF bytes, deterministic for
the same input, with the bundled CJK fonts embedded (see fonts.py and page.py)."""
