"""The office's rules as plain Python: no Qt, no database, no I/O."""
