"""Every public and staff page given unreadable input (a NUL character, invalid UTF-8, ids that
are not numbers) answers the reader's error, never a server error."""

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    "q=ab%00",
    "q=%ff%fe%fd",
    "call=abc&page=abc&o=abc&id=abc&pk=abc&objective=abc&call__id__exact=abc&region=abc",
    "ordering=%00",
    "%00=x",
]


def pages() -> list[str]:
    """Every page the portal's URLs reach without an argument, and every admin list."""
    resolver = get_resolver()
    _prefix, admin_urls = resolver.namespace_dict["admin"]
    names = [name for name in resolver.reverse_dict if isinstance(name, str)]
    names += [f"admin:{name}" for name in admin_urls.reverse_dict if isinstance(name, str)]
    found = set()
    with translation.override("en"):
        for name in names:
            try:
                found.add(reverse(name))
            except NoReverseMatch:
                continue  # needs an argument
    return sorted(found)


@pytest.fixture
def readers(reference_data, settings):
    settings.GCM_STAFF_MFA_REQUIRED = False
    # Server errors are answered, not raised, so that the test lists every page that fails.
    staff = Client(raise_request_exception=False)
    staff.force_login(StaffFactory())
    return {"visitor": Client(raise_request_exception=False), "staff": staff}


def test_every_page_given_unreadable_input_answers_without_a_server_error(readers):
    failures = []
    for path in pages():
        for query in QUERIES:
            for who, client in readers.items():
                response = client.get(f"{path}?{query}")
                if response.status_code >= 500:
                    failures.append(f"{who} {path}?{query}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_a_nul_character_in_a_search_is_refused_in_the_readers_language(client, lang, direction):
    response = client.get(f"/{lang}/organisations/autocomplete/?q=ab%00")

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(rf'<html lang="{lang}"\s+dir="{direction}"', page)
    with translation.override(lang):
        assert translation.gettext("This address cannot be read") in page


def test_a_nul_character_in_an_api_filter_is_refused_in_the_apis_error_shape(client):
    response = client.get("/api/v1/inputs/?q=%00")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
