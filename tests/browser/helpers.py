"""What the browser tests share: signing in through the login page."""
from rectify.testing import PASSWORD


def login(page, server, user) -> None:
    """Sign `user` in afresh (any earlier session's cookies dropped) and wait for the work desk."""
    page.context.clear_cookies()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#work-desk")
