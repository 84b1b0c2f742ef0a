"""``flask seed`` and ``flask demo-info`` through Flask's CLI runner."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from core.models import Order, Shipment, StaffUser
from core.seed.demo import DEMO_EMAIL
from core.shop import Shop


def test_seed_then_demo_info(app: Flask, app_shop: Shop) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "--orders", "120", "--days", "30", "--seed", "3", "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    assert "Seeded 120 orders" in result.output
    with app_shop.db.read() as session:
        assert session.scalar(select(func.count(Order.id))) == 120
        staff = dict(session.execute(select(StaffUser.email, StaffUser.role)).tuples().all())
        demo = list(session.scalars(select(Order.number).where(Order.email == DEMO_EMAIL)))
        moving = list(
            session.scalars(
                select(Shipment.tracking_number)
                .join(Order)
                .where(Order.email == DEMO_EMAIL, Shipment.status == "out_for_delivery")
            )
        )
    assert staff == {"staff@example.com": "staff", "manager@example.com": "manager"}
    info = runner.invoke(args=["demo-info"])
    assert info.exit_code == 0, info.output
    for expected in [*demo, *moving, "staff@example.com", "manager@example.com", "shiplog-demo", DEMO_EMAIL]:
        assert expected in info.output
    for path in ("http://localhost/", "/staff/", "/dashboard/", "/staff/mailbox"):
        assert path in info.output


def test_if_empty_skips_and_a_second_seed_is_refused(app: Flask, app_shop: Shop) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "--orders", "30", "--days", "10"]).exit_code == 0
    skipped = runner.invoke(args=["seed", "--if-empty", "--orders", "30"])
    assert skipped.exit_code == 0
    assert "nothing seeded" in skipped.output
    refused = runner.invoke(args=["seed", "--orders", "30"])
    assert refused.exit_code != 0
    assert "already has 30 orders" in refused.output
    with app_shop.db.read() as session:
        assert session.scalar(select(func.count(Order.id))) == 30


def test_bad_options_are_refused_with_a_message(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "--orders", "0"])
    assert result.exit_code == 2
    assert "--orders" in result.output


def test_demo_info_on_an_empty_database(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo-info"])
    assert result.exit_code == 0
    assert "No orders yet" in result.output
