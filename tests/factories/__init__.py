"""Test factories, one module per app (home, stations, stories)."""
