"""The sync protocol as pure code: identifiers, the hybrid clock, the merge rule, sealed batches,
certificates, and the checks a pulled change must pass. No I/O.
"""
