"""Pure figures of a period: availability, utilisation, idle resources, inspections and
satisfaction, computed from their inputs without storage."""
