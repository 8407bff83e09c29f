"""Logging in and out, changing the password, the lockout, the language and the navigation."""

import pytest
from django.conf import settings
from django.urls import reverse

from agencies.tests.factories import UserFactory

LOGIN = reverse("login")
LOGOUT = reverse("logout")
HOME = reverse("home")
PASSWORD_CHANGE = reverse("password_change")
LOCKED_OUT = "Bạn đã nhập sai mật khẩu quá nhiều lần."


@pytest.fixture
def user(db):
    return UserFactory(username="an")


def log_in(client, username="an", password="password", **extra):  # noqa: S107
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_it_renders_the_login_page_in_vietnamese(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "<title>Đăng nhập · Satisfaction</title>" in response.text
    assert "Tên đăng nhập" in response.text and "Mật khẩu" in response.text
    # Anonymous: no navigation links, only the language switch.
    assert LOGOUT not in response.text
    assert 'value="en"' in response.text


def test_it_sends_an_anonymous_visitor_from_the_home_page_to_the_login_page(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={HOME}"


def test_it_logs_a_user_in(client, user):
    response = log_in(client)
    assert response.status_code == 302
    assert response.url == HOME
    home = client.get(HOME)
    assert "Xin chào, an" in home.text
    assert home.wsgi_request.user == user


def test_it_follows_next_after_login(client, user):
    response = log_in(client, next=reverse("agencies:list"))
    assert response.url == reverse("agencies:list")


def test_it_refuses_a_wrong_password_in_vietnamese(client, user):
    response = log_in(client, password="wrong")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_it_sets_an_http_only_session_cookie_that_ends_with_the_browser(client, user):
    cookie = log_in(client).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]


def test_it_logs_out_only_with_a_post(client, user):
    client.force_login(user)
    assert client.get(LOGOUT).status_code == 405
    assert client.get(HOME).status_code == 200
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get(HOME).status_code == 302


def test_it_puts_the_logout_form_in_the_navigation(client, user):
    client.force_login(user)
    page = client.get(HOME).text
    assert f'<form method="post" action="{LOGOUT}"' in page
    assert "Đăng xuất (an)" in page


def test_it_changes_the_password(client, user):
    client.force_login(user)
    assert client.get(PASSWORD_CHANGE).status_code == 200
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": "password",
            "new_password1": "Hue-hai-long-2026",
            "new_password2": "Hue-hai-long-2026",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("password_change_done"), 302)]
    assert "Mật khẩu của bạn đã được đổi." in response.text
    client.post(LOGOUT)
    assert log_in(client, password="password").status_code == 200
    assert log_in(client, password="Hue-hai-long-2026").status_code == 302


def test_it_refuses_a_wrong_old_password_or_a_weak_new_one(client, user):
    client.force_login(user)
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "wrong", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"old_password", "new_password2"}
    user.refresh_from_db()
    assert user.check_password("password")


def test_it_requires_login_to_change_the_password(client, db):
    response = client.get(PASSWORD_CHANGE)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_it_locks_a_user_out_after_five_failed_logins(client, user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert log_in(client, password="wrong").status_code == 200
    fifth = log_in(client, password="wrong")
    assert fifth.status_code == 429
    assert LOCKED_OUT in fifth.text
    # Even the right password is refused until the lockout ends.
    response = log_in(client)
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.text
    assert LOCKED_OUT in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_it_locks_out_only_that_user_name(client, user):
    UserFactory(username="vy")
    for _ in range(5):
        log_in(client, password="wrong")
    assert log_in(client, username="vy").status_code == 302


def test_it_forgets_failures_after_a_successful_login(client, user):
    for _ in range(4):
        log_in(client, password="wrong")
    assert log_in(client).status_code == 302
    client.post(LOGOUT)
    for _ in range(4):
        assert log_in(client, password="wrong").status_code == 200


def test_it_switches_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response.url == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(LOGIN).text
    assert '<html lang="en">' in page
    # Django's own strings are translated already; ours once locale/en is filled in.
    assert "Username" in page and "Tên đăng nhập" not in page
    assert 'value="vi"' in page and "Tiếng Việt" in page


def test_it_switches_back_to_vietnamese(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    client.post(reverse("set_language"), {"language": "vi", "next": LOGIN})
    assert '<html lang="vi">' in client.get(LOGIN).text


def test_it_shows_the_admin_link_only_to_the_admin(world, as_user):
    admin_page = as_user(world.admin).get(HOME).text
    assert f'href="{reverse("admin:index")}"' in admin_page and "Quản trị" in admin_page
    for user in (world.manager, world.official, world.viewer, world.nobody):
        page = as_user(user).get(HOME).text
        assert f'href="{reverse("admin:index")}"' not in page


def test_it_shows_the_agencies_link_to_members_only(world, as_user):
    agencies = f'href="{reverse("agencies:list")}"'
    for user in (world.admin, world.manager, world.supervisor, world.official, world.enumerator):
        assert agencies in as_user(user).get(HOME).text
    page = as_user(world.nobody).get(HOME).text
    assert agencies not in page
    assert "Tài khoản của bạn chưa được gán vào cơ quan nào." in page


def test_it_lists_the_roles_on_the_home_page(world, as_user):
    page = as_user(world.official).get(HOME).text
    assert "Cán bộ cơ quan" in page and "UBND huyện Phú Vang" in page
