"""/webhook add <url> [kinds], /webhook list, /webhook remove N: a chat's outgoing webhooks."""

from __future__ import annotations

import secrets
from html import escape

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.alerts.schedule import URGENT_CHOICES
from bot.kernel.i18n import Translator
from bot.kernel.numbers import parse_int
from bot.net.ssrf import AddressPolicy
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.replies import reply
from handlers.rights import chat_manager_or_refuse
from storage.models import Webhook
from storage.webhooks import MAX_PER_CHAT, add_webhook, chat_webhooks, deliveries, remove_webhook

KINDS = ("emergency", *URGENT_CHOICES)
MAX_URL = 2048


def _usage(t: Translator) -> str:
    # Escaped: "<url>" would be taken for an HTML tag.
    return escape(
        t._(
            "/webhook add <url> [kinds] sends every alert of this chat to your tool as signed "
            "JSON (kinds: {kinds}; all when none); /webhook list shows them; /webhook remove N "
            "removes one.",
            kinds=", ".join(KINDS),
        )
    )


def _line(number: int, hook: Webhook, counts: dict[str, int], t: Translator) -> str:
    kinds = hook.kinds or t._("all alerts")
    return t._(
        "{n}. {url} — {kinds}; sent {sent}, waiting {waiting}, failed {dead}",
        n=number,
        url=escape(hook.url),
        kinds=escape(kinds),
        sent=counts.get("sent", 0),
        waiting=counts.get("pending", 0) + counts.get("sending", 0),
        dead=counts.get("dead", 0),
    )


async def webhook_command(update: Update, context: BotContext) -> None:
    """Add, list or remove the chat's webhooks (chat managers)."""
    t = await chat_translator(update, context)
    chat = update.effective_chat
    args = list(context.args or [])
    action = args.pop(0).lower() if args else "list"
    if chat is None or action not in ("add", "list", "remove"):
        await reply(update, _usage(t))
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    if action == "list":
        await _list(update, context, chat.id, t)
    elif action == "add":
        await _add(update, context, chat.id, args, t)
    else:
        await _remove(update, context, chat.id, args, t)


async def _list(update: Update, context: BotContext, chat_id: int, t: Translator) -> None:
    async with context.services.sessions() as session:
        hooks = await chat_webhooks(session, chat_id)
        counts = [await deliveries(session, hook.id or 0) for hook in hooks]
    if not hooks:
        await reply(update, t._("This chat has no webhooks.") + "\n" + _usage(t))
        return
    lines = [t._("Webhooks of this chat:")]
    lines += [
        _line(n, hook, c, t) for n, (hook, c) in enumerate(zip(hooks, counts, strict=True), 1)
    ]
    await reply(update, "\n".join(lines))


async def _add(
    update: Update, context: BotContext, chat_id: int, args: list[str], t: Translator
) -> None:
    if not args or len(args[0]) > MAX_URL:
        await reply(update, _usage(t))
        return
    url, wanted = args[0], [k.lower().strip(",") for k in args[1:]]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        await reply(
            update,
            t._(
                "Unknown kind “{kind}”. Kinds: {kinds}.",
                kind=escape(unknown[0][:40]),
                kinds=", ".join(KINDS),
            ),
        )
        return
    policy = AddressPolicy.build(allow=context.services.settings.feeds_allow_list())
    refusal = await policy.check_url(url)
    if refusal is not None:
        await reply(
            update,
            t._(
                "I cannot send to {url}: {reason}. A webhook must be a public http(s) address.",
                url=escape(url[:200]),
                reason=escape(refusal),
            ),
        )
        return
    user = update.effective_user
    secret = secrets.token_hex(32)
    async with context.services.sessions.begin() as session:
        hooks = await chat_webhooks(session, chat_id)
        if len(hooks) >= MAX_PER_CHAT:
            await reply(
                update, t._("A chat has at most {n} webhooks; remove one first.", n=MAX_PER_CHAT)
            )
            return
        await add_webhook(
            session,
            chat_id=chat_id,
            url=url,
            secret=secret,
            kinds=",".join(dict.fromkeys(wanted)) or None,
            created_by=user.id if user else None,
            now=context.services.delivery_clock(),
        )
    await reply(
        update,
        t._(
            "Webhook {n} added: {url}. Every alert of this chat is POSTed to it as JSON with "
            "the header X-Summitwatch-Signature: sha256=HMAC-SHA256 of the body under this "
            "secret, shown only now:\n<code>{secret}</code>",
            n=len(hooks) + 1,
            url=escape(url),
            secret=secret,
        ),
    )


async def _remove(
    update: Update, context: BotContext, chat_id: int, args: list[str], t: Translator
) -> None:
    number = parse_int(args[0], low=1, high=MAX_PER_CHAT) if len(args) == 1 else None
    async with context.services.sessions.begin() as session:
        hooks = await chat_webhooks(session, chat_id)
        if number is None or number > len(hooks):
            await reply(
                update,
                t._("Send /webhook remove with a number from /webhook list.") + "\n" + _usage(t),
            )
            return
        hook = hooks[number - 1]
        await remove_webhook(session, hook.id or 0)
    await reply(update, t._("Webhook {n} removed: {url}.", n=number, url=escape(hook.url)))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("webhook", webhook_command))
