"""Record imports other than tickets: resources, outages, usage, inspections and surveys,
each a small spec behind one importer."""
