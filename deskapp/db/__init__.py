"""The encrypted desk database: engine, key slots, opening a desk, tables and column types,
migrations, the one write path, the audit chain, index upkeep, backup and checks.
"""
