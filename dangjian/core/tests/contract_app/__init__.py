"""A small app that exists only in the test suite: it is *declared*, never wired — capabilities, a scoped model
with an own-records rule, a kept metric, a menu entry, a home card, a to-do provider, pages, an API endpoint and
permission-matrix rows — and the tests in core/tests/test_contract.py show it appearing in the menu, on the home
page and in /api/v1/home/, in the summary rebuild and in the permission matrix with no edit anywhere else."""
