"""Reading operator files: CSV, XLSX and JSON as rows of cells, cells as typed values,
timestamp columns as µs since the epoch."""
