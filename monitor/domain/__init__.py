"""Pure types of the domain: tickets and their events, target statuses, durations, resources,
the working-day calendar and who is looking. No storage, no HTTP, no wall clock."""
