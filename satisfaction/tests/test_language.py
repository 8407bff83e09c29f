"""Vietnamese first: the browser's language does not switch the portal to English."""


def test_it_opens_in_vietnamese_whatever_the_browser_asks(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_it_switches_to_english_only_with_the_switch(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert '<html lang="en">' in response.content.decode()


def test_it_ignores_an_unknown_language_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/accounts/login/")
    assert '<html lang="vi">' in response.content.decode()
