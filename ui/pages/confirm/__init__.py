"""现场确认: the confirmation desk (page), its checklist grid and its call bar."""
