"""Background jobs of messaging: a large letter batch is rendered by the task worker, not the web request;
old attempt counters of the reply page are deleted daily."""

from django.core.exceptions import ValidationError
from django_tasks import task

from kaa.core.scheduler import periodic


@task()
def letter_batch_task(user_id: int, municipality_id: int, template_code: str) -> int | None:
    """Create the batch as the user would have; returns its id (None when no letter was due)."""
    from kaa.accounts.models import User
    from kaa.organisations.models import Municipality

    from .services import letter_batch_create

    user = User.objects.get(pk=user_id)
    municipality = Municipality.objects.get(pk=municipality_id)
    try:
        return letter_batch_create(user=user, municipality=municipality, template_code=template_code).pk
    except ValidationError:
        return None


@task()
def ratelimit_prune(period: str) -> int:
    """Delete the reply page's attempt counters whose window has ended."""
    from .ratelimit import prune

    return prune()


periodic("messaging_ratelimit_prune", "kaa.messaging.tasks.ratelimit_prune", every="day", catch_up=0)
