"""The reply form /svar/<code>/ speaks Swedish (or English) with Arabic beside every text, like /svar/."""

import re

from django.urls import reverse

from kaa.messaging.forms import ReplyForm
from kaa.messaging.services import reply_codes_issue


def _code(make_youth):
    ((_youth, code),) = reply_codes_issue(youths=[make_youth()])
    return code


def test_every_label_and_choice_of_the_reply_form_has_arabic(client, make_youth):
    html = client.get(reverse("messaging:reply", kwargs={"code": _code(make_youth)})).content.decode()
    arabic = re.findall(r'<span lang="ar" dir="rtl">([^<]+)</span>', html)
    for text in [*ReplyForm.ARABIC.values(), "تواصلوا معي", "أود أن نلتقي", "أنا أحد الوالدين أو ولي الأمر"]:
        assert text in arabic or text in html, text
    assert "Vem svarar?" in html or "Vem är det som svarar?" in html or "svarar" in html
    assert 'lang="ar" dir="rtl"' in html.split("<h1")[1].split("</h1>")[0]


def test_the_reply_form_in_english_keeps_the_arabic(client, make_youth):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("messaging:reply", kwargs={"code": _code(make_youth)}),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Who is answering?" in html and ReplyForm.ARABIC["respondent"] in html


def test_an_error_is_given_in_arabic_too(client, make_youth):
    response = client.post(reverse("messaging:reply", kwargs={"code": _code(make_youth)}),
                           {"respondent": "youth", "kind": "contact"})
    html = response.content.decode()
    assert response.status_code == 200
    assert ReplyForm.ARABIC_ERRORS["phone"] in html and "يرجى مراجعة النموذج." in html
