"""The public pages: every language, right-to-left Arabic, accessible, no outside assets."""

import re

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in django_settings.LANGUAGES]


def html_language(page: str) -> tuple[str, str]:
    """The lang and dir attributes of the page's <html> element."""
    match = re.search(r'<html lang="([^"]+)"\s+dir="([^"]+)">', page)
    assert match, page[:300]
    return match.group(1), match.group(2)


def test_root_redirects_to_the_language_the_browser_asks_for(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9")["Location"] == "/fr/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ar")["Location"] == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Location"] == "/zh-hans/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_is_served_in_each_un_language(client, reference_data, language):
    response = client.get(f"/{language}/")

    assert response.status_code == 200
    page = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert html_language(page) == (language, direction)


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Have your say on migration governance"),
        ("fr", "migrations"),
        ("ar", "الهجرة"),
        ("ru", "миграц"),
        ("es", "migración"),
        ("zh-hans", "移民"),
    ],
)
def test_home_page_text_is_translated(client, reference_data, language, heading):
    page = client.get(f"/{language}/").content.decode()
    title = re.search(r'<h1 id="hero-title">(.*?)</h1>', page).group(1)

    assert heading in title


def test_home_page_lists_the_23_objectives_by_imrf_cluster_in_constant_queries(
    client, reference_data, django_assert_num_queries
):
    with django_assert_num_queries(3):  # clusters, their objectives, the open calls
        page = client.get("/en/").content.decode()

    assert page.count('<details class="cluster"') == 4
    assert len(re.findall(r'<li value="\d+">', page)) == 23
    assert "Save lives and establish coordinated international efforts on missing migrants" in page


def test_home_page_says_what_to_do_when_no_call_is_open(client, reference_data):
    page = client.get("/en/").content.decode()

    assert "There are no open calls for inputs right now." in page
    assert 'href="/en/accounts/signup/"' in page


def test_pages_have_a_skip_link_landmarks_and_a_language_switcher(client, reference_data):
    page = client.get("/en/").content.decode()

    assert '<a class="skip-link" href="#main">Skip to main content</a>' in page
    assert '<main id="main"' in page
    assert "<header" in page
    assert "<footer" in page
    for language in LANGUAGES:
        assert f'value="{language}"' in page


def test_language_switcher_keeps_the_reader_on_the_same_page(client):
    response = client.post(
        "/i18n/setlang/", {"language": "ar", "next": "/en/accounts/login/"}, follow=False
    )

    assert response.status_code == 302
    assert response["Location"] == "/ar/accounts/login/"
    page = client.get(response["Location"]).content.decode()
    assert html_language(page) == ("ar", "rtl")


def test_language_switcher_refuses_to_send_the_reader_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_pages_load_no_asset_from_another_site(client, reference_data):
    for path in ["/en/", "/ar/accounts/login/", "/en/accounts/signup/"]:
        page = client.get(path).content.decode()
        assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
        assert assets, path
        assert all(asset.startswith("/static/") for asset in assets), assets


def test_unknown_page_gets_a_translated_not_found_page(client, settings):
    settings.DEBUG = False

    response = client.get("/es/no-such-page/")

    assert response.status_code == 404
    assert html_language(response.content.decode()) == ("es", "ltr")
