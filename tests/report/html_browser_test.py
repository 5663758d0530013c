#!/usr/bin/python3
"""The HTML report (--format html) in a real browser: Debian's chromium,
headless, driven through chromedriver by Selenium.

For every committed workload trace (tests/workloads/traces/*.tar.xz) and the
bundled traces (examples/traces/*.tar.xz), analysed as
tests/checkers/workload_golden.sh does (flux-core 0.88 suppressions, an empty
--sysroot, --no-system-debug-dir), the page must load without a console error
(severity SEVERE) and without fetching anything, and hold what the JSON report
of the same trace holds: one section per rule, one article per finding in the
same order and with the same title, exactly one sequence diagram each, with
one lane per distinct process and thread of its sides (named as the JSON
names them), one marker per side on its own lane, at least one arrow, exactly
one missing (dashed) edge, every side an end of some arrow, and one
collapsible stack per side with as many frames as the JSON's.  Then
--latency --check --format html on the RFC 9 tour: both parts in one page,
every histogram's bars summing to its count.

    html_browser_test.py FLUXTRACE_ANALYZE SOURCE_DIR [--screenshot PNG]

Exits 77 (ctest SKIP_RETURN_CODE) with "SKIP: reason" when chromium,
chromedriver or python3-selenium is not installed.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

SKIP = 77
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError as e:
    skip(f"python3-selenium is not installed ({e}); scripts/deps.sh installs it")
for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
    if not os.access(path, os.X_OK):
        skip(f"{path} not found; install Debian's {package} (scripts/deps.sh)")

failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}")


def check(condition, message):
    if not condition:
        fail(message)
    return condition


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # As root in a container: no sandbox, no GPU.
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--window-size=1280,1600",
                "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def analyze(tool, args, fmt, out_path):
    with open(out_path, "wb") as out:
        status = subprocess.run([tool, "--format", fmt] + args, stdout=out,
                                stderr=subprocess.PIPE).returncode
    return status


def load(driver, page, name):
    """Opens the page; returns the console's SEVERE entries and the resources
    fetched."""
    driver.get("file://" + page)
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    for e in severe:
        fail(f"{name}: console error: {e.get('message')}")
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    check(not fetched, f"{name}: the page fetched {fetched}")
    return severe


def attr(element, name):
    return element.get_attribute(name)


def check_findings(driver, name, report):
    findings = report["findings"]
    articles = driver.find_elements(By.CSS_SELECTOR, "article.finding")
    if not check(len(articles) == len(findings),
                 f"{name}: {len(articles)} findings in the page, "
                 f"{len(findings)} in the JSON report"):
        return 0
    rules = [attr(s, "data-rule") for s in
             driver.find_elements(By.CSS_SELECTOR, "section.rule")]
    expected_rules = []
    for f in findings:
        if not expected_rules or expected_rules[-1] != f["rule"]:
            expected_rules.append(f["rule"])
    check(rules == expected_rules, f"{name}: rule sections {rules}, expected "
          f"{expected_rules}")
    if not findings:
        check(driver.find_elements(By.ID, "no-findings"),
              f"{name}: no finding, and the page does not say so")
    arrows_seen = 0
    for i, (article, f) in enumerate(zip(articles, findings)):
        where = f"{name}: finding {i + 1} ({f['rule']} {f['key']})"
        check(attr(article, "data-rule") == f["rule"], f"{where}: wrong rule")
        title = article.find_element(By.CSS_SELECTOR, "h3 .title").text
        check(title == f["title"], f"{where}: title {title!r}, JSON {f['title']!r}")
        diagrams = article.find_elements(By.CSS_SELECTOR, "svg.diagram")
        if not check(len(diagrams) == 1, f"{where}: {len(diagrams)} diagrams"):
            continue
        svg = diagrams[0]
        check(svg.is_displayed() and svg.size["width"] > 0 and svg.size["height"] > 0,
              f"{where}: the diagram is not drawn")
        sides = f["sides"]
        lanes = svg.find_elements(By.CSS_SELECTOR, "g.lane:not(.party)")
        lane_names = [(attr(l, "data-process"), attr(l, "data-thread")) for l in lanes]
        wanted = []
        for s in sides:
            if (s["process"], s["thread"]) not in wanted:
                wanted.append((s["process"], s["thread"]))
        check(lane_names == wanted,
              f"{where}: lanes {lane_names}, expected one per process and thread "
              f"of its sides {wanted}")
        lane_index = {attr(l, "data-lane"): (attr(l, "data-process"),
                                             attr(l, "data-thread")) for l in lanes}
        markers = svg.find_elements(By.CSS_SELECTOR, "g.side")
        check(len(markers) == len(sides),
              f"{where}: {len(markers)} side markers, {len(sides)} sides")
        for m in markers:
            k = int(attr(m, "data-side"))
            if check(0 <= k < len(sides), f"{where}: marker of side {k}"):
                check(lane_index.get(attr(m, "data-lane")) ==
                      (sides[k]["process"], sides[k]["thread"]),
                      f"{where}: side {k} is not on its process and thread's lane")
        arrows = svg.find_elements(By.CSS_SELECTOR, "g.arrow")
        missing = svg.find_elements(By.CSS_SELECTOR, "g.arrow.missing")
        arrows_seen += len(arrows)
        check(len(arrows) >= 1, f"{where}: no arrow")
        check(len(missing) == 1, f"{where}: {len(missing)} missing edges, expected 1")
        check(len(arrows) == int(attr(article, "data-steps")),
              f"{where}: {len(arrows)} arrows for {attr(article, 'data-steps')} steps")
        ends = set()
        party_lanes = {attr(l, "data-lane") for l in
                       svg.find_elements(By.CSS_SELECTOR, "g.lane.party")}
        for a in arrows:
            for end in ("from", "to"):
                e, lane = attr(a, f"data-{end}"), attr(a, f"data-{end}-lane")
                if e == "party":
                    check(lane in party_lanes, f"{where}: an arrow ends on no party lane")
                    continue
                k = int(e)
                ends.add(k)
                if check(0 <= k < len(sides), f"{where}: an arrow ends on side {k}"):
                    check(lane_index.get(lane) == (sides[k]["process"],
                                                   sides[k]["thread"]),
                          f"{where}: an arrow to side {k} ends on another lane")
        check(ends == set(range(len(sides))),
              f"{where}: sides {sorted(set(range(len(sides))) - ends)} are on no arrow")
        for a in missing:
            stroke = a.find_element(By.CSS_SELECTOR, "line, path")
            check(attr(stroke, "stroke-dasharray"),
                  f"{where}: the missing edge is not dashed")
        steps = article.find_elements(By.CSS_SELECTOR, "ol.steps > li")
        check(len(steps) == len(arrows), f"{where}: {len(steps)} step labels")
        stacks = article.find_elements(By.CSS_SELECTOR, "details.stack")
        if check(len(stacks) == len(sides), f"{where}: {len(stacks)} stacks"):
            for k, (d, s) in enumerate(zip(stacks, sides)):
                check(attr(d, "open") is None, f"{where}: stack {k} is not collapsed")
                frames = d.find_elements(By.CSS_SELECTOR, "ol.frames > li")
                check(len(frames) == len(s["stack"]),
                      f"{where}: side {k}: {len(frames)} frames, JSON {len(s['stack'])}")
        for cls, field in (("why", "why"), ("fix", "fix"), ("observed", "observed")):
            shown = article.find_elements(By.CSS_SELECTOR, f"dd.{cls}")
            check(bool(shown) == bool(f[field]), f"{where}: {field} shown {bool(shown)}")
        check(article.find_elements(By.CSS_SELECTOR, "dd.rfc-sentence"),
              f"{where}: no RFC sentence")
    # A stack opens in the browser: the first one's frames become visible.
    stacks = driver.find_elements(By.CSS_SELECTOR, "details.stack")
    for d in stacks:
        frames = d.find_elements(By.CSS_SELECTOR, "ol.frames > li")
        if frames:
            # Selenium 4.8's is_displayed does not know <details>: ask the page.
            visible = "return arguments[0].checkVisibility()"
            check(not driver.execute_script(visible, frames[0]),
                  f"{name}: a closed stack shows frames")
            d.find_element(By.TAG_NAME, "summary").click()
            check(driver.execute_script(visible, frames[0]),
                  f"{name}: a stack does not open on click")
            break
    return arrows_seen


def check_latency(driver, name):
    check(driver.find_elements(By.ID, "latency"), f"{name}: no latency section")
    tables = driver.find_elements(By.CSS_SELECTOR, "table.latency")
    check(len(tables) >= 1, f"{name}: no latency table")
    histograms = driver.find_elements(By.CSS_SELECTOR, "svg.histogram")
    check(histograms, f"{name}: no histogram")
    for h in histograms:
        bars = [int(attr(b, "data-count")) for b in
                h.find_elements(By.CSS_SELECTOR, "rect.bar")]
        check(sum(bars) == int(attr(h, "data-count")),
              f"{name}: histogram bars sum to {sum(bars)}, count "
              f"{attr(h, 'data-count')}")
    loops = driver.find_elements(By.CSS_SELECTOR, "#latency-loops tr")[1:]
    for row in loops:
        cells = row.find_elements(By.TAG_NAME, "td")
        h = row.find_elements(By.CSS_SELECTOR, "svg.histogram")
        if check(len(h) == 1, f"{name}: a loop row without its histogram"):
            check(attr(h[0], "data-count") == cells[3].text,
                  f"{name}: loop histogram of {attr(h[0], 'data-count')} values, "
                  f"{cells[3].text} iterations")
    return len(histograms)


def main():
    if len(sys.argv) not in (3, 5):
        print(__doc__)
        return 2
    tool, src = sys.argv[1], sys.argv[2]
    screenshot = sys.argv[4] if len(sys.argv) == 5 and sys.argv[3] == "--screenshot" \
        else None
    traces = sorted(glob.glob(os.path.join(src, "tests/workloads/traces/*.tar.xz")))
    traces += sorted(glob.glob(os.path.join(src, "examples/traces/*.tar.xz")))
    if not traces:
        fail(f"no trace under {src}")
        return 1
    tmp = tempfile.mkdtemp(prefix="fluxtrace-html-")
    driver = None
    try:
        os.mkdir(os.path.join(tmp, "empty-root"))
        driver = start_browser()
        pages = findings = arrows = 0
        for tarball in traces:
            name = os.path.basename(tarball)[:-len(".tar.xz")]
            trace = os.path.join(tmp, name)
            os.mkdir(trace)
            with tarfile.open(tarball) as t:
                t.extractall(trace)
            args = ["-q", "--suppressions",
                    os.path.join(src, "suppressions/flux-core-0.88.supp"),
                    "--sysroot", os.path.join(tmp, "empty-root"),
                    "--no-system-debug-dir", trace]
            status_json = analyze(tool, args, "json", trace + ".json")
            status_html = analyze(tool, args, "html", trace + ".html")
            if not check(status_json in (0, 1) and status_html == status_json,
                         f"{name}: exit statuses json {status_json}, html {status_html}"):
                continue
            with open(trace + ".json") as f:
                report = json.load(f)
            load(driver, trace + ".html", name)
            arrows += check_findings(driver, name, report)
            findings += len(report["findings"])
            pages += 1
            if name == "rfc9-tour-4rank":
                # Both parts in one page.
                page = trace + "-latency.html"
                status = analyze(tool, ["--latency", "--check"] + args, "html", page)
                check(status == status_json, f"{name}: --latency --check exited {status}")
                load(driver, page, name + " --latency --check")
                check_findings(driver, name + " --latency --check", report)
                n = check_latency(driver, name + " --latency --check")
                print(f"{name}: --latency --check --format html: {n} histograms")
                pages += 1
                if screenshot:
                    load(driver, trace + ".html", name)
                    first = driver.find_elements(By.CSS_SELECTOR, "details.stack summary")
                    if first:
                        first[0].click()
                    driver.set_window_size(1280, 1500)
                    os.makedirs(os.path.dirname(os.path.abspath(screenshot)),
                                exist_ok=True)
                    check(driver.save_screenshot(screenshot), "screenshot not saved")
                    print(f"screenshot: {screenshot}")
            print(f"{name}: {len(report['findings'])} findings checked")
        print(f"{pages} pages, {findings} findings, {arrows} arrows checked in "
              f"{driver.capabilities.get('browserName')} "
              f"{driver.capabilities.get('browserVersion')}")
    finally:
        if driver:
            driver.quit()
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failures")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
