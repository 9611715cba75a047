"""The real app in a real browser: `streamlit run` + Debian's Chromium via Selenium.

Chromium and chromedriver are passed explicitly so that selenium-manager never
downloads a browser or driver.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]

from tests.dashboards import dashboard_fixtures as fx

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
STARTUP_TIMEOUT = 60
RENDER_TIMEOUT = 60
# The Hoy page looks for a new publication every 5 s: a few periods, and the rerun's render.
HOY_UPDATE_TIMEOUT = 35


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(
        f"streamlit did not become healthy in {STARTUP_TIMEOUT} s:\n{log.read_text()}"
    )


@contextmanager
def streamlit_app(tmp_path: Path, build=fx.build_serving_db) -> Iterator[str]:
    """`streamlit run dashboards/app.py` on a free port against the fixture DB `build`
    writes at tmp_path/serving.duckdb."""
    db = build(tmp_path / "serving.duckdb")
    port = _free_port()
    env = {
        **os.environ,
        "SLA_SERVING_DB": str(db),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "HOME": str(tmp_path),  # no ~/.streamlit credentials prompt or config leakage
    }
    log = tmp_path / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "dashboards" / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(proc, url, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def chromium(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,2400",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    drv = webdriver.Chrome(
        service=Service(executable_path=str(CHROMEDRIVER)), options=options
    )
    try:
        yield drv
    finally:
        drv.quit()


def test_resumen_renders_in_chromium(tmp_path):
    # A failure, not a skip: a silently skipped browser test hides a broken app.
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: run `make test`, which installs "
            "Debian's chromium and chromium-driver packages."
        )
    with streamlit_app(tmp_path) as url, chromium(tmp_path) as driver:
        _check_resumen(driver, url, tmp_path)


# One card value per family that only that card shows on the page.
FAMILY_VALUES = {
    "inbound": fx.EXPECTED["atc"]["day"][2],  # SL of the day, 10,0 %
    "inbound month": fx.EXPECTED["helpdesk"]["mtd"][2],  # 68,6 %
    "outbound": fx.EXPECTED["satisfaccion"]["mtd"][2],  # contact rate, 70,5 %
    "backoffice": fx.EXPECTED["bo_atc"]["mtd"][2],  # within target, 74,0 %
    "social": fx.EXPECTED["bo_social"]["mtd"][3],  # first response, 17 min
}
CHART_COUNT = len(fx.LINE_ORDER) + sum(
    fx.EXPECTED[c]["direction"] == "backoffice" for c in fx.LINE_ORDER
)


def _check_resumen(driver: webdriver.Chrome, url: str, tmp_path: Path) -> None:
    driver.get(url)
    names = [fx.EXPECTED[c]["name"] for c in fx.LINE_ORDER]
    tier_row = fx.EXPECTED_TIERS["Medio"]

    def ready(d):
        values = [
            e.text
            for e in d.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')
        ]
        body = d.find_element(By.TAG_NAME, "body").text
        return (
            all(n in body for n in names)
            and all(v in values for v in FAMILY_VALUES.values())
            and all(cell in body for cell in tier_row)
        )

    try:
        WebDriverWait(driver, RENDER_TIMEOUT, poll_frequency=0.5).until(ready)
        # Plotly draws an SVG inside .js-plotly-plot once the chart has rendered.
        WebDriverWait(driver, RENDER_TIMEOUT, poll_frequency=0.5).until(
            lambda d: (
                len(d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")) > 0
            )
        )
    finally:
        driver.save_screenshot(str(tmp_path / "resumen.png"))

    charts = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"]')
    assert len(charts) == CHART_COUNT
    assert len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTable"]')) == 1
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "Todavía no hay datos publicados" not in body
    assert "Traceback" not in body
    assert (tmp_path / "resumen.png").stat().st_size > 0
    print(f"screenshot: {tmp_path / 'resumen.png'}")



def test_cumplimiento_renders_in_chromium(tmp_path):
    """The "Cumplimiento SLA" page over a serving copy with the SLA marts: its
    table of contract terms and the daily chart of the drill-down."""
    from tests.dashboards import sla_dashboard_fixtures as sfx

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: run `make test`, which installs "
            "Debian's chromium and chromium-driver packages."
        )
    expected = sfx.EXPECTED_TERMS[sfx.OCTOBER]
    with streamlit_app(tmp_path) as url, chromium(tmp_path) as driver:
        # streamlit_app serves tmp_path/serving.duckdb: add the marts before any page opens.
        sfx.add_sla_marts(tmp_path / "serving.duckdb")
        driver.get(url + "/cumplimiento")

        def rows(d) -> list[list[str]]:
            tables = d.find_elements(By.CSS_SELECTOR, '[data-testid="stTable"]')
            if len(tables) != 1:
                return []
            return [
                [cell.text for cell in tr.find_elements(By.CSS_SELECTOR, "td, th")]
                for tr in tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")
            ]

        try:
            WebDriverWait(driver, RENDER_TIMEOUT, poll_frequency=0.5).until(
                lambda d: rows(d) == expected
            )
            WebDriverWait(driver, RENDER_TIMEOUT, poll_frequency=0.5).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")
            )
        finally:
            driver.save_screenshot(str(tmp_path / "cumplimiento.png"))
        table = driver.find_element(By.CSS_SELECTOR, '[data-testid="stTable"]')
        headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
        assert headers == sfx.TERM_HEADERS
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "Cumplimiento SLA" in body
        assert "Traceback" not in body
        print(f"screenshot: {tmp_path / 'cumplimiento.png'}")


def test_hoy_updates_itself_in_chromium(tmp_path):
    """The "Hoy" page shows the first publication, and after the serving file is replaced by
    a newer one it shows the new figures by itself: no reload, no click, within the
    fragment's refresh period (the page stays the same document throughout)."""
    import os

    from tests.dashboards import hoy_fixtures as hfx

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: run `make test`, which installs "
            "Debian's chromium and chromium-driver packages."
        )
    first = hfx.EXPECTED["first"]["atc"]["values"][2]  # atc's service level, 72,7 %
    later = hfx.EXPECTED["later"]["atc"]["values"][2]  # 75,0 %

    def values(d) -> list[str]:
        return [e.text for e in d.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')]

    with streamlit_app(tmp_path, hfx.build_hoy_db) as url, chromium(tmp_path) as driver:
        driver.get(url + "/hoy")
        try:
            WebDriverWait(driver, RENDER_TIMEOUT, poll_frequency=0.5).until(
                lambda d: first in values(d)
                and d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")
            )
        finally:
            driver.save_screenshot(str(tmp_path / "hoy.png"))
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "Atención al cliente" in body and "En espera ahora" in body
        assert "Traceback" not in body
        # A mark on the document: a reload would drop it.
        driver.execute_script("window.__sameDocument = true;")

        # The pipeline publishes a newer copy by an atomic replace (ingestion/publish.py).
        serving_path = tmp_path / "serving.duckdb"
        os.replace(hfx.build_hoy_db(tmp_path / ".serving.later.tmp", "later"), serving_path)
        try:
            WebDriverWait(driver, HOY_UPDATE_TIMEOUT, poll_frequency=0.5).until(
                lambda d: later in values(d)
            )
        finally:
            driver.save_screenshot(str(tmp_path / "hoy_later.png"))
        assert driver.execute_script("return window.__sameDocument === true;")
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "Colas sin línea asignada" in body
        print(f"screenshots: {tmp_path / 'hoy.png'}, {tmp_path / 'hoy_later.png'}")
