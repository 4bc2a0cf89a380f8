"""Role-matrix rows for the import/export pages (issue #9), read by tests/test_role_matrix_pages.py.
Same row format as PAGE_ROWS there."""

ROWS: list = []
