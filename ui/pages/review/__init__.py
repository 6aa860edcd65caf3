"""初审与通知: the review list (review_tab.py), the call list (call_tab.py), their search
and filters (filters.py), table models (models.py) and the page with its two tabs."""

from ui.pages.review.page import ReviewPage

__all__ = ["ReviewPage"]
