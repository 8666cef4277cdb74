"""What the admin's CSV and XLSX exports share: residents' text goes into spreadsheets."""

from home.base.inputs import exportable_text

# Cells a spreadsheet would run as a formula (CSV injection): residents typed these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """The value as a spreadsheet can hold it: without control, bidi and zero-width characters
    (rows stored before the input policy may hold them; openpyxl refuses most control characters
    outright), and with a leading apostrophe when a spreadsheet would read it as a formula."""
    value = exportable_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class ExcelCsvMixin:
    """For a SpreadsheetExportMixin view (modeladmin's IndexView)."""

    def stream_csv(self, queryset):
        # A byte-order mark, so Excel opens the UTF-8 file as Chinese rather than mojibake.
        yield "\ufeff"
        yield from super().stream_csv(queryset)
