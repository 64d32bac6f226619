"""The target-group rules (DOMAIN.md §2), one test per rule; each fails without its rule."""

import datetime

import pytest

from kaa.register.rules import (
    REASON_LABELS,
    WAITING_FOR_DEGREE_CHECK,
    Decision,
    EnrolmentFacts,
    Facts,
    decide,
    explain,
    next_change_date,
)

D = datetime.date
HOME = "0480"


BIRTH, GR_END, GY_START = D(2008, 3, 10), D(2024, 6, 11), D(2024, 8, 19)


def facts(birth=BIRTH, enrolments=(), **kwargs) -> Facts:
    kwargs.setdefault("home_code", HOME)
    kwargs.setdefault("municipality_code", HOME)
    return Facts(birth_date=birth, enrolments=tuple(enrolments), **kwargs)


def gr9(end=GR_END, **kwargs) -> EnrolmentFacts:
    return EnrolmentFacts(school_type="GR", school_year=9, start_date=D(2023, 8, 17), end_date=end, **kwargs)


def gy(programme="NA", start=GY_START, **kwargs) -> EnrolmentFacts:
    return EnrolmentFacts(school_type="GY", programme=programme, start_date=start, **kwargs)


def status(f, on):
    d = decide(f, on)
    return (d.in_target_group, d.reason)


# --- never started, and the summer gap ------------------------------------------------------------

