"""A municipality's contact chain is installed when the municipality is set up, never by reading due dates."""

import importlib

import pytest
from django.apps import apps

from kaa.imports.services import population_import
from kaa.organisations.models import Municipality
from kaa.outreach import selectors
from kaa.outreach.models import ContactChain
from tests.factories import MunicipalityFactory
from tests.imports.helpers import csv_bytes, pop_row, write

pytestmark = pytest.mark.django_db


def test_a_new_municipality_gets_the_default_chain():
    municipality = Municipality.objects.create(code="0765", name="Älmhult")
    chain = ContactChain.objects.get(municipality=municipality, is_active=True)
    assert chain.preset == "almhult"
    assert chain.steps.count() == 8
    municipality.name = "Älmhults kommun"
    municipality.save()  # saving again installs nothing more
    assert ContactChain.objects.filter(municipality=municipality).count() == 1


def test_an_import_that_names_a_new_municipality_sets_its_chain_up(tmp_path):
    path = write(tmp_path, "folk.csv", csv_bytes([pop_row(1, kommunkod="0765")]))
    population_import(path_or_file=path, municipality_code="0765")
    municipality = Municipality.objects.get(code="0765")
    assert ContactChain.objects.filter(municipality=municipality, is_active=True).exists()


def test_reading_due_dates_installs_nothing(make_youth, coach, municipality, django_assert_max_num_queries):
    ContactChain.objects.filter(municipality=municipality).delete()  # as an installation from before the set-up
    youth = make_youth(coach=coach)
    with django_assert_max_num_queries(3):
        state = selectors.state_for(youth)
    assert not ContactChain.objects.exists()
    # Due dates still follow the default chain.
    assert [s.code for s in state.steps][:3] == ["social_services_check", "letter", "phone"]


def test_the_unsaved_default_spec_is_the_installed_default_chain(municipality):
    chain = ContactChain.objects.prefetch_related("steps").get(municipality=municipality, is_active=True)
    assert selectors.default_spec(municipality) == selectors.spec_for_chain(chain, municipality)


def test_the_migration_gives_a_municipality_without_a_chain_the_default():
    migration = importlib.import_module("kaa.outreach.migrations.0002_default_chain_for_every_municipality")
    other = MunicipalityFactory(code="0764")
    ContactChain.objects.filter(municipality=other).delete()
    migration.install_default_chains(apps, None)
    chain = ContactChain.objects.get(municipality=other, is_active=True)
    assert chain.preset == "almhult" and chain.steps.count() == 8
    assert ContactChain.objects.filter(is_active=True).count() == Municipality.objects.count()
    migration.install_default_chains(apps, None)  # a municipality with a chain keeps it
    assert ContactChain.objects.count() == Municipality.objects.count()
