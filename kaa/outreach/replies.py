"""What a youth (or a guardian) can answer on the public reply page (``/svar/``).

The choices live here, below messaging, because outreach reads the replies (worklist, youth page)
and messaging's reply form offers them."""

from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("contact", _("Contact me")),
    ("meeting", _("I would like to meet")),
    ("occupation", _("I am already doing something")),
]
OCCUPATION_CHOICES = [
    ("", _("Choose")), ("work", _("Work")), ("studies", _("Studies at another school")),
    ("other", _("Something else")),
]
