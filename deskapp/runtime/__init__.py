"""The running process and its surroundings: where files live, settings, the clock, the garbage
collector.
"""
