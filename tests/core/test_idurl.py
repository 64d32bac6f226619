"""An address by id reversed once gives the same address as ``reverse`` / ``{% url %}`` per id."""

from django.template import Context, Template
from django.urls import reverse

from kaa.core.idurl import IdUrl


def test_the_same_address_as_reverse():
    youth_url, log_url = IdUrl("register:youth_detail"), IdUrl("register:youth_log")
    for pk in (1, 42, 90083, "7"):
        assert youth_url(pk) == reverse("register:youth_detail", args=[pk])
        assert log_url(pk) == reverse("register:youth_log", args=[pk])


def test_in_a_template_as_url_writes_it():
    template = Template("{% load kaa %}{% id_url 'register:youth_detail' as u %}{% for pk in ids %}"
                        "<a href=\"{{ u|for_id:pk }}\"></a>{% endfor %}")
    expected = Template("{% for pk in ids %}<a href=\"{% url 'register:youth_detail' pk %}\"></a>{% endfor %}")
    context = {"ids": [3, 1000, 123456]}
    assert template.render(Context(context)) == expected.render(Context(context))
