from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Stable pages over rows that change while a system reads them: each
    page's `next` link carries an opaque cursor, never an offset."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200
