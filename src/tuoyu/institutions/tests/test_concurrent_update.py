"""Two officers saving the same record at once: exactly one wins, the other gets a clear 409
(security.md rule 29). Row locks do nothing on SQLite, so this runs on PostgreSQL only."""

import threading

import pytest
from django.db import connection

from tuoyu.core.errors import Conflict
from tuoyu.core.roles import Role
from tuoyu.institutions.models import Institution
from tuoyu.institutions.services import InstitutionData, institution_update

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks")


@pytest.mark.django_db(transaction=True)
def test_one_of_two_simultaneous_saves_wins(world):
    inst = world.institutions["a1"]
    version = inst.version
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def save(n: int) -> None:
        try:
            data = InstitutionData.from_instance(Institution.objects.get(pk=inst.pk))
            data.name = f"并发改名{n}"
            barrier.wait()
            institution_update(actor=world.users[Role.CITY_OFFICER], institution=inst, data=data, version=version)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["ok"]
    assert Institution.objects.get(pk=inst.pk).version == version + 1
