"""Background jobs of messaging: a large letter batch is rendered by the task worker, not the web request."""

from django.core.exceptions import ValidationError
from django_tasks import task


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
