"""The Timeline view: agreements along their renewal chains, milestones on focus-area lanes."""
