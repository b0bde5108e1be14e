"""Candidate data in: Democracy Club files read and checked, then planned and applied to the
roster.
"""
