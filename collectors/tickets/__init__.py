"""Tickets in: slamon's own file format, other tools' exports read through mapping
profiles, and the ingest that stores mapped rows with their status histories."""
