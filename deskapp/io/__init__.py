"""Data in and out of the desk that is not the database itself: demo data, imports, exports."""
