"""A faithful fake of the Telegram Bot API server, for end-to-end tests and benchmarks.

The fake is a real HTTP server on 127.0.0.1, so the bot under test runs unmodified: the real
python-telegram-bot client, its real HTTP stack, real (de)serialisation. Point PTB at it::

    async with FakeBotAPI(token=TOKEN) as fake:
        app = (
            Application.builder()
            .token(TOKEN)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        ...  # start the application, polling as usual
        fake.user_message(42, "/start")
        [reply] = await fake.wait_for_messages(42, 1)
        assert "Welcome" in reply.plain_text

What behaves like Telegram
    * Parameters arrive as query string, JSON body, ``application/x-www-form-urlencoded`` or
      ``multipart/form-data`` (PTB uses the last two). As in the real server, every value is
      a string first and each method converts what it needs; objects such as
      ``reply_markup`` arrive as JSON text. Method names are case-insensitive.
    * Answers are ``{"ok": true, "result": ...}`` with real Bot API object shapes, or
      ``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}`` with
      Telegram's own descriptions, which PTB turns into its usual exceptions
      (``BadRequest``, ``Forbidden``, ``ChatMigrated``, ``RetryAfter``, ...).
    * Text goes through Telegram's parse modes (see :mod:`tests.fakes.telegram.text`),
      is trimmed, and is limited to 4096 UTF-16 code units (captions to 1024) *after* markup
      is removed.
    * Message ids increase per chat; dates are integer Unix seconds; ``from`` of a bot
      message is the bot; edits get ``edit_date``; only inline keyboards appear in the
      returned ``reply_markup``; an edit without ``reply_markup`` removes the keyboard.
    * ``getUpdates`` is a real long poll: ``offset`` confirms (drops) older updates, negative
      offsets keep only the last ``-offset``, ``limit`` caps the batch, ``timeout`` waits and
      wakes as soon as an update is injected, ``allowed_updates`` is remembered across calls,
      a newer poll terminates an older one with ``409 Conflict``, and polling while a webhook
      is set is a ``409`` as well.
    * In groups, privacy mode (on by default, as for new bots) hides messages that are
      neither commands for this bot nor replies to it.

Flood control (``limits_enabled``, on by default)
    Three limits over *accepted* sends, with the numbers as attributes:

    * overall: ``global_limit`` (30) sends per ``global_window`` (1 s), counting
      ``sendMessage``, ``sendPhoto``, ``sendLocation`` and ``sendVenue``;
    * per chat: a token bucket of ``chat_burst`` (20) sends, refilled at ``chat_limit`` (1)
      per ``chat_window`` (1 s), counting those and the edits ``editMessageText`` and
      ``editMessageReplyMarkup``. Telegram asks for one message per second in a chat but
      tolerates "short bursts" and does not say how long; 20 is the fake's assumption (the
      burst a group may send at once under its 20 a minute), so a reply split in parts or
      a text and its map go through, while a sustained second-by-second excess is refused
      as Telegram eventually refuses it (``chat_burst = 1`` is a strict one per second);
    * per group (any negative chat id): ``group_limit`` (20) per ``group_window`` (60 s),
      counting the same methods as the per-chat window.

    A send is refused with ``429 Too Many Requests: retry after N`` and
    ``parameters.retry_after = N`` when a window already holds ``limit`` accepted sends
    younger than its length, or the chat's bucket has no whole token. ``N`` is whole
    seconds, rounded up, at least 1, until the blocking send expires or the token is back
    (the largest ``N`` if several refuse). Refused sends do not count. Time comes from
    ``clock`` (``time.monotonic`` by default), which a test may replace to move time without
    sleeping. Other methods are never limited. A send is
    checked in this order: parameters and markup; the chat (not found, migrated, kicked);
    text emptiness and length; blocked or deactivated user; replied message; flood control.
    Only a request that passes all of them is recorded as sent.

    PTB 22 emits a ``PTBDeprecationWarning`` whenever it builds a ``RetryAfter`` unless the
    environment has ``PTB_TIMEDELTA=true``; under ``filterwarnings = error`` a test that can
    meet a 429 must set it (``monkeypatch.setenv``), and then ``retry_after`` is a timedelta.

Fault injection
    ``inject_faults(rate, kinds, seed)`` fails that share of message-sending calls (the
    methods listed above), drawing from a seeded RNG in arrival order: ``"429"`` (retry after
    1), ``"500"`` (Internal Server Error), ``"502"`` (Bad Gateway) or ``"timeout"`` (the
    request is held for ``fault_timeout`` seconds, longer than PTB's default 5 s read
    timeout, then the connection is closed without an answer). ``fail_next(method, ...)``
    queues exact failures for the next calls of one method; queued failures come before
    random ones. An injected failure never reaches the method, so nothing is sent.

Recording
    ``sent`` holds a :class:`Sent` for every successful send or edit, ``requests`` a
    :class:`RequestRecord` for every call (also failed, injected and timed-out ones),
    ``answered_callbacks`` every ``answerCallbackQuery``, ``commands`` the current
    ``setMyCommands`` state. ``wait_for``, ``wait_for_messages`` and ``wait_until`` wake on
    each recorded call, without polling.

Webhooks
    ``setWebhook`` (an ``https://`` URL) stops ``getUpdates`` and starts pushing the queued
    updates to the webhook, with the ``secret_token`` header, until ``deleteWebhook``; see
    :mod:`tests.fakes.telegram.webhook`. ``webhook_targets`` lists the local plain-HTTP
    servers behind the public URL (round-robin, like a load balancer), ``webhook_posts``
    records every attempt.

Forum topics and channels
    ``make_forum`` turns a supergroup into a forum, ``create_forum_topic``,
    ``close_forum_topic``, ``reopen_forum_topic`` and ``delete_forum_topic`` (also Bot API
    methods) change its topics, and ``user_message(..., thread_id=)`` writes in one; a send
    with ``message_thread_id`` lands in the topic, or is refused with ``message thread not
    found`` (deleted) or ``TOPIC_CLOSED`` (see :mod:`.topics`). ``add_channel`` declares a
    channel with the bot as its administrator (``getChatMember`` answers with
    ``can_post_messages``; a channel's other users read as ``left`` unless set);
    ``mark_kicked`` removes the bot (``403 Forbidden: bot is not a member of the channel
    chat``), ``revoke_post_right`` keeps it without the right to post (``400 Bad Request:
    not enough rights to send text messages to the chat``).

Not modelled: inline mode, payments, media other than photos, automatic entities other
than bot commands in user messages.

How it is built: one concern a module, mixed together here on :class:`.core.BotAPICore`
(the state and the rules every method shares):

* :mod:`.server`: HTTP transport, routing, the token check, parameters, answers;
* :mod:`.methods_messages`, :mod:`.methods_files`, :mod:`.methods_chats`,
  :mod:`.methods_bot`: the Bot API methods, with :mod:`.compose` (what every send checks);
* :mod:`.updates`: ``getUpdates`` and webhooks (pushed by :mod:`.webhook`);
* :mod:`.limits` and :mod:`.faults`: flood control and injected failures;
* :mod:`.driver` and :mod:`.observe`: the test's side, what users do and what the bot did;
* :mod:`.text`, :mod:`.objects`, :mod:`.records`: parse modes, object shapes, records.

The wire formats shared with the demo's small fake (answers, photo sizes, the loopback
server) live in :mod:`bot.demo_fakes`, which ships; this fake does not.
"""

