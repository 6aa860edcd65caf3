"""Use cases over a database session and files. No Qt."""
