"""The detector's thresholds, each with the reason for its default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Thresholds of the detector; each default says why it is what it is.

    Attributes:
        max_speed_kt: fastest plausible ground speed between two fixes. Business jets
            cruise near 500 kt true airspeed and a jet-stream tailwind adds up to ~250
            kt; 1000 kt leaves room for timing jitter and still rejects the jumps of
            tens or hundreds of km that spoofing and bad CPR decodes cause.
        position_slack_km: distance always allowed between fixes, whatever the time
            between them: near-simultaneous reports from different receivers or MLAT
            disagree by up to a few km.
        max_vrate_fpm: fastest plausible climb or descent. Emergency descents reach
            6000-8000 fpm; faster means a corrupt altitude.
        altitude_slack_ft: altitude change always allowed between fixes; pressure
            altitude can read ~1000 ft off field elevation on the ground on a
            low-pressure day, and readsb mixes barometric and geometric altitude.
        reanchor_reports: consecutive rejected reports, consistent with each other,
            after which the track moves to them: three agreeing fixes are a real track,
            so the earlier accepted one was the bad one.
        confirm_reports: consecutive reports needed to switch between ground and air;
            the air/ground bit flickers for a report or two at liftoff, touchdown and
            with bad decodes, and two polls are still well within a minute.
        air_min_gs_kt: ground speed above which a report without the ground bit is
            flying: jets taxi below 30 kt and lift off above 100 kt.
        max_ground_gs_kt: ground speed above which a report with the ground bit is
            treated as a bad air/ground bit: jets touch down below ~180 kt, and
            transponders with a faulty bit report "ground" at cruise speed.
        taxi_max_gs_kt: ground speed below which a low report without the ground bit
            is on the ground (some transponders never set the bit); no jet flies this
            slowly over the ground even into a strong headwind.
        airborne_min_agl_ft: height above the field beyond which a slow report still
            counts as flying; above the pressure-altitude error on the ground.
        high_alt_ft: altitude above which a report is flying whatever else it says:
            the highest airports are near 14,500 ft.
        low_agl_ft: "low" for probable takeoffs and landings: below this height above
            the nearest airport an aircraft is in its initial climb or final approach
            (3000 ft is about 17 km out on a 3° glide path).
        climb_min_fpm: climb rate that counts as climbing out (jets climb at
            1500-4000 fpm); above level-flight noise.
        descent_min_fpm: descent rate that counts as descending on approach
            (~700-1000 fpm on a 3° path); above level-flight noise.
        approach_cone_deg: an airport counts as ahead of (or behind) an aircraft when
            its bearing is within this of the aircraft's track: wide enough for the
            turn onto final, narrow enough to leave out fields off to the side.
        glide_slope_deg: the standard 3° approach path, to tell which airport a low
            aircraft is approaching from its height.
        ground_airport_km: how far a ground fix may be from an airport's reference
            point to be at that airport: runways and aprons of even the largest
            airports lie within about 6 km of it.
        near_airport_km: how far a low fix may be from an airport to be taking off from
            or landing at it: 3000 ft up on the glide path is ~17 km from touchdown, plus
            the runway's offset from the reference point.
        probable_landing_after_s: silence after which a low, descending aircraft near
            an airport is reported as probably landed: from 3000 ft at approach
            descent rates a jet is on the runway within three minutes, and ground-level
            coverage is often missing.
        lost_after_s: silence after which a flying aircraft's signal is reported lost:
            aggregators routinely drop an aircraft for a minute or two; five minutes is
            a real gap worth telling an analyst.
        min_turnaround_s: shortest time between landing and taking off again: a jet
            needs well over 15 minutes on the ground; a reappearance in the air sooner
            than this after a probable landing means it never landed (go-around or a
            low pass under coverage).
        quick_turnaround_s: the same for the aircraft in `quick_categories`: a
            helicopter drops a patient and lifts again within two minutes, a light
            aircraft in the circuit does a touch-and-go or a full stop and takes off
            again within a few; 15 minutes would lose every such takeoff.
        quick_categories: ADS-B emitter categories (readsb `category`) that turn around
            quickly: A1 light (under 15,500 lb), A7 rotorcraft, B1 glider, B4
            ultralight. Larger categories keep `min_turnaround_s`.
        field_km: how close a ground fix must be to a field outside the default
            airport index (airstrips, heliports and bases without an IATA code) to be
            at that field; a small field's runway and apron lie within ~2 km of its
            reference point. Only ground fixes use these fields: a low fix in the air
            near a farm strip says nothing about it.
        roll_max_agl_ft: height above the field up to which a fast first fix that is
            neither climbing nor descending is on the runway (pressure altitude reads a
            few hundred feet off on the ground): the next fix tells a takeoff roll
            (it climbs) from a landing roll (it slows on the ground).
        first_fix_agl_ft: height above a field up to which an aircraft first seen
            climbing is reported as having taken off from it (probable). Above
            `low_agl_ft` because coverage often starts only a few thousand feet up
            (an airliner climbing at 1500-3000 fpm is 5000 ft up 2-3 minutes after
            liftoff); the reach check below keeps it honest.
        climb_reach_factor: an aircraft climbing out of a field can be at most this
            many times the distance its ground speed covers in the time its climb rate
            needs to reach its height (plus `runway_km`) from the field: the climb
            rate and speed were lower just after liftoff, and a turn adds some.
            Rejects the "takeoff" of a helicopter first seen 12 km from an airport.
        runway_km: distance from a field's reference point at which an aircraft can
            lift off: as `ground_airport_km` says, the runways of even the largest
            airports lie within about 6 km of it.
        derive_max_s: longest time between two fixes over which a ground speed is
            worked out from the positions (when the report gives none, or when the
            given one is belied): beyond it the aircraft may have gone anywhere.
        belie_min_s: shortest time between two fixes over which positions may belie
            the flying speed of a report on the ground (up to `lost_after_s`): an
            aircraft on the ground reported at 468 kt whose position has not moved for
            this long is parked with a bad speed, not on its takeoff roll with a bad
            ground bit; over a second or two position noise could hide real movement.
        emergency_squawks: the Mode A codes that mean an emergency: 7500 unlawful
            interference, 7600 radio failure, 7700 general emergency.
        emergency_hold_s: how long an emergency squawk must be held: a code dialled
            through by mistake, or a single bad decode, lasts seconds.
        emergency_min_reports: reports carrying the code needed before it is believed.
        dedup_round_s: the event time in dedup keys is rounded down to this, so
            reprocessing the same data after a restart gives the same key even when
            the event time moves by a few seconds within the minute.
        forget_after_s: silence after which a track is dropped to bound memory; long
            enough that a jet parked for a couple of days is still known to be on the
            ground at its airport when it leaves.
    """

    max_speed_kt: float = 1000.0
    position_slack_km: float = 3.0
    max_vrate_fpm: float = 20_000.0
    altitude_slack_ft: float = 1000.0
    reanchor_reports: int = 3
    confirm_reports: int = 2
    air_min_gs_kt: float = 80.0
    max_ground_gs_kt: float = 200.0
    taxi_max_gs_kt: float = 50.0
    airborne_min_agl_ft: float = 1500.0
    high_alt_ft: float = 20_000.0
    low_agl_ft: float = 3000.0
    climb_min_fpm: float = 300.0
    descent_min_fpm: float = 300.0
    approach_cone_deg: float = 60.0
    glide_slope_deg: float = 3.0
    ground_airport_km: float = 10.0
    near_airport_km: float = 30.0
    probable_landing_after_s: float = 180.0
    lost_after_s: float = 300.0
    min_turnaround_s: float = 900.0
    quick_turnaround_s: float = 120.0
    quick_categories: frozenset[str] = frozenset({"A1", "A7", "B1", "B4"})
    field_km: float = 2.0
    roll_max_agl_ft: float = 300.0
    first_fix_agl_ft: float = 5000.0
    climb_reach_factor: float = 1.5
    runway_km: float = 6.0
    derive_max_s: float = 60.0
    belie_min_s: float = 5.0
    emergency_squawks: frozenset[str] = frozenset({"7500", "7600", "7700"})
    emergency_hold_s: float = 30.0
    emergency_min_reports: int = 2
    dedup_round_s: int = 60
    forget_after_s: float = 3 * 86_400.0


