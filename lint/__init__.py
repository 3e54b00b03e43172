"""Checks of the code's shape that ``make lint`` runs besides the import-linter contracts."""
