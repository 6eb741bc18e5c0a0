"""The supervision report (监理报告): content built once, rendered as Markdown, XLSX or PDF."""
