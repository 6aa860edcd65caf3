"""Dialogs a page opens: conflict, history, operator, return reasons, payments, photo matching.
Import widgets only, never a page."""
