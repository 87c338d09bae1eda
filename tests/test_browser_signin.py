"""Sign-in in a real browser (headless Chromium) against the real server: a cross-site form post is refused, the page works."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By

from tests.test_api import ALICE, add_designer
from tests.test_browser import shot, wait
from tests.test_serving import free_port, start_app, stop, wait_ready


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("signin")
    add_designer(tmp / "users", *ALICE)
    port = free_port()
    env = {"AKG_USERS": str(tmp / "users"), "AKG_VAR": str(tmp / "var")}
    proc = start_app(port, "--curricula", str(tmp / "curricula"), env=env)
    try:
        wait_ready(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def evil_site(server) -> Iterator[str]:
    """Another site (localhost is not 127.0.0.1's site) whose page posts a sign-in form to the app at once."""
    page = f"""<!doctype html><html><body><form id="f" method="post" action="{server}/signin">
<input name="name" value="{ALICE[0]}"><input name="password" value="{ALICE[1]}"><input name="csrf" value="guess">
</form><script>document.getElementById('f').submit()</script></body></html>""".encode()

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://localhost:{httpd.server_address[1]}/"
    httpd.shutdown()


def _signed_in_as(driver, server) -> str:
    driver.get(server + "/signin")
    found = driver.find_elements(By.CSS_SELECTOR, "main strong")
    return found[0].text if found else ""


def test_a_cross_site_form_post_to_sign_in_is_refused(driver, server, evil_site):
    driver.delete_all_cookies()
    driver.get(evil_site)
    wait(driver, lambda: "/signin" in driver.current_url and driver.find_elements(By.ID, "signin-message"))
    message = driver.find_element(By.ID, "signin-message").text
    shot(driver, "signin-cross-site")
    assert message.startswith("This form was sent from another page")
    assert _signed_in_as(driver, server) == ""  # no session came of it


def test_the_sign_in_page_signs_a_designer_in_and_out(driver, server):
    driver.delete_all_cookies()
    driver.get(server + "/signin")
    driver.find_element(By.ID, "signin-name").send_keys(ALICE[0])
    driver.find_element(By.ID, "signin-password").send_keys("not the password")
    driver.find_element(By.ID, "signin-submit").click()
    wait(driver, lambda: driver.find_elements(By.ID, "signin-message"))
    assert driver.find_element(By.ID, "signin-message").text == "wrong name or password"
    driver.find_element(By.ID, "signin-name").send_keys(ALICE[0])
    driver.find_element(By.ID, "signin-password").send_keys(ALICE[1])
    driver.find_element(By.ID, "signin-submit").click()
    wait(driver, lambda: driver.current_url == server + "/")  # back on the explorer
    cookie = driver.get_cookie("akg_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert _signed_in_as(driver, server) == "alice"
    shot(driver, "signin-signed-in")
    driver.find_element(By.CSS_SELECTOR, "form[action='/signout'] button").click()
    wait(driver, lambda: driver.current_url == server + "/")
    assert _signed_in_as(driver, server) == ""
