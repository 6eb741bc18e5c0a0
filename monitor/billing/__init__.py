"""The billing check: each statement line against the inventory, the catalogue and its own
arithmetic, to the fen. Pure: no database, no clock; money is Decimal throughout."""
