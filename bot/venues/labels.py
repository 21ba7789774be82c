"""Message ids of every contribution and change label, with their `{named}` parameters,
and of every factor value (`FACTOR_VALUES`, no parameters).

Each `Contribution.label_key` is one of these English strings; the bot translates it with
`Translator._(label_key, **params)` in the chat's language. Parameter values are raw data:
`datetime` (aware UTC: render in the venue's zone plus UTC), ISO date text such as
"2024-08-18" or "2018-04", numbers, and source text (titles, names, fact details) that
is shown as given.

They are marked with `N_` so they are extracted into the gettext catalogs and
translated into ru/az.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.kernel.i18n import N_

# Standing facts. {as_of}, {when}, {effective}, {latest}: ISO dates; {detail}: the fact.
ICC_NOT_PARTY = N_("Not a party to the ICC Rome Statute: no duty to arrest Putin")
ICC_PARTY = N_("Party to the ICC Rome Statute: bound to arrest Putin under the ICC warrant")
ICC_WITHDRAWING = N_("Leaving the ICC on {effective}: bound to arrest Putin until then")
ICC_UNVERIFIED_AFTER_WITHDRAWAL = N_(
    "ICC withdrawal was due to take effect on {effective}; the status since then is unverified"
)
ICC_UNVERIFIED = N_("ICC status unverified (as of {as_of})")
WAR_MEDIATOR = N_("Has mediated between Russia and Ukraine or the US")
WAR_ALLY_OF_RUSSIA = N_("Russia's close ally in the war")
NATO_MEMBER = N_("NATO member since {when}")
NOT_NATO = N_("Not a NATO member")
HOST_OFFER = N_("The host government offered to host or facilitate a meeting ({when})")
PRECEDENT_LEADERS = N_("Hosted a US–Russia leaders' meeting on {when}: {detail}")
PRECEDENT_SENIOR = N_("Hosted senior US–Russia talks on {when}: {detail}")
PRECEDENT_WORKING = N_("Hosted working-level US–Russia contacts on {when}: {detail}")
PRECEDENT_LEADERS_ELSEWHERE = N_(
    "A US–Russia leaders' meeting elsewhere in the country ({where}) on {when}: {detail}"
)
PRECEDENT_SENIOR_ELSEWHERE = N_(
    "Senior US–Russia talks elsewhere in the country ({where}) on {when}: {detail}"
)
PRECEDENT_WORKING_ELSEWHERE = N_(
    "Working-level US–Russia contacts elsewhere in the country ({where}) on {when}: {detail}"
)
PRECEDENT_NONE_FOUND = N_("No US–Russia meeting found here (checked as of {as_of}): {detail}")
PUTIN_VISITED = N_("Putin visits since 24 February 2022: {count}, the latest on {latest}")
PUTIN_VISIT_NONE_FOUND = N_("No Putin visit found since 24 February 2022 (checked as of {as_of})")
AIR_DEMONSTRATED = N_(
    "Putin flew here on {when}, after the 2022 airspace closures: a route from Moscow exists"
)
AIR_NEEDS_EXEMPTION = N_(
    "The way from Moscow crosses airspace closed to Russian aircraft since February 2022"
)
AIR_UNKNOWN = N_("Air route from Moscow avoiding closed airspace: unknown")
EVENT_AGAINST = N_("Recent event against ({when}): {detail}")
EVENT_IN_FAVOUR = N_("Recent event in favour ({when}): {detail}")
EVENT_NEUTRAL = N_("Recent event, not scored ({when}): {detail}")

# Factor values as /venue and /venue history show them (`/venue set` still takes the
# keys). Keyed by factor name too, so a value may read differently under another factor.
FACTOR_VALUES: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("icc", "not_party"): N_("not a party"),
        ("icc", "party"): N_("party"),
        ("icc", "withdrawal_pending"): N_("withdrawal pending"),
        ("icc", "unverified"): N_("unverified"),
        ("war_stance", "mediator"): N_("mediator"),
        ("war_stance", "ally_of_russia"): N_("ally of Russia"),
        ("alliance", "nato_member"): N_("NATO member"),
        ("alliance", "not_nato"): N_("not in NATO"),
        ("host_offer", "offered"): N_("offer made"),
        ("precedent", "held"): N_("meeting held"),
        ("precedent", "held_elsewhere"): N_("meeting held elsewhere in the country"),
        ("precedent", "none_found"): N_("none found"),
        ("putin_visit", "visited"): N_("Putin visited"),
        ("putin_visit", "none_found"): N_("none found"),
        ("air_route", "demonstrated"): N_("route shown by a flight"),
        ("air_route", "needs_exemption"): N_("needs an airspace exemption"),
        ("air_route", "unknown"): N_("unknown"),
        ("event", "against"): N_("counts against"),
        ("event", "in_favour"): N_("counts in favour"),
        ("event", "neutral"): N_("not scored"),
    }
)

# Live evidence. {ts}: datetime; {person}, {airport}, {source}, {title}: as given.
LANDING_BELIEVED = N_("A jet believed to carry {person} landed at {airport} at {ts}")
LANDING_CONFIRMED = N_("A jet confirmed to carry {person} landed at {airport} at {ts}")
STATEMENT_HOST_MEETING = N_("The host's official source {source} speaks of a meeting here: {title}")
STATEMENT_HOST_MENTION = N_("The host's official source {source} names the city: {title}")
STATEMENT_OFFICIAL_MEETING = N_("{source} (official) speaks of a meeting here: {title}")
STATEMENT_OFFICIAL_MENTION = N_("{source} (official) names the city: {title}")
STATEMENT_MEDIA_MEETING = N_("{source} reports a meeting here: {title}")
STATEMENT_MEDIA_MENTION = N_("{source} names the city: {title}")
# {since}: datetime; {hours}: number; {sources}: source names joined with ", ".
SILENCE = N_("The host's official sources ({sources}) have said nothing since {since}")
# {sources}: "name (last polled YYYY-MM-DD HH:MM UTC)" joined with ", ".
SILENCE_NOT_COUNTED = N_("Not counted as silent: {sources} (failing, or not polled since {since})")
# {hours}: number; {source}, {title}: as given; {airport}: the landing's airport.
PAIR = N_("Linked: a landing at {airport} and {source}'s statement {hours} h apart: {title}")

# Ranking changes. {venue} and {previous}: the renderer fills in the venues' names in the
# chat's language from `RankingChange.venue` / `.previous_leader`; {score} and
# {previous_score}: numbers.
CHANGE_NEW_LEADER = N_("{venue} moved into first place, ahead of {previous}")
CHANGE_SCORE_JUMP = N_("The score of {venue} jumped from {previous_score} to {score}")

ALL = (
    ICC_NOT_PARTY,
    ICC_PARTY,
    ICC_WITHDRAWING,
    ICC_UNVERIFIED_AFTER_WITHDRAWAL,
    ICC_UNVERIFIED,
    WAR_MEDIATOR,
    WAR_ALLY_OF_RUSSIA,
    NATO_MEMBER,
    NOT_NATO,
    HOST_OFFER,
    PRECEDENT_LEADERS,
    PRECEDENT_SENIOR,
    PRECEDENT_WORKING,
    PRECEDENT_LEADERS_ELSEWHERE,
    PRECEDENT_SENIOR_ELSEWHERE,
    PRECEDENT_WORKING_ELSEWHERE,
    PRECEDENT_NONE_FOUND,
    PUTIN_VISITED,
    PUTIN_VISIT_NONE_FOUND,
    AIR_DEMONSTRATED,
    AIR_NEEDS_EXEMPTION,
    AIR_UNKNOWN,
    EVENT_AGAINST,
    EVENT_IN_FAVOUR,
    EVENT_NEUTRAL,
    LANDING_BELIEVED,
    LANDING_CONFIRMED,
    STATEMENT_HOST_MEETING,
    STATEMENT_HOST_MENTION,
    STATEMENT_OFFICIAL_MEETING,
    STATEMENT_OFFICIAL_MENTION,
    STATEMENT_MEDIA_MEETING,
    STATEMENT_MEDIA_MENTION,
    SILENCE,
    SILENCE_NOT_COUNTED,
    PAIR,
    CHANGE_NEW_LEADER,
    CHANGE_SCORE_JUMP,
)
