"""Runs the permission matrix (dangjian.core.testing) and checks that it covers every URL of the project."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from dangjian.core.testing import ANONYMOUS, all_rows, body_text, request, status_matches, url_names

# Static files and DRF's format-suffix twins are not separate endpoints.
NOT_ENDPOINTS = set()

CASES = [(row, persona) for row in all_rows() for persona in row.expect]


def test_every_url_is_in_the_matrix():
    covered = {row.name for row in all_rows()}
    missing = url_names() - covered - NOT_ENDPOINTS
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


def test_every_row_tries_anonymous_users():
    assert all(ANONYMOUS in row.expect for row in all_rows())


@pytest.mark.parametrize(("row", "persona"), CASES, ids=[f"{r.id}-{p}" for r, p in CASES])
def test_matrix(row, persona, world):
    client = (APIClient if row.api else Client)()
    if persona != ANONYMOUS:
        client.force_login(world["users"][persona])
    response = request(client, row, world)
    expected = row.expect[persona]
    assert status_matches(expected, response), (
        f"{row.id} as {persona}: expected {expected}, got {response.status_code} "
        f"{response.get('Location', '')} {body_text(response)[:300]}"
    )
    if row.marker and response.status_code == 200:
        marker, text = row.marker(world), body_text(response)
        if persona in row.insiders:
            assert marker in text, f"{row.id} as {persona}: '{marker}' missing (the leak check could not fail)"
        if persona in row.outsiders:
            assert marker not in text, f"{row.id} as {persona}: '{marker}' leaked outside its scope"


def test_every_marker_row_checks_both_sides():
    for row in all_rows():
        if row.marker:
            assert row.insiders and row.outsiders, f"{row.id}: a marker needs insiders and outsiders"
