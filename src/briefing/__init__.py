"""Panel briefing workbook: validated data, parameterised notebooks, offline HTML briefings."""

__version__ = "0.1.0"
