"""Services over the encrypted desk database: key slots, schema, the one write path, audit."""
