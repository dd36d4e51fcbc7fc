from django.conf import settings


def test_it_serves_the_home_page_with_the_register_name(page):
    page.goto("/")
    assert settings.REGISTER_NAME in page.title()
