"""Background job of the audit log: the coming months' partitions are created ahead (PostgreSQL)."""

from django_tasks import task

from kaa.core.scheduler import periodic


@task()
def audit_partitions_ahead(period: str) -> list[str]:
    """Create the partitions of this month and the next ones (idempotent; nothing on SQLite)."""
    from .partitions import audit_partitions_ensure

    return audit_partitions_ensure()


periodic("audit_partitions_ahead", "kaa.audit.tasks.audit_partitions_ahead", every="day", catch_up=0)
