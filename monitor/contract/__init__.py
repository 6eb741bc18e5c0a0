"""The contract: YAML files read into validated models (targets, clocks, metrics, scorecard)
on one strict base, so a wrong key is refused with its file and place."""
