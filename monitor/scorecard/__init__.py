"""The evaluation scorecard: every indicator behind one registry (id → function), the table
of points, and the hand-entered entries."""
