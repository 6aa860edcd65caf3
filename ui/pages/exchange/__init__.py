"""导出: the exports to the province and the import of county sheets."""
