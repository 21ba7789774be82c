"""/start and /help."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import Application, CommandHandler

from handlers.catalog import COMMANDS
from handlers.context import BotContext
from handlers.locale import chat_translator


async def start(update: Update, context: BotContext) -> None:
    """Welcome the user in their language; a returning chat is marked active again."""
    t = await chat_translator(update, context, reactivate=True)
    user = update.effective_user
    name = escape(user.first_name) if user else ""
    text = "\n\n".join(
        [
            t._("Hello, {name}! I am summitwatch.", name=name),
            t._(
                "I watch the signals of high-stakes diplomacy for analysts: government and "
                "envoy jets taking off and landing, official statements that mention the "
                "people and places you follow, and which cities could host a meeting."
            ),
            t._(
                "Every alert says where it comes from, when, and how sure we are: a plane "
                "is only “believed” to carry someone until that is confirmed."
            ),
            t._("Send /help for the commands, or /lang to change the language."),
        ]
    )
    if update.effective_message:
        await update.effective_message.reply_text(text)


async def help_command(update: Update, context: BotContext) -> None:
    """List every command with its localized description."""
    t = await chat_translator(update, context)
    title = t._("Commands")
    lines = [f"<b>{title}</b>"]
    for command in COMMANDS:
        usage = f" {escape(command.usage)}" if command.usage else ""
        lines.append(f"/{command.name}{usage} — {escape(t._(command.description))}")
    lines += [
        "",
        t._(
            "In a group with topics, a command sent in a topic is answered there, and "
            "/subscribe in a topic sends its alerts to that topic."
        ),
        t._(
            "A channel: add me as its administrator, link it with /channel add @channel, then "
            "/subscribe person witkoff in @channel and /lang @channel ru."
        ),
    ]
    if update.effective_message:
        await update.effective_message.reply_text("\n".join(lines))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
