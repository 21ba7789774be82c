"""All tables of the store; importing this package registers them on `SQLModel.metadata`."""

from storage.models.chats import ChannelLink, Chat, ForumTopic, Subscription, SubscriptionKind
from storage.models.digests import DigestEvent
from storage.models.flight_state import FlightTrackState, FlightWatchState
from storage.models.flights import FlightEventRow, Position
from storage.models.links import SignalLink
from storage.models.operations import MaintenanceMark
from storage.models.outbox import AlertPayload, OutboxRow, OutboxStatus
from storage.models.pictures import PictureFile
from storage.models.sources import Source, SourceKind
from storage.models.statements import Mention, Statement, StatementEvent, StatementRevision
from storage.models.venues import Venue, VenueEvent, VenueFactor, VenueRanking
from storage.models.watchlist import (
    Aircraft,
    AircraftDismissal,
    DatasetImport,
    LinkConfidence,
    Person,
    PersonAircraft,
)
from storage.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "Aircraft",
    "AircraftDismissal",
    "AlertPayload",
    "ChannelLink",
    "Chat",
    "DatasetImport",
    "DigestEvent",
    "FlightEventRow",
    "FlightTrackState",
    "FlightWatchState",
    "ForumTopic",
    "LinkConfidence",
    "MaintenanceMark",
    "Mention",
    "OutboxRow",
    "OutboxStatus",
    "Person",
    "PersonAircraft",
    "PictureFile",
    "Position",
    "SignalLink",
    "Source",
    "SourceKind",
    "Statement",
    "StatementEvent",
    "StatementRevision",
    "Subscription",
    "SubscriptionKind",
    "Venue",
    "VenueEvent",
    "VenueFactor",
    "VenueRanking",
    "Webhook",
    "WebhookDelivery",
]
