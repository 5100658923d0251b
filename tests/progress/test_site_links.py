"""Notification lines: this site's addresses become links; anything else a
person wrote stays escaped text."""

from django.test import override_settings

from progress.templatetags.progress_tags import site_links


@override_settings(SITE_URL="https://learn.example")
def test_an_address_of_this_site_becomes_a_link():
    html = site_links("Amal replied: https://learn.example/discussions/threads/7/#post-9")
    assert html == (
        'Amal replied: <a href="https://learn.example/discussions/threads/7/#post-9">'
        "https://learn.example/discussions/threads/7/#post-9</a>"
    )


@override_settings(SITE_URL="https://learn.example")
def test_what_a_person_wrote_never_becomes_a_link_or_markup():
    html = site_links('See https://evil.example/x and <iframe src=//example.com> "quoted"')
    assert "<a" not in html
    assert "&lt;iframe src=//example.com&gt; &quot;quoted&quot;" in html


@override_settings(SITE_URL="https://learn.example")
def test_a_lookalike_host_is_not_this_site():
    assert "<a" not in site_links("https://learn.example.evil.test/phish")
    assert "<a" not in site_links("https://learn.examplex/phish")


@override_settings(SITE_URL="https://learn.example")
def test_a_sentences_full_stop_is_not_part_of_the_link():
    html = site_links("Read it (https://learn.example/threads/7/).")
    assert html == (
        'Read it (<a href="https://learn.example/threads/7/">https://learn.example/threads/7/</a>).'
    )
