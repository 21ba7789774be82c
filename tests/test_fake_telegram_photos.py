"""The fake Bot API's photos as Telegram answers them: sizes with file ids, reuse by id."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest

from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeBotAPI
from tests.test_fake_telegram_api import png


@pytest.fixture
async def bot() -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    """The fake server and a PTB client of it."""
    async with (
        FakeBotAPI(token=DEFAULT_TOKEN) as fake,
        Bot(DEFAULT_TOKEN, base_url=fake.base_url) as client,
    ):
        yield fake, client


async def test_uploads_are_counted_and_file_ids_reuse_the_photo(
    bot: tuple[FakeBotAPI, Bot],
) -> None:
    fake, client = bot
    first = await client.send_photo(10, png(120, 90))
    thumb, full = first.photo
    assert (full.width, full.height) == (120, 90) and thumb.width < full.width
    assert full.file_id != thumb.file_id and full.file_unique_id != thumb.file_unique_id
    assert fake.uploads == 1

    by_id = await client.send_photo(11, full.file_id, caption="again")
    by_thumb = await client.send_photo(12, thumb.file_id)
    assert by_id.photo[-1].file_unique_id == full.file_unique_id
    assert by_thumb.photo[-1].file_unique_id == full.file_unique_id
    assert fake.uploads == 1  # sends by file id carry no file
    assert [s.photo_size for s in fake.sent] == [len(png(120, 90)), None, None]


async def test_a_file_id_the_server_did_not_issue_is_refused(bot: tuple[FakeBotAPI, Bot]) -> None:
    fake, client = bot
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier/http url specified"):
        await client.send_photo(10, "AgACAgIAAxkDAAIunknown")
    [refused] = [r for r in fake.requests if r.method == "sendPhoto"]
    assert refused.status == 400
    assert refused.description == "Bad Request: wrong file identifier/HTTP URL specified"
    assert fake.uploads == 0 and not fake.sent
    fake.clear_records()
    await client.send_photo(10, png())
    assert fake.uploads == 1
