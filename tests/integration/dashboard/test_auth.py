"""Every route under /dashboard/ refuses anonymous requests; staff see no money, managers see all."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from core.analytics.definitions import BY_KEY
from tests.integration.dashboard.conftest import STORY_ARGS, callback

SAMPLES = {
    "path": "returns",
    "key": "returns.by_sku",
    "filename": "dashboard.css",
    "package_name": "dash",
    "fingerprinted_path": "dcc/dash_core_components.v4_4_1m1.js",
}


def dashboard_urls(app: Flask) -> list[tuple[str, set[str]]]:
    """Every registered /dashboard rule, its placeholders filled with sample values."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/dashboard"):
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: SAMPLES[m.group(1)], rule.rule)
            found.append((url, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return found


def test_every_dashboard_route_refuses_anonymous_requests(story_app: Flask) -> None:
    client = story_app.test_client()
    urls = dashboard_urls(story_app)
    assert {
        "/dashboard/_dash-update-component",
        "/dashboard/_dash-layout",
        "/dashboard/_dash-dependencies",
        "/dashboard/api/kpis",
    } <= {u for u, _ in urls}
    for url, methods in urls:
        for method in methods:
            reply = client.open(url, method=method, json={} if method == "POST" else None)
            if method == "GET" and url in {"/dashboard/", "/dashboard/returns"}:
                assert reply.status_code == 302, url
                assert reply.headers["Location"].startswith("/staff/login?next=/dashboard/")
            else:
                assert reply.status_code == 401, (method, url, reply.status_code)
            assert b"react" not in reply.data
            assert b"kpis" not in reply.data


def test_component_scripts_and_assets_need_a_login(story_app: Flask, manager: FlaskClient) -> None:
    page = manager.get("/dashboard/").get_data(as_text=True)
    script = re.search(r'src="(/dashboard/_dash-component-suites/[^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert manager.get(script).status_code == 200
    assert story_app.test_client().get(script).status_code == 401
    assert manager.get("/dashboard/assets/boot.js").status_code == 200


def test_page_has_no_inline_script_and_a_strict_csp(manager: FlaskClient) -> None:
    reply = manager.get("/dashboard/fulfilment?" + STORY_ARGS)
    html = reply.get_data(as_text=True)
    csp = reply.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp or csp.endswith("script-src 'self'")
    executable = [
        tag
        for tag in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in tag[0] and 'type="application/json"' not in tag[0] and tag[1].strip()
    ]
    assert [t for t in executable if "alert(" not in t[1]] == []  # only the IE conditional comment remains
    assert 'id="_dash-renderer" src="/dashboard/assets/boot.js' in html


def test_staff_get_no_money(staff: FlaskClient) -> None:
    body = staff.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()
    keys = list(body["kpis"]) + list(body["counts"]) + list(body["series"])
    assert "fulfilment.sla_share" in keys
    assert [k for k in keys if k.startswith("sales.") or k.endswith("_minor")] == []
    assert staff.get("/dashboard/export/sales.by_period.csv?" + STORY_ARGS).status_code == 403
    page = callback(
        staff,
        "page-content.children",
        [
            {"id": "url", "property": "pathname", "value": "/dashboard/sales"},
            {"id": "url", "property": "search", "value": "?" + STORY_ARGS},
        ],
    )
    assert "for managers only" in str(page)


def test_managers_get_money(manager: FlaskClient) -> None:
    body = manager.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()
    # 34300 − 800 − 2316 (A's returned TEE-M) − 2500 (C cancelled): tests/integration/analytics/test_kpis.py.
    assert body["kpis"]["sales.net_minor"]["value"] == 28684
    csv = manager.get("/dashboard/export/sales.by_period.csv?" + STORY_ARGS).get_data(as_text=True)
    labels, keys = csv.splitlines()[:2]
    assert labels.startswith("Period,Orders,Units,Gross sales (USD),")
    assert keys == (
        "period,orders,units,gross_minor,discounts_minor,returns_minor,cancellations_minor,net_minor,"
        "other_refunds_minor,shipping_minor,aov_minor"
    )
    assert "2025-03-03,3,6,143.00,8.00,0.00,0.00,135.00,0.00,10.00,45.00" in csv
    assert "2025-03-04,1,1,25.00,0.00,0.00,25.00,0.00,0.00,0.00,25.00" in csv  # C placed and cancelled


def test_callback_post_without_csrf_token_is_refused(manager: FlaskClient) -> None:
    body = {
        "output": "page-content.children",
        "outputs": {"id": "page-content", "property": "children"},
        "inputs": [{"id": "url", "property": "pathname", "value": "/dashboard/"}],
        "changedPropIds": [],
        "state": [],
    }
    assert manager.post("/dashboard/_dash-update-component", json=body).status_code == 400


def test_kpi_csv_has_every_kpi_with_its_comparison(manager: FlaskClient) -> None:
    lines = manager.get("/dashboard/export/kpis.csv?" + STORY_ARGS).get_data(as_text=True).splitlines()
    assert lines[0] == (
        "KPI,Key,Label,Unit,Counted over,Value,Previous period,Delta,Change (share 0–1),Better than previous,"
        "Still incomplete,"
        "Orders still inside return window (share 0–1)"
    )
    assert lines[1] == "kpi,key,label,unit,basis,value,previous,delta,change,better,incomplete,open_share"
    placed = BY_KEY["sales.orders"].basis
    said = f'"{placed}"' if "," in placed else placed  # CSV quotes a basis with a comma
    assert f"Orders,sales.orders,Orders,count,{said},8,1,7,7.0,True,False," in lines  # cancelled C counts
    assert "Net sales (USD),sales.net_minor,Net sales,USD," in "\n".join(lines)
    assert ",286.84," in next(line for line in lines if ",sales.net_minor," in line)


def test_json_endpoints_refuse_anonymous_callers_with_a_problem_document(story_app: Flask) -> None:
    reply = story_app.test_client().get("/dashboard/api/kpis?" + STORY_ARGS)
    assert reply.status_code == 401
    assert reply.mimetype == "application/problem+json"
    assert reply.get_json()["detail"] == "Sign in as staff to use the dashboard."


def test_bad_filters_get_a_problem_document(manager: FlaskClient) -> None:
    reply = manager.get("/dashboard/api/kpis?from=2025-02-30")
    assert reply.status_code == 400
    assert reply.get_json()["errors"] == {"from": "from must be a date like 2025-03-31, not '2025-02-30'."}
    assert manager.get("/dashboard/api/drill?" + STORY_ARGS + "&kind=bogus").status_code == 400
    assert manager.get("/dashboard/export/nope.csv").status_code == 404


def test_drill_endpoint_pages_orders(manager: FlaskClient, staff: FlaskClient) -> None:
    url = "/dashboard/api/drill?" + STORY_ARGS + "&kind=carrier_service&key=ups|Ground&page=0"
    body = manager.get(url).get_json()
    assert (body["total"], len(body["rows"])) == (3, 3)
    assert "value_minor" in body["rows"][0]
    assert "value_minor" not in staff.get(url).get_json()["rows"][0]
    csv = manager.get("/dashboard/export/drill.csv?" + STORY_ARGS + "&kind=sku&key=TEE-L").get_data(as_text=True)
    assert csv.splitlines()[1] == "order_id,number,placed_at,status,channel,value_minor,currency"
    assert len(csv.splitlines()) == 3
