"""Use cases: appending and publishing events, the fleet index, simulation, queries for the CLI and GUI."""
