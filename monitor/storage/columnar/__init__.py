"""Fast storage I/O in columns: whole columns read and written without a Python object per
value. Same stored bytes as the row-at-a-time paths beside it."""