def test_completed_compulsory_school_and_never_started_is_in():
    d = decide(facts(enrolments=[gr9()]), D(2024, 10, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "ej_paborjat", D(2024, 9, 1))


def test_summer_gap_keeps_a_june_leaver_out_until_the_gap_end():
    f = facts(enrolments=[gr9()])
    assert status(f, D(2024, 6, 11)) == (False, "skolplikt_ej_fullgjord")  # last school day: still enrolled
    assert status(f, D(2024, 7, 15)) == (False, "skolplikt_ej_fullgjord")  # summer gap
    assert status(f, D(2024, 8, 31)) == (False, "skolplikt_ej_fullgjord")
    assert status(f, D(2024, 9, 1)) == (True, "ej_paborjat")


def test_summer_gap_end_is_a_municipality_setting():
    f = facts(enrolments=[gr9()], summer_gap=(10, 15))
    assert status(f, D(2024, 10, 14)) == (False, "skolplikt_ej_fullgjord")
    d = decide(f, D(2024, 10, 15))
    assert (d.in_target_group, d.reason, d.since) == (True, "ej_paborjat", D(2024, 10, 15))


def test_no_summer_gap_for_a_leaver_in_winter():
    f = facts(enrolments=[gr9(end=D(2024, 1, 20))], birth=D(2008, 1, 5))
    d = decide(f, D(2024, 3, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "ej_paborjat", D(2024, 1, 21))


def test_slutbetyg_without_end_date_completes_compulsory_school():
    e = EnrolmentFacts(school_type="GR", school_year=9, start_date=D(2023, 8, 17), result="slutbetyg",
                       result_date=D(2024, 6, 11))
    assert status(facts(enrolments=[e]), D(2024, 9, 2)) == (True, "ej_paborjat")
    assert status(facts(enrolments=[e]), D(2024, 6, 11)) == (False, "skolplikt_ej_fullgjord")


def test_special_school_final_year_is_10():
    sp9 = EnrolmentFacts(school_type="SP", school_year=9, start_date=D(2022, 8, 17), end_date=D(2023, 6, 10))
    sp10 = EnrolmentFacts(school_type="SP", school_year=10, start_date=D(2022, 8, 17), end_date=D(2023, 6, 10))
    birth = D(2008, 3, 10)  # turns 16 in 2024: the age rule does not apply in 2023
    assert status(facts(birth, [sp9]), D(2023, 10, 1)) == (False, "skolplikt_ej_fullgjord")
    assert status(facts(birth, [sp10]), D(2023, 10, 1)) == (True, "ej_paborjat")


# --- compulsory school ------------------------------------------------------------------------------

def test_running_compulsory_school_is_out_even_after_16():
    e = EnrolmentFacts(school_type="GRS", school_year=9, start_date=D(2024, 8, 17), end_date=D(2025, 6, 10))
    f = facts(birth=D(2008, 3, 10), enrolments=[e])
    assert status(f, D(2024, 10, 1)) == (False, "skolplikt_ej_fullgjord")


def test_compulsory_school_completed_by_age_without_school_data():
    f = facts(birth=D(2008, 3, 10), registered_from=D(2020, 1, 1))
    assert status(f, D(2024, 6, 30)) == (False, "skolplikt_ej_fullgjord")
    assert decide(f, D(2024, 9, 1)).in_target_group  # 1 July 2024, then the summer gap


def test_not_final_year_before_16_is_not_completed():
    e = EnrolmentFacts(school_type="GR", school_year=8, start_date=D(2022, 8, 17), end_date=D(2023, 6, 10))
    assert status(facts(D(2008, 3, 10), [e]), D(2023, 10, 1)) == (False, "skolplikt_ej_fullgjord")


def test_immigration_at_an_age_without_school_duty_counts_as_completed():
    f = facts(birth=D(2007, 2, 1), immigration_date=D(2024, 11, 5), registered_from=D(2024, 11, 5))
    d = decide(f, D(2024, 12, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "inflyttad", D(2024, 11, 5))
    assert status(f, D(2024, 11, 4)) == (False, "ej_folkbokford")  # not yet in Sweden


# --- turned 20 -------------------------------------------------------------------------------------

def test_out_from_the_20th_birthday_itself():
    f = facts(birth=D(2006, 10, 1), enrolments=[gr9(end=D(2022, 6, 10))])
    assert status(f, D(2026, 9, 30)) == (True, "ej_paborjat")
    d = decide(f, D(2026, 10, 1))
    assert (d.in_target_group, d.reason, d.since) == (False, "fyllt_20", D(2026, 10, 1))


def test_samordningsnummer_birth_day_is_the_real_day():
    # 200610610005 = born 2006-10-01 with a coordination number; the rules get the real birth date.
    from kaa.register.identity import parse_identity
    from tests.factories import make_personnummer

    identity = parse_identity(make_personnummer(D(2006, 10, 1), serial=5, coordination=True))
    assert identity.is_coordination_number and identity.birth_date == D(2006, 10, 1)
    f = facts(birth=identity.birth_date, enrolments=[gr9(end=D(2022, 6, 10))])
    assert decide(f, D(2026, 9, 30)).in_target_group
    assert status(f, D(2026, 10, 1)) == (False, "fyllt_20")


def test_extended_responsibility_flags_youths_who_were_in_at_20():
    f = facts(birth=D(2006, 10, 1), enrolments=[gr9(end=D(2022, 6, 10))], extended_responsibility=True)
    d = decide(f, D(2027, 1, 1))
    assert (d.in_target_group, d.reason, d.extended) == (False, "fyllt_20", True)
    assert decide(f, D(2031, 10, 1)) == Decision(False, "fyllt_20", D(2031, 10, 1))  # 25: a new stretch
    graduate = facts(birth=D(2006, 10, 1), extended_responsibility=True,
                     enrolments=[gy(start=D(2022, 8, 19), end_date=D(2025, 6, 10), result="gymnasieexamen",
                                    result_date=D(2025, 6, 10))])
    assert not decide(graduate, D(2027, 1, 1)).extended
    off = facts(birth=D(2006, 10, 1), enrolments=[gr9(end=D(2022, 6, 10))])
    assert not decide(off, D(2027, 1, 1)).extended


# --- population status --------------------------------------------------------------------------------

def test_moved_out_takes_effect_on_its_status_date():
    f = facts(enrolments=[gr9()], population_status="utflyttad", population_status_date=D(2025, 3, 1))
    assert status(f, D(2025, 2, 28)) == (True, "ej_paborjat")
    d = decide(f, D(2025, 3, 1))
    assert (d.in_target_group, d.reason, d.since) == (False, "ej_folkbokford", D(2025, 3, 1))


def test_deceased_and_emigrated_take_effect_on_their_dates_and_come_first():
    for code in ("avliden", "utvandrad"):
        f = facts(birth=D(2006, 1, 1), enrolments=[gr9(end=D(2022, 6, 10))], population_status=code,
                  population_status_date=D(2025, 3, 1))
        assert status(f, D(2025, 2, 28)) == (True, "ej_paborjat")
        assert status(f, D(2025, 3, 1)) == (False, code)
        assert status(f, D(2027, 1, 1)) == (False, code)  # before fyllt_20


def test_removed_by_a_full_import_is_no_longer_folkbokford():
    f = facts(enrolments=[gr9()], population_status="avregistrerad", population_status_date=D(2025, 5, 1))
    assert status(f, D(2025, 5, 1)) == (False, "ej_folkbokford")


def test_known_only_from_school_data_is_not_folkbokford():
    f = facts(enrolments=[gr9()], in_population=False, municipality_code="")
    assert status(f, D(2024, 10, 1)) == (False, "ej_folkbokford")


def test_folkbokford_in_another_municipality():
    assert status(facts(enrolments=[gr9()], municipality_code="0580"), D(2024, 10, 1)) == (False, "ej_folkbokford")


def test_folkbokford_from_a_later_date():
    f = facts(enrolments=[gr9()], registered_from=D(2025, 1, 10))
    assert status(f, D(2025, 1, 9)) == (False, "ej_folkbokford")
    d = decide(f, D(2025, 2, 1))
    assert (d.in_target_group, d.since) == (True, D(2025, 1, 10))


# --- upper-secondary school -------------------------------------------------------------------------

def test_running_national_programme_is_out():
    d = decide(facts(enrolments=[gr9(), gy()]), D(2024, 10, 1))
    assert (d.in_target_group, d.reason, d.since) == (False, "nationellt_program", D(2024, 8, 19))


def test_an_interruption_dated_after_the_register_date_does_not_count_yet():
    f = facts(enrolments=[gr9(), gy(interruption_date=D(2025, 2, 1))])
    assert status(f, D(2025, 1, 31)) == (False, "nationellt_program")
    d = decide(f, D(2025, 2, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "avbrott", D(2025, 2, 1))


def test_an_enrolment_starting_after_the_register_date_does_not_count():
    f = facts(enrolments=[gr9(), gy(start=D(2024, 11, 4))])
    assert status(f, D(2024, 11, 3)) == (True, "ej_paborjat")
    assert status(f, D(2024, 11, 4)) == (False, "nationellt_program")


def test_cancelled_enrolment_does_not_count():
    assert status(facts(enrolments=[gr9(), gy(cancelled=True)]), D(2024, 10, 1)) == (True, "ej_paborjat")


def test_ended_on_the_end_date_itself_still_running():
    f = facts(enrolments=[gr9(), gy(end_date=D(2025, 3, 1))])
    assert status(f, D(2025, 3, 1)) == (False, "nationellt_program")
    assert status(f, D(2025, 3, 2)) == (True, "avbrott")


def test_degree_takes_out_on_its_date():
    e = gy(start=D(2021, 8, 19), end_date=D(2024, 6, 10), result="gymnasieexamen", result_date=D(2024, 6, 10))
    d = decide(facts(birth=D(2005, 3, 1), enrolments=[e]), D(2024, 6, 10))
    assert (d.in_target_group, d.reason, d.since) == (False, "examen", D(2024, 6, 10))
    assert status(facts(birth=D(2005, 3, 1), enrolments=[e]), D(2024, 6, 9)) == (False, "nationellt_program")


def test_adapted_certificate_is_a_degree():
    e = EnrolmentFacts(school_type="GYS", start_date=D(2020, 8, 19), end_date=D(2024, 6, 10),
                       result="gymnasiesarskolebevis", result_date=D(2024, 6, 10))
    assert status(facts(birth=D(2005, 3, 1), enrolments=[e]), D(2024, 9, 1)) == (False, "examen")


def test_komvux_degree_counts_but_komvux_studies_do_not():
    studying = EnrolmentFacts(school_type="VUX", start_date=D(2024, 8, 19))
    f = facts(enrolments=[gr9(), studying])
    assert status(f, D(2024, 10, 1)) == (True, "ej_paborjat")
    graduated = EnrolmentFacts(school_type="VUX", start_date=D(2024, 8, 19), end_date=D(2025, 6, 1),
                               result="gymnasieexamen", result_date=D(2025, 6, 1))
    assert status(facts(enrolments=[gr9(), graduated]), D(2025, 6, 1)) == (False, "examen")


def test_folk_high_school_is_occupation_not_education_out():
    f = facts(enrolments=[gr9(), EnrolmentFacts(school_type="FHS", start_date=D(2024, 8, 19))])
    assert status(f, D(2024, 10, 1)) == (True, "ej_paborjat")


def test_studiebevis_stays_in():
    e = gy(start=D(2021, 8, 19), end_date=D(2024, 6, 10), result="studiebevis", result_date=D(2024, 6, 10))
    d = decide(facts(birth=D(2005, 3, 1), enrolments=[e]), D(2024, 9, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "studiebevis", D(2024, 6, 11))


def test_adapted_upper_secondary_and_equivalent_and_intro_are_out_in_precedence():
    gys = EnrolmentFacts(school_type="GYS", start_date=D(2024, 8, 19))
    equivalent = EnrolmentFacts(school_type="GY", programme="", equivalent=True, start_date=D(2024, 8, 19))
    intro = gy("IMV")
    on = D(2024, 10, 1)
    assert status(facts(enrolments=[gr9(), gys]), on) == (False, "anpassad_gymnasieskola")
    assert status(facts(enrolments=[gr9(), intro]), on) == (False, "introduktionsprogram")
    other = EnrolmentFacts(school_type="FHS", equivalent=True, start_date=D(2024, 8, 19))
    assert status(facts(enrolments=[gr9(), other]), on) == (False, "motsvarande_utbildning")
    assert status(facts(enrolments=[gr9(), intro, other]), on) == (False, "motsvarande_utbildning")
    assert status(facts(enrolments=[gr9(), intro, gys]), on) == (False, "anpassad_gymnasieskola")
    assert status(facts(enrolments=[gr9(), gys, gy()]), on) == (False, "nationellt_program")
    assert status(facts(enrolments=[gr9(), equivalent]), on) == (False, "nationellt_program")


def test_every_im_code_is_an_introduction_programme():
    for code in ("IMA", "IMS", "IMV", "IMY", "IMPRO", "IMYRK", "IMIND", "IMSPR", "IMPRE", "imv"):
        assert status(facts(enrolments=[gr9(), gy(code)]), D(2024, 10, 1)) == (False, "introduktionsprogram")


def test_left_introduction_programme_is_im():
    f = facts(enrolments=[gr9(), gy("IMA", end_date=D(2025, 1, 31))])
    d = decide(f, D(2025, 3, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "im", D(2025, 2, 1))


def test_latest_upper_secondary_enrolment_decides_the_in_reason():
    first = gy("NA", interruption_date=D(2024, 12, 1))
    then = gy("IMA", start=D(2025, 1, 10), interruption_date=D(2025, 3, 1))
    assert status(facts(enrolments=[gr9(), first, then]), D(2025, 4, 1)) == (True, "im")
    assert status(facts(enrolments=[gr9(), first]), D(2025, 4, 1)) == (True, "avbrott")


def test_compulsory_school_comes_before_education():
    young = facts(birth=D(2010, 1, 1), enrolments=[gy(start=D(2024, 8, 19))])
    assert status(young, D(2024, 10, 1)) == (False, "skolplikt_ej_fullgjord")


def test_degree_comes_before_a_running_programme():
    done = gy(start=D(2020, 8, 19), end_date=D(2023, 6, 10), result="gymnasieexamen", result_date=D(2023, 6, 10))
    assert status(facts(birth=D(2005, 1, 1), enrolments=[done, gy("EK")]), D(2024, 10, 1)) == (False, "examen")


# --- moved in, and waiting for the degree check -------------------------------------------------------

def test_moved_in_without_school_history_is_inflyttad():
    f = facts(birth=D(2007, 2, 1), registered_from=D(2025, 2, 3))
    d = decide(f, D(2025, 3, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "inflyttad", D(2025, 2, 3))


def test_no_school_data_and_no_move_in_date_is_ovrigt():
    assert status(facts(birth=D(2007, 2, 1)), D(2025, 3, 1)) == (True, "ovrigt")


def test_wait_for_degree_check_holds_older_in_movers_back():
    f = facts(birth=D(2007, 2, 1), registered_from=D(2025, 2, 3), wait_for_degree_check=True)
    assert status(f, D(2025, 3, 1)) == (False, WAITING_FOR_DEGREE_CHECK)
    checked = facts(birth=D(2007, 2, 1), registered_from=D(2025, 2, 3), wait_for_degree_check=True,
                    degree_checked_on=D(2025, 3, 10))
    assert status(checked, D(2025, 3, 9)) == (False, WAITING_FOR_DEGREE_CHECK)
    d = decide(checked, D(2025, 4, 1))
    assert (d.in_target_group, d.reason, d.since) == (True, "inflyttad", D(2025, 3, 10))
    younger = facts(birth=D(2009, 2, 1), registered_from=D(2025, 8, 3), wait_for_degree_check=True)
    assert status(younger, D(2025, 10, 1)) == (True, "inflyttad")  # moved in at 16


# --- next change, explanation ------------------------------------------------------------------------

def test_next_change_date_finds_the_next_calendar_change():
    f = facts(birth=D(2006, 10, 1), enrolments=[gr9(end=D(2022, 6, 10)), gy(start=D(2025, 8, 19),
                                                                             end_date=D(2026, 6, 10))])
    assert next_change_date(f, D(2025, 1, 1)) == D(2025, 8, 19)
    assert next_change_date(f, D(2025, 8, 19)) == D(2026, 6, 11)
    assert next_change_date(f, D(2026, 6, 10)) == D(2026, 6, 11)
    assert next_change_date(f, D(2026, 9, 1)) == D(2026, 10, 1)
    assert next_change_date(f, D(2026, 10, 1)) is None


@pytest.mark.parametrize("f", [
    facts(birth=D(2008, 3, 10), enrolments=[gr9(), gy(interruption_date=D(2025, 2, 1))],
          population_status="utflyttad", population_status_date=D(2026, 5, 5)),
    facts(birth=D(2008, 3, 10), enrolments=[gr9()]),
    facts(birth=D(2008, 3, 10), registered_from=D(2024, 7, 20)),
    facts(birth=D(2006, 10, 1), enrolments=[gr9(end=D(2022, 6, 10))], extended_responsibility=True),
    facts(birth=D(2007, 2, 1), registered_from=D(2025, 2, 3), wait_for_degree_check=True,
          degree_checked_on=D(2025, 3, 10)),
])
def test_next_change_date_covers_every_real_change(f):
    day, last = D(2024, 1, 1), decide(f, D(2024, 1, 1))
    while day < D(2028, 12, 31):
        nxt = next_change_date(f, day) or D(2100, 1, 1)
        probe = day + datetime.timedelta(days=1)
        while probe < min(nxt, D(2028, 12, 31)):
            assert status(f, probe) == (last.in_target_group, last.reason), probe
            probe += datetime.timedelta(days=1)
        day = nxt
        last = decide(f, day)


def test_explain_and_labels_cover_every_code():
    from kaa.register.rules import IN_REASONS, OUT_REASONS

    assert set(IN_REASONS) | set(OUT_REASONS) <= set(REASON_LABELS)
    from django.utils import translation

    with translation.override("en"):
        text = explain(decide(facts(enrolments=[gr9()]), D(2024, 10, 1)))
    assert "2024-09-01" in text and "In the target group" in text


# Found by the property test "since is the start of an unbroken stretch": each ``since`` below was
# wrong, so a daily computation and a single one would have recorded different periods.

def test_placed_back_in_compulsory_school_counts_from_the_placement():
    f = facts(birth=D(2000, 1, 1), enrolments=(EnrolmentFacts(school_type="GR", start_date=D(2017, 1, 1),
                                                               school_year=7),))
    assert status(f, D(2016, 12, 31))[:2] == (True, "ovrigt")
    assert decide(f, D(2017, 1, 1)) == Decision(False, "skolplikt_ej_fullgjord", D(2017, 1, 1))


def test_the_upper_secondary_enrolment_that_stopped_last_gives_the_reason_and_the_date():
    long_na = gy(start=D(2024, 8, 19), interruption_date=D(2026, 3, 1))
    short_im = gy("IMA", start=D(2024, 8, 20), interruption_date=D(2024, 8, 20))
    assert decide(facts(enrolments=(long_na, short_im)), D(2026, 4, 1)) == Decision(True, "avbrott",
                                                                                    D(2026, 3, 1))


def test_a_weaker_out_reason_holds_from_when_the_stronger_enrolment_stopped():
    na = gy(start=D(2024, 8, 19), interruption_date=D(2026, 1, 10))
    intro = gy("IMA", start=D(2024, 8, 19))
    assert decide(facts(enrolments=(na, intro)), D(2026, 2, 1)) == Decision(False, "introduktionsprogram",
                                                                            D(2026, 1, 10))
