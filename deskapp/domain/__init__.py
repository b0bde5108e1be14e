"""The desk's domain rules: its vocabulary, grading, THRIVE, statuses, retention, masking,
validation and the errors every layer raises. Pure: no I/O, no database, no Textual.
"""
