"""The fake Bot API's transport: HTTP routes, the token check, parameters, answers.

Every call arrives at ``/bot<token>/<method>`` (method names case-insensitive) with its
parameters as query string, JSON body, ``application/x-www-form-urlencoded`` or
``multipart/form-data``; every value is a string first, as in the real server. A
well-formed unknown token is ``401``, a malformed one or an unknown method ``404``.
Files are downloaded from ``/file/bot<token>/<file_path>``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

from bot.demo_fakes.bot_api_wire import error_response, ok_response

from .core import BotAPICore
from .objects import ApiError, Params, Upload
from .records import JSON

__all__ = ["BotAPITransport"]

_TOKEN_SHAPE: Final = re.compile(r"\d+:[A-Za-z0-9_-]+")


class BotAPITransport(BotAPICore):
    """Routes each request to its method, after the token check and any planned fault."""

    # Bot API uploads go up to 50 MB; leave room for the multipart framing.
    client_max_size = 64 * 1024 * 1024

    def _routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        requested = request.match_info["method"]
        if request.match_info["token"] != self.token:
            # Telegram: a well-formed but unknown token is 401, anything else 404.
            if _TOKEN_SHAPE.fullmatch(request.match_info["token"]):
                return self._answer_error(requested, 401, "Unauthorized", None, {})
            return self._answer_error(requested, 404, "Not Found", None, {})
        entry = self._methods.get(requested.lower())
        if entry is None:
            return self._answer_error(requested, 404, "Not Found", None, {})
        name, implementation = entry
        try:
            params = await self._read_params(request)
        except ApiError as err:
            return self._answer_error(name, err.status, err.description, err.parameters, {})

        planned = self._faults.next_failure(name)
        if planned is not None:
            if planned.status == "timeout":
                return await self._time_out(request, name, params)
            return self._answer_error(
                name, planned.status, planned.description, planned.parameters, params.values, True
            )

        try:
            result = await implementation(params)
        except ApiError as err:
            return self._answer_error(
                name, err.status, err.description, err.parameters, params.values
            )
        self._record_request(name, 200, None, params.values, injected=False)
        return ok_response(result)

    async def _read_params(self, request: web.Request) -> Params:
        values: dict[str, str] = dict(request.query) if request.query_string else {}
        files: dict[str, Upload] = {}
        if not request.body_exists:
            return Params(values, files)
        content_type = request.content_type
        if content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    files[part.name] = Upload(part.filename, bytes(await part.read()))
                    self.uploads += 1
                else:
                    values[part.name] = await part.text()
            return Params(values, files)
        raw = await request.read()
        if not raw:
            return Params(values, files)
        if content_type == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON object expected")
            for key, value in body.items():
                if value is not None:
                    values[key] = value if isinstance(value, str) else json.dumps(value)
            return Params(values, files)
        values.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return Params(values, files)

    async def _time_out(
        self, request: web.Request, name: str, params: Params
    ) -> web.StreamResponse:
        # Recorded up front so tests can count timeouts while the client is still waiting.
        self._record_request(name, None, "timeout (injected)", params.values, injected=True)
        return await self._hold_and_drop(request, self.fault_timeout)

    async def _hold_and_drop(self, request: web.Request, seconds: float) -> web.StreamResponse:
        """Hold the request for `seconds` on the fake's ``sleep`` (or until it stops), then
        close the connection without an answer."""
        held = asyncio.ensure_future(self.sleep(seconds))
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait([held, closing], return_when=asyncio.FIRST_COMPLETED)
        finally:
            held.cancel()
            closing.cancel()
        # Closing the transport makes aiohttp drop the response below instead of sending it.
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=504)

    def _answer_error(
        self,
        method: str,
        status: int,
        description: str,
        parameters: JSON | None,
        values: Mapping[str, str],
        injected: bool = False,
    ) -> web.Response:
        self._record_request(method, status, description, values, injected=injected)
        return error_response(status, description, parameters)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return error_response(401, "Unauthorized")
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None or stored.data is None:
            return error_response(404, "Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")
