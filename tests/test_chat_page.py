"""The citizen chat page in headless Chromium (Debian's), driven by Playwright."""

import shutil

import pytest

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page(base_url, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed: run scripts/test.sh, which installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(base_url.removesuffix("/v1") + "/")
        yield page
        browser.close()


def test_answer_streams_in_with_clickable_citations(page):
    page.fill("#q", "身份证丢了怎么补办")
    page.click("#send")
    first = page.locator(".bot .cite").first
    first.wait_for(timeout=30_000)
    assert "居民身份证补领" in page.inner_text(".bot .body")
    first.click()
    shown = page.inner_text("#passage")
    assert "[1] 居民身份证补领" in shown and "户口簿" in shown


def test_clarifying_question_offers_buttons_that_ask_again(page):
    page.fill("#q", "身份证怎么办")
    page.click("#send")
    option = page.locator(".options button", has_text="居民身份证补领")
    option.wait_for(timeout=30_000)
    bots = page.locator(".bot").count()
    option.click()
    page.locator(".bot").nth(bots).locator(".cite").first.wait_for(timeout=30_000)
    assert "40元" in page.locator(".bot").nth(bots).inner_text()
