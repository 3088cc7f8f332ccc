"""Migration 0005: rows written before it lose their one-time codes; new columns exist."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from bot.db.migrate import downgrade, upgrade

OLD_BODY = (
    "Your TeleComNet code is 482913. It expires in 10 minutes. "
    "Never share it: TeleComNet will never ask you for it."
)
OTHER = "TeleComNet: the phone number on your account was changed to +1 ••• ••• 0150."


def test_upgrade_redacts_old_codes_and_downgrade_keeps_them_redacted(
    blank_database_url: str,
) -> None:
    upgrade(blank_database_url, "0004")
    engine = create_engine(blank_database_url, future=True)
    try:
        with engine.begin() as conn:
            for body in (OLD_BODY, OTHER):
                conn.execute(
                    text(
                        'INSERT INTO outbox_messages (medium, "to", body, transport, status,'
                        " created_at) VALUES ('sms', '+12025550101', :body, 'demo', 'sent',"
                        " '2026-11-25 12:00:00')"
                    ),
                    {"body": body},
                )
        upgrade(blank_database_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT body, subject, failure_reason FROM outbox_messages ORDER BY id")
            ).all()
        assert rows[0] == (OLD_BODY.replace("482913", "[code withheld]"), None, None)
        assert rows[1] == (OTHER, None, None)
        downgrade(blank_database_url, "0004")
        with engine.connect() as conn:
            bodies = conn.execute(text("SELECT body FROM outbox_messages ORDER BY id")).scalars()
            assert "482913" not in " ".join(bodies)
    finally:
        engine.dispose()
