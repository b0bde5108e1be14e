"""Finding in big lists: the ranked roster and queue filtered per keystroke, and windows that page
through them.
"""
