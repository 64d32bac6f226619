import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaa.messaging.models import LetterTemplate, LetterTemplateVersion, TemplateCode
from kaa.messaging.services import template_install_defaults, template_save

from .conftest import pdf_text


def test_defaults_are_installed_once(municipality):
    template_install_defaults(municipality=municipality)
    template_install_defaults(municipality=municipality)
    codes = set(LetterTemplate.objects.filter(municipality=municipality).values_list("code", flat=True))
    assert codes == {"letter_intro", "home_visit_note", "concern_notice", "postcard"}
    assert LetterTemplateVersion.objects.filter(template__municipality=municipality).count() == 4
    intro = LetterTemplate.objects.get(municipality=municipality, code="letter_intro").current_version()
    assert "aktivitetsansvar" in intro.body and "{svarskod}" in intro.body


def test_every_save_is_a_new_version(municipality, administrator):
    (template, *_rest) = template_install_defaults(municipality=municipality)
    v2 = template_save(template=template, user=administrator, title="Hej", body="Hej {fornamn}")
    v3 = template_save(template=template, user=administrator, title="Hej igen", body="Hej {fornamn}!")
    assert (v2.number, v3.number) == (2, 3)
    assert template.current_version() == v3
    assert LetterTemplateVersion.objects.get(pk=v2.pk).body == "Hej {fornamn}"
    assert v3.created_by == administrator


def test_unknown_placeholder_is_not_saved(municipality, administrator):
    (template, *_rest) = template_install_defaults(municipality=municipality)
    with pytest.raises(ValidationError) as exc:
        template_save(template=template, user=administrator, title="Hej", body="Hej {personnummer}")
    assert "{personnummer}" in str(exc.value.message_dict["body"])
    assert template.versions.count() == 1


def test_edit_page_shows_the_error_naming_the_placeholder(client, municipality, administrator):
    (template, *_rest) = template_install_defaults(municipality=municipality)
    client.force_login(administrator)
    url = reverse("messaging:template_edit", args=[template.pk])
    response = client.post(url, {"title": "Hej", "body": "Hej {adress}"})
    assert response.status_code == 200
    assert "{adress}" in response.content.decode()
    assert template.versions.count() == 1
    response = client.post(url, {"title": "Hej", "body": "Hej {fornamn}"})
    assert response.status_code == 302
    assert template.versions.count() == 2


def test_template_list_installs_defaults_and_preview_is_a_pdf(client, municipality, administrator):
    client.force_login(administrator)
    assert client.get(reverse("messaging:template_list")).status_code == 200
    assert client.post(reverse("messaging:template_list")).status_code == 302
    template = LetterTemplate.objects.get(municipality=municipality, code=TemplateCode.LETTER_INTRO)
    response = client.get(reverse("messaging:template_preview", args=[template.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Kim" in pdf_text(response.content)


def test_templates_need_letters_manage(client, municipality, coach, coordinator):
    (template, *_rest) = template_install_defaults(municipality=municipality)
    for user in (coach, coordinator):
        client.force_login(user)
        assert client.get(reverse("messaging:template_list")).status_code == 403
        assert client.get(reverse("messaging:template_edit", args=[template.pk])).status_code == 403


def test_other_municipalitys_template_is_404(client, administrator):
    from tests.factories import MunicipalityFactory

    other = MunicipalityFactory(code="0765", name="Älmhult")
    (template, *_rest) = template_install_defaults(municipality=other)
    client.force_login(administrator)
    assert client.get(reverse("messaging:template_edit", args=[template.pk])).status_code == 404


def test_chain_step_template_names_resolve_to_defaults(municipality):
    from kaa.messaging.services import current_version

    assert current_version(municipality=municipality, code="almhult_concern_notice").template.code == "concern_notice"
    with pytest.raises(ValidationError):
        current_version(municipality=municipality, code="nonsense")
