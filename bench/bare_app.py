"""The benchmark's baseline: a slack-bolt app that only acks, served exactly as socialops is.

Same gunicorn options, same Web API client and the same signature check: the difference between
this and ``socialops serve`` is what socialops adds on the ack path (middleware, event dedupe, the
router and Block Kit building).

Run: ``python -m bench.bare_app --port 3100`` with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and
SLACK_API_URL set (bench/ack.py does this).
"""

from __future__ import annotations

import argparse

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.blocks.approvals import APPROVE_ACTION
from bot.blocks.handoff_buttons import CLAIM_ACTION
from bot.blocks.help import DISMISS_ACTION_ID
from bot.runtime.server import GunicornServer, gunicorn_options
from bot.runtime.web import SLACK_EVENTS_PATH, WSGIApp
from bot.settings import load_settings
from bot.slack.client import build_web_client


def create_bare_app() -> WSGIApp:
    settings = load_settings()
    client = build_web_client(
        token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url
    )
    app = App(client=client, signing_secret=settings.secret("slack_signing_secret"))

    @app.command("/social")
    def ack_command(ack: Ack) -> None:
        ack()

    # The benchmark's clicks: Dismiss (decides nothing), Approve and Claim (socialops commits
    # first).
    @app.action(DISMISS_ACTION_ID)
    @app.action(APPROVE_ACTION)
    @app.action(CLAIM_ACTION)
    def ack_click(ack: Ack) -> None:
        ack()

    return SlackRequestHandler(app, path=SLACK_EVENTS_PATH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    options = gunicorn_options(
        host=args.host, port=args.port, workers=args.workers, threads=args.threads
    )
    options["proc_name"] = "socialops-bench-bare"
    GunicornServer(create_bare_app, options).run()


if __name__ == "__main__":
    main()
