"""Sync with the force hub (change capture, HLC merge, conflicts): see issue 4."""
