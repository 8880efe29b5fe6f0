"""Views of results: money and table formatting, safe text, atomic files, charts and the procurement report."""