@dataclass(frozen=True, slots=True)
class DestinationConfig:
    """Thresholds of the destination predictor (`bot.flights.destination`), each with its reason.

    Attributes:
        alert_probability: the most likely destination is alerted once it reaches this
            probability (`SUMMITWATCH_DESTINATION_THRESHOLD` overrides it): above a half,
            so one airport outweighs every other together, and high enough that a jet
            still in cruise over several plausible airports is not named too early.
        bearing_sigma_deg: how far off the aircraft's track a destination usually lies
            in cruise: airways and direct routings stay within 10-15° of the great
            circle to the destination.
        turn_km: the lateral room near a destination: within a few tens of km an
            aircraft turns onto its downwind and base legs, so the bearing says less
            there (the tolerance grows to atan(turn_km / distance)).
        cone_deg: airports farther off the track than this (beyond `near_km`) are no
            candidates at all: nobody flies away from their destination for long.
        near_km: within this distance any direction is possible (circling, vectoring).
        max_range_km: farthest destination considered: the longest-range business
            jets (Global 7500, G700) fly about 14,000 km; 12,000 km covers every
            leg flown in practice and bounds the candidates.
        descent_min_fpm: a descent faster than this is a descent toward a destination,
            not altitude noise or a small level change.
        descent_nm_per_1000ft: the pilots' rule for where a descent starts: 3 nm per
            1000 ft to lose (about a 3° path), so the distance left matches the height
            left when descending, and a level aircraft is at least that far out.
        profile_sigma: spread of the log ratio of the actual to the expected distance:
            descents run from about 2.5° to 4° with level segments, a factor of ~1.5.
        cruise_min_ft: below this an aircraft that is not climbing is on a short hop
            or on its way down: jets cruise at FL250-FL450 on any leg over a few
            hundred km.
        low_reach: how many times the distance a 3° descent from its height needs an
            aircraft below `cruise_min_ft` still flies: level segments at 10,000 ft
            and below are vectoring and holds, not journeys.
        range_scale_km: each this many km of distance make a destination e times less
            likely: short legs are far more common than long ones, and a long one is
            seen as such only once the shorter candidates are passed.
        history_weight: log-weight per (log) visit of the aircraft's own airports: a
            government jet keeps returning to a few airports.
        international_weight: log-weight of an airport named "International": it
            serves flights from abroad, where foreign officials' jets land, and it
            outweighs the small fields around the same city (Zabrat beside Baku's GYD).
        route_weight: log-weight per (log) landing of earlier flights from the same
            origin: routes repeat, though less than an aircraft's own habits.
        slow_km: the last stretch, flown slower (from cruise down to approach speed):
            jets slow below 250 kt under 10,000 ft, some 60 km out, and to ~140 kt on
            final.
        approach_kt: ground speed on final approach.
        approach_extra_s: what vectors, holding and the pattern add to the straight
            line (a few minutes at a busy airport).
        window_s: the recent fixes kept per aircraft: the course over the last minutes.
        top: how many candidates a prediction keeps (and /status may show).
    """

    alert_probability: float = 0.6
    bearing_sigma_deg: float = 12.0
    turn_km: float = 25.0
    cone_deg: float = 75.0
    near_km: float = 40.0
    max_range_km: float = 12_000.0
    descent_min_fpm: float = 500.0
    descent_nm_per_1000ft: float = 3.0
    profile_sigma: float = 0.45
    cruise_min_ft: int = 25_000
    low_reach: float = 3.0
    range_scale_km: float = 1500.0
    history_weight: float = 1.5
    route_weight: float = 1.0
    international_weight: float = 0.7
    slow_km: float = 60.0
    approach_kt: float = 140.0
    approach_extra_s: float = 180.0
    window_s: float = 600.0
    top: int = 5
