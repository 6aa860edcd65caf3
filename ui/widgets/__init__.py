"""What the pages and dialogs share: message boxes, file dialogs, settings, table plumbing,
the code combo, the photo box, workers. Imports no page and no dialog."""
