"""deskapp: the duty desk for elected officials and candidates."""

__version__ = "0.1.0"
