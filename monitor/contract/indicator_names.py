"""The scorecard indicators' and sections' English names, for contract sections that give none.

A contract file written with Chinese names only still reads in English on the dashboard: its
sections take these names, keyed by indicator id and by the default sections' Chinese names.
"""

from __future__ import annotations

INDICATOR_NAMES_EN: dict[str, str] = {
    "fault_response_timeliness": "Fault response / maintenance timeliness",
    "resource_availability": "Project resource availability",
    "normal_operation": "Project normal operation",
    "backup_service": "Project backup service",
    "first_pool_utilisation": "Pool 1 cloud resource utilisation",
    "cloud_usage": "Cloud resource and cloud storage usage",
    "idle_reclaim": "Idle host resources reclaimed",
    "satisfaction": "Target users' satisfaction",
    "sla_assessment": "Service level agreement (SLA) assessment",
}

SECTION_NAMES_EN: dict[str, str] = {
    "决策": "Decision",
    "过程": "Process",
    "产出": "Output",
    "效益": "Effect",
    "逆向指标": "Deductions",
    "其他": "Other",
}


def with_english_names(sections: object) -> object:
    """The raw `scoring` mapping with `name_en` added to each known section that lacks it."""
    if not isinstance(sections, dict):
        return sections
    filled = dict(sections)
    for key, name in INDICATOR_NAMES_EN.items():
        section = filled.get(key)
        if isinstance(section, dict) and "name_en" not in section:
            filled[key] = {**section, "name_en": name}
    return filled
