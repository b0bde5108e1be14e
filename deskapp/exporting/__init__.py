"""Data out: roster, caseload and incident exports, briefing packs and statistics returns, written
safely.
"""
