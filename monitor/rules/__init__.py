"""Ticket clocks: which targets apply, their deadlines and statuses as of an evaluation time.

status.py holds the reference rules, one ticket at a time; status_arrays.py decides the same
statuses for whole columns of plain tickets at once and names, function by function, the
reference it mirrors; all_tickets.py sends each ticket down the path that can judge it. Pure."""