from __future__ import annotations

from .core import DEFAULT_TOKEN, Handler
from .driver import Driver
from .faults import FaultKind
from .methods_bot import BotMethods
from .methods_chats import ChatMethods
from .methods_files import FileMethods
from .methods_messages import MessageMethods
from .objects import EDIT_METHODS, MESSAGE_METHODS, MemberStatus
from .observe import Observer
from .records import AnsweredCallback, RequestRecord, Sent
from .server import BotAPITransport
from .updates import UpdateMethods

__all__ = [
    "DEFAULT_TOKEN",
    "EDIT_METHODS",
    "MESSAGE_METHODS",
    "AnsweredCallback",
    "FakeBotAPI",
    "FaultKind",
    "MemberStatus",
    "RequestRecord",
    "Sent",
]


class FakeBotAPI(
    Driver,
    Observer,
    UpdateMethods,
    MessageMethods,
    FileMethods,
    ChatMethods,
    BotMethods,
    BotAPITransport,
):
    """A Telegram Bot API server on 127.0.0.1 for one bot token.

    Attributes:
        token: The only token accepted; others get ``401 Unauthorized``.
        bot_user: The bot's ``User`` object (``from`` of its messages).
        privacy_mode: Hide group messages that are neither commands for the bot nor replies
            to it, as Telegram does for bots with privacy mode on (the default there too).
        limits_enabled: Whether flood control applies (switch off for throughput runs).
        global_limit: Sends accepted per ``global_window`` seconds overall.
        global_window: Length of the overall window in seconds.
        chat_limit: Sustained sends and edits per ``chat_window`` seconds in one chat.
        chat_window: Seconds over which ``chat_limit`` sends refill a chat's bucket.
        chat_burst: Sends one chat accepts at once (its bucket's size).
        group_limit: Sends and edits accepted per ``group_window`` seconds in one group.
        group_window: Length of the per-group window in seconds.
        clock: Source of time for flood control and ``at`` stamps.
        strict_ampersand: Reject unescaped ``&`` in HTML (see :mod:`tests.fakes.telegram_text`).
        auto_create_chats: Treat any unseen chat id as an existing chat (private for positive
            ids, supergroup for ids below -10**12, group otherwise). When false, only chats
            created by :meth:`add_chat` or by injected updates exist.
        keep_uploads: Keep uploaded photo bytes (for :meth:`file_bytes` and downloads); switch
            off in benchmarks that upload a lot.
        fault_timeout: Seconds an injected timeout holds a request before dropping it.
        sleep: How that hold waits (``asyncio.sleep``; a test on a virtual clock gives its
            clock's sleep, and its seconds as ``clock``).
        sent: Every successful send or edit, in order.
        requests: Every call, in order, including failures.
        uploads: Files received in ``multipart/form-data`` requests (photos and documents
            uploaded as bytes, not sent by file id or URL), whatever the answer.
        answered_callbacks: Every successful ``answerCallbackQuery``.
        deleted: ``(chat_id, message_id)`` of every successful ``deleteMessage``.
        commands: Current bot commands by ``(scope key, language code)``; see
            :meth:`commands_for` for the scope keys.
        webhook: Current webhook settings from ``setWebhook``, ``None`` if not set.
    """

    def _handlers(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "logOut": self._log_out,
            "close": self._log_out,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendLocation": self._send_location,
            "sendVenue": self._send_venue,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
            "createForumTopic": self._create_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
        }
