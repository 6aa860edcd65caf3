"""The same use cases from a terminal: `python -m app <command>` (headless, scriptable).

parser.py holds the global options and the dispatch; each other module one command group.
"""
