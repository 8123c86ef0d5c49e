"""Lists come in pages of 50 rows (`?page_size=` up to 500); a page past the end is a 404."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
